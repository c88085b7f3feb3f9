package composelint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// The source map: compose-go's merged model has no positions, so every file
// that takes part in the project (config files, override files, included
// and extended files) is read here as YAML nodes, and each service gets the
// list of mappings that define it, in the order compose-go merges them. A
// finding is placed on the last definition that writes the offending key.
//
// Reading the files here first also puts every one of them through the
// guard before compose-go expands it.

// srcFile is one compose file as written.
type srcFile struct {
	abs   string
	rel   string // display path, slash-separated
	data  []byte
	lines []string
	docs  []*yaml.Node
}

// line returns the text of line n (1-based), or "".
func (f *srcFile) line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	return strings.TrimRight(f.lines[n-1], "\r")
}

// def is one mapping that defines (part of) a service: the service itself in
// one file, or a service it extends.
type def struct {
	file *srcFile
	name string     // the service name in that file
	key  *yaml.Node // the service name as written
	val  *yaml.Node // the service mapping
	env  template.Mapping
}

type sources struct {
	lim        limits
	root       string // finding paths are relative to it
	projectDir string
	files      map[string]*srcFile
	order      []*srcFile
	// defs lists, per service, its definitions from the lowest precedence
	// to the highest.
	defs map[string][]def
	// visiting guards extends chains and includes against cycles
	// (compose-go reports them; here they must only not loop).
	visiting map[string]bool
}

func newSources(lim limits, root, projectDir string) *sources {
	return &sources{lim: lim, root: root, projectDir: projectDir, files: map[string]*srcFile{}, defs: map[string][]def{}, visiting: map[string]bool{}}
}

// displayPath is path relative to the root, slash-separated.
func (s *sources) displayPath(abs string) string {
	if rel, err := filepath.Rel(s.root, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// file reads and parses a file once, through the guard.
func (s *sources) file(abs string) (*srcFile, error) {
	if f, ok := s.files[abs]; ok {
		return f, nil
	}
	rel := s.displayPath(abs)
	b, err := readGuarded(abs, s.lim)
	if err != nil {
		return nil, &LoadError{File: rel, Err: err}
	}
	docs, err := parseGuarded(b, s.lim)
	if err != nil {
		return nil, &LoadError{File: rel, Err: err}
	}
	f := &srcFile{abs: abs, rel: rel, data: b, lines: strings.Split(string(b), "\n"), docs: docs}
	s.files[abs] = f
	s.order = append(s.order, f)
	return f, nil
}

// addProject reads config files merged in order, as one project whose
// relative paths resolve against workDir.
func (s *sources) addProject(paths []string, workDir string, env types.Mapping) error {
	for _, p := range paths {
		f, err := s.file(p)
		if err != nil {
			return err
		}
		for _, doc := range f.docs {
			if err := s.addDoc(f, doc, workDir, env); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *sources) addDoc(f *srcFile, doc *yaml.Node, workDir string, env types.Mapping) error {
	root := deref(doc)
	if err := s.addIncludes(f, root, workDir, env); err != nil {
		return err
	}
	_, services := lookup(root, "services")
	for _, name := range mappingKeys(services) {
		defs, err := s.chain(f, services, name, workDir, env)
		if err != nil {
			return err
		}
		s.defs[name] = append(s.defs[name], defs...)
	}
	return nil
}

// addIncludes follows `include:` the way compose-go does: each entry is a
// project of its own, with its own directory and .env.
func (s *sources) addIncludes(f *srcFile, root *yaml.Node, workDir string, env types.Mapping) error {
	_, inc := lookup(root, "include")
	if inc == nil || inc.Kind != yaml.SequenceNode {
		return nil
	}
	for _, e := range inc.Content {
		paths, projectDir, envFiles := includeEntry(e, env)
		var abs []string
		for _, p := range paths {
			if err := local(f, "include", interpolate(p, env)); err != nil {
				return err
			}
			p = absIn(workDir, interpolate(p, env))
			if _, err := s.file(p); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil // compose-go reports it
				}
				return err
			}
			abs = append(abs, p)
		}
		if len(abs) == 0 {
			continue
		}
		dir := filepath.Dir(abs[0])
		if projectDir != "" {
			dir = absIn(workDir, projectDir)
		}
		incEnv := env.Clone()
		if st, err := os.Stat(filepath.Join(dir, ".env")); len(envFiles) == 0 && err == nil && !st.IsDir() {
			envFiles = []string{filepath.Join(dir, ".env")} // as compose-go picks it
		}
		for i, ef := range envFiles {
			envFiles[i] = absIn(workDir, interpolate(ef, env))
			if _, err := readGuarded(envFiles[i], s.lim); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return &LoadError{File: s.displayPath(envFiles[i]), Err: err}
			}
		}
		if m, err := dotenv.GetEnvFromFile(env, envFiles); err == nil {
			incEnv.Merge(m)
		}
		if s.visiting[abs[0]] {
			continue // an include cycle: compose-go reports it
		}
		s.visiting[abs[0]] = true
		err := s.addProject(abs, dir, incEnv)
		delete(s.visiting, abs[0])
		if err != nil {
			return err
		}
	}
	return nil
}

// includeEntry reads one `include:` entry, short or long syntax.
func includeEntry(e *yaml.Node, env types.Mapping) (paths []string, projectDir string, envFiles []string) {
	if e = deref(e); e == nil {
		return nil, "", nil
	}
	if e.Kind == yaml.ScalarNode {
		return []string{e.Value}, "", nil
	}
	_, p := lookup(e, "path")
	_, pd := lookup(e, "project_directory")
	_, ef := lookup(e, "env_file")
	return scalars(p), interpolate(scalar(pd), env), scalars(ef)
}

// chain returns the definitions of service name in services (a mapping of
// file f): first those of the service it extends, recursively, then its own.
// dir is where a relative extends.file resolves.
func (s *sources) chain(f *srcFile, services *yaml.Node, name, dir string, env types.Mapping) ([]def, error) {
	k, v := lookup(services, name)
	if k == nil {
		return nil, nil
	}
	id := f.abs + "\x00" + name
	if s.visiting[id] {
		return nil, nil
	}
	s.visiting[id] = true
	defer delete(s.visiting, id)

	own := def{file: f, name: name, key: k, val: v, env: lookupIn(env)}
	_, ext := lookup(v, "extends")
	if ext == nil {
		return []def{own}, nil
	}
	ref, file := ext.Value, ""
	if ext.Kind == yaml.MappingNode {
		_, sv := lookup(ext, "service")
		_, fv := lookup(ext, "file")
		ref, file = scalar(sv), scalar(fv)
	}
	ref = interpolate(ref, env)
	var base []def
	var err error
	if file == "" {
		base, err = s.chain(f, services, ref, dir, env)
	} else {
		if err := local(f, "extends", interpolate(file, env)); err != nil {
			return nil, err
		}
		p := absIn(dir, interpolate(file, env))
		bf, ferr := s.file(p)
		if errors.Is(ferr, fs.ErrNotExist) {
			return []def{own}, nil // compose-go reports it
		}
		if ferr != nil {
			return nil, ferr
		}
		for i := len(bf.docs) - 1; i >= 0 && base == nil; i-- {
			_, bs := lookup(deref(bf.docs[i]), "services")
			base, err = s.chain(bf, bs, ref, filepath.Dir(p), env)
			if err != nil {
				return nil, err
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return append(base, own), nil
}

// LoadError is a compose project that could not be loaded: invalid YAML, a
// schema violation, a missing variable, a cycle, a file over the limits.
type LoadError struct {
	File string // display path of the file at fault, or the main file
	Err  error
}

func (e *LoadError) Error() string {
	return e.File + ": " + oneLine(e.Err.Error())
}

func (e *LoadError) Unwrap() error { return e.Err }

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// local refuses a remote include or extends (git, OCI, HTTP): compose-go
// could fetch them with the right loader, and vouch never makes a network
// call the user did not ask for.
func local(f *srcFile, what, ref string) error {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "git@") {
		return &LoadError{File: f.rel, Err: fmt.Errorf("%s %s is a remote resource; vouch reads local files only", what, ref)}
	}
	return nil
}

func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func lookupIn(env types.Mapping) template.Mapping {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

// interpolate substitutes ${VAR} references in s; on error s is returned
// as written (compose-go reports the error).
func interpolate(s string, env types.Mapping) string {
	if !strings.Contains(s, "$") {
		return s
	}
	out, err := substitute(s, lookupIn(env))
	if err != nil {
		return s
	}
	return out
}

// substitute is compose-go's interpolation without its warnings on stderr
// about unset variables: a library does not print.
func substitute(s string, env template.Mapping) (string, error) {
	return template.SubstituteWithOptions(s, env, template.WithoutLogging)
}

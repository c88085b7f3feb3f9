package composelint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// loaded is a project: compose-go's merged model and the source map.
type loaded struct {
	project    *types.Project
	src        *sources
	projectDir string
	target     string // display path of the main file
}

// load finds the files, reads each of them through the guard, and only
// then lets compose-go load the project, with no remote resource loader
// (so `include` and `extends` never reach the network) and no environment
// but the one given.
func load(ctx context.Context, opts Options) (*loaded, error) {
	lim := limits{maxFileSize: opts.MaxFileSize, maxNodes: opts.MaxNodes}
	if lim.maxFileSize <= 0 {
		lim.maxFileSize = DefaultMaxFileSize
	}
	if lim.maxNodes <= 0 {
		lim.maxNodes = DefaultMaxNodes
	}
	env := types.NewMapping(opts.Env)
	files, projectDir, err := discover(opts, env)
	if err != nil {
		return nil, err
	}
	root := opts.Root
	if root == "" {
		root = repoRoot(projectDir)
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, err
	}
	src := newSources(lim, root, projectDir)
	p := &loaded{src: src, projectDir: projectDir, target: src.displayPath(files[0])}

	if err := p.readEnvFiles(opts.EnvFiles, env); err != nil {
		return p, err
	}
	if err := src.addProject(files, projectDir, env); err != nil {
		return p, err
	}
	details := types.ConfigDetails{WorkingDir: projectDir, Environment: env}
	for _, f := range files {
		details.ConfigFiles = append(details.ConfigFiles, types.ConfigFile{Filename: f, Content: src.files[f].data})
	}
	project, err := loadProject(ctx, details, projectName(projectDir), opts.Profiles)
	if err != nil {
		return p, &LoadError{File: p.target, Err: errors.New(src.shorten(err.Error()))}
	}
	p.project = project
	return p, nil
}

// readEnvFiles merges the env files into env, without overriding what env
// sets. Given files are relative to the current directory, as in docker
// compose; the default is .env in the project directory.
func (p *loaded) readEnvFiles(given []string, env types.Mapping) error {
	files := make([]string, len(given))
	for i, f := range given {
		abs, err := filepath.Abs(f)
		if err != nil {
			return err
		}
		files[i] = abs
	}
	if len(files) == 0 && exists(filepath.Join(p.projectDir, ".env")) {
		files = []string{filepath.Join(p.projectDir, ".env")}
	}
	for _, f := range files {
		if _, err := readGuarded(f, p.src.lim); err != nil {
			return &LoadError{File: p.src.displayPath(f), Err: err}
		}
	}
	fromFiles, err := dotenv.GetEnvFromFile(env, files)
	if err != nil {
		return &LoadError{File: p.target, Err: err}
	}
	env.Merge(fromFiles)
	return nil
}

// projectName is the default project name (a `name:` in the files wins).
func projectName(dir string) string {
	if name := loader.NormalizeProjectName(filepath.Base(dir)); name != "" {
		return name
	}
	return "project"
}

// loadProject runs compose-go, with every service enabled unless profiles
// narrow them. compose-go is not ours: a panic in it becomes an error, not
// a crash.
func loadProject(ctx context.Context, details types.ConfigDetails, name string, profiles []string) (p *types.Project, err error) {
	if len(profiles) == 0 {
		profiles = []string{"*"}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("compose-go failed on this input: %v", r)
		}
	}()
	return loader.LoadWithContext(ctx, details, func(o *loader.Options) {
		o.SetProjectName(name, false)
		o.Profiles = profiles
		o.ResourceLoaders = nil
		o.Interpolate.Substitute = substitute
		// env_file and label_file are read by no rule, and compose-go
		// would read them whole, whatever they are (/dev/zero).
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
	})
}

// shorten replaces the absolute paths of known files in a message by their
// display paths.
func (s *sources) shorten(msg string) string {
	for _, f := range s.order {
		msg = strings.ReplaceAll(msg, f.abs, f.rel)
	}
	return strings.ReplaceAll(msg, s.root+string(filepath.Separator), "")
}

// discover returns the compose files (absolute) and the project directory.
func discover(opts Options, env types.Mapping) ([]string, string, error) {
	files := opts.Files
	if len(files) == 0 && env["COMPOSE_FILE"] != "" {
		sep := env["COMPOSE_PATH_SEPARATOR"]
		if sep == "" {
			sep = string(os.PathListSeparator)
		}
		files = strings.Split(env["COMPOSE_FILE"], sep)
	}
	dir := opts.ProjectDir
	if len(files) > 0 {
		var abs []string
		for _, f := range files {
			if f == "-" {
				return nil, "", errors.New("reading a compose file from stdin is not supported; pass a file")
			}
			a, err := filepath.Abs(f)
			if err != nil {
				return nil, "", err
			}
			if _, err := os.Stat(a); err != nil {
				return nil, "", &LoadError{File: filepath.ToSlash(f), Err: errors.Unwrap(err)}
			}
			abs = append(abs, a)
		}
		if dir == "" {
			dir = filepath.Dir(abs[0])
		}
		dir, err := filepath.Abs(dir)
		return abs, dir, err
	}
	return discoverDefault(dir)
}

// discoverDefault finds compose.yaml (or another default name) and its
// override file in dir or the nearest parent that has one. The project
// directory is dir when given, else where the file was found.
func discoverDefault(dir string) ([]string, string, error) {
	start := dir
	if start == "" {
		start = "."
	}
	start, err := filepath.Abs(start)
	if err != nil {
		return nil, "", err
	}
	for d := start; ; d = filepath.Dir(d) {
		if f := firstExisting(d, cli.DefaultFileNames); f != "" {
			found := []string{f}
			if o := firstExisting(d, cli.DefaultOverrideFileNames); o != "" {
				found = append(found, o)
			}
			if dir == "" {
				return found, d, nil
			}
			return found, start, nil
		}
		if filepath.Dir(d) == d {
			return nil, "", fmt.Errorf("%s: %w", start, ErrNoComposeFile)
		}
	}
}

func firstExisting(dir string, names []string) string {
	for _, n := range names {
		if p := filepath.Join(dir, n); exists(p) {
			return p
		}
	}
	return ""
}

// repoRoot is the nearest directory at or above dir that holds .git, or dir.
func repoRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

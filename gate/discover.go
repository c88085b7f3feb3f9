package gate

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/vouch-dev/vouch/dockerlint"
)

// composeNames are the files docker compose looks for, in its order.
var composeNames = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

// isComposeFile reports whether a base name is a compose file or one of
// its override files.
func isComposeFile(name string) bool {
	for _, n := range composeNames {
		ext := path.Ext(n)
		if name == n || name == strings.TrimSuffix(n, ext)+".override"+ext {
			return true
		}
	}
	return false
}

// Discovery is what the gate found to lint.
type Discovery struct {
	// Dockerfiles are paths relative to the root, slash-separated.
	Dockerfiles []string
	// ComposeDirs are the directories (relative to the root) that hold a
	// compose project; each is linted as docker compose would load it.
	ComposeDirs []string
}

// Discover lists the Dockerfiles and compose projects under root: the
// files git tracks or would track (so .gitignore'd paths are skipped), or
// every file when root is not in a git work tree. Globs select files when
// given; paths, when given, restrict the search to those files and
// directories (relative to root).
func Discover(root string, paths, dockerGlobs, composeGlobs []string) (Discovery, error) {
	files, err := listFiles(root)
	if err != nil {
		return Discovery{}, err
	}
	var d Discovery
	dirs := map[string]bool{}
	for _, f := range files {
		if !underAny(f, paths) {
			continue
		}
		base := path.Base(f)
		if selected(f, dockerGlobs, dockerlint.IsDockerfile(base)) {
			d.Dockerfiles = append(d.Dockerfiles, f)
		}
		if selected(f, composeGlobs, isComposeFile(base)) {
			dirs[path.Dir(f)] = true
		}
	}
	for dir := range dirs {
		d.ComposeDirs = append(d.ComposeDirs, dir)
	}
	sort.Strings(d.Dockerfiles)
	sort.Strings(d.ComposeDirs)
	return d, nil
}

// selected applies the globs when there are any, else the default test.
func selected(file string, globs []string, byName bool) bool {
	if len(globs) == 0 {
		return byName
	}
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, file); ok {
			return true
		}
	}
	return false
}

// underAny reports whether file is one of paths or inside one of them;
// no paths means everything.
func underAny(file string, paths []string) bool {
	if len(paths) == 0 {
		return true
	}
	for _, p := range paths {
		p = strings.TrimSuffix(path.Clean(filepath.ToSlash(p)), "/")
		if p == "." || file == p || strings.HasPrefix(file, p+"/") {
			return true
		}
	}
	return false
}

// listFiles lists the regular files under root, relative and
// slash-separated, sorted.
func listFiles(root string) ([]string, error) {
	if files, ok := gitFiles(root); ok {
		return files, nil
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// gitFiles asks git for the tracked and untracked-but-not-ignored files
// under root. ok is false when root is not in a git work tree or git is not
// installed.
func gitFiles(root string) ([]string, bool) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, false
	}
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	out, err := cmd.Output()
	if err != nil {
		return nil, false
	}
	var files []string
	for _, f := range bytes.Split(out, []byte{0}) {
		if len(f) == 0 {
			continue
		}
		name := string(f)
		// A tracked file deleted in the work tree is not there to lint.
		if st, err := os.Lstat(filepath.Join(root, name)); err != nil || !st.Mode().IsRegular() {
			continue
		}
		files = append(files, name)
	}
	sort.Strings(files)
	return files, true
}

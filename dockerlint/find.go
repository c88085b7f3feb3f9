package dockerlint

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/vouch-dev/vouch/finding"
)

// IsDockerfile reports whether a file name is one a directory search
// picks up: Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile (and
// Containerfile.*), case-insensitively.
func IsDockerfile(name string) bool {
	n := strings.ToLower(name)
	return n == "dockerfile" || n == "containerfile" || strings.HasSuffix(n, ".dockerfile") ||
		strings.HasPrefix(n, "dockerfile.") || strings.HasPrefix(n, "containerfile.")
}

// skipDirs are never searched: version control and dependency trees.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true}

// ErrNoDockerfile is the cause when a directory holds no Dockerfile.
var ErrNoDockerfile = errors.New("no Dockerfile, *.Dockerfile, Dockerfile.* or Containerfile found")

// Find lists the Dockerfiles under root, in lexical order. A root that is
// a file is returned as is, whatever its name; a directory without any is
// an error.
func Find(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return &InputError{Path: p, Err: unwrapPathError(err)}
		case p == root && !d.IsDir():
			out = append(out, p)
		case d.IsDir() && p != root && skipDirs[d.Name()]:
			return filepath.SkipDir
		case !d.IsDir() && d.Type().IsRegular() && IsDockerfile(d.Name()):
			out = append(out, p)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = &InputError{Path: root, Err: ErrNoDockerfile}
	}
	return out, err
}

// LintPaths lints every argument: a file, a directory searched with Find,
// or "-" for stdin. It returns one result per file, in argument and then
// lexical order; a file or directory that cannot be linted gives a result
// with its Error set, and the others are still linted. Files are linted in
// parallel, one worker per CPU.
func LintPaths(args []string, stdin io.Reader, cfg Config) []finding.Result {
	type job struct {
		path string // "" when res is already final
		res  finding.Result
	}
	var jobs []job
	for _, arg := range args {
		if arg == "-" {
			res, _ := LintReader("-", stdin, cfg)
			jobs = append(jobs, job{res: res})
			continue
		}
		paths, err := Find(arg)
		if err != nil {
			jobs = append(jobs, job{res: errResult(filepath.ToSlash(arg), err)})
		}
		for _, p := range paths {
			jobs = append(jobs, job{path: filepath.ToSlash(filepath.Clean(p))})
		}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				jobs[i].res, _ = LintFile(jobs[i].path, cfg)
			}
		})
	}
	for i := range jobs {
		if jobs[i].path != "" {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	results := make([]finding.Result, len(jobs))
	for i := range jobs {
		results[i] = jobs[i].res
	}
	return results
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LintReader reads a Dockerfile from r (standard input, say), at most
// cfg's size limit, and lints it under the given name.
func LintReader(name string, r io.Reader, cfg Config) (finding.Result, error) {
	src, err := io.ReadAll(io.LimitReader(r, cfg.maxSize()+1))
	if err != nil {
		err = &InputError{Path: name, Err: err}
		return errResult(name, err), err
	}
	return Lint(name, src, cfg)
}

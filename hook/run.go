package hook

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/gate"
)

// zeroSHA is how git names a missing object in pre-push input (SHA-1 and
// SHA-256 repositories alike: all zeros).
func zeroSHA(s string) bool { return strings.Trim(s, "0") == "" }

// Update is one line of pre-push input: a ref the push updates.
type Update struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// Deletes reports whether the push deletes the remote ref.
func (u Update) Deletes() bool { return zeroSHA(u.LocalSHA) }

// Creates reports whether the push creates the remote ref.
func (u Update) Creates() bool { return zeroSHA(u.RemoteSHA) }

// ParseUpdates reads pre-push input: one `<local ref> <local sha> <remote
// ref> <remote sha>` line per ref. Blank lines are skipped.
func ParseUpdates(r io.Reader) ([]Update, error) {
	var out []Update
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 || !hexSHA(f[1]) || !hexSHA(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want '<local ref> <local sha> <remote ref> <remote sha>', got %q", n, sc.Text())
		}
		out = append(out, Update{LocalRef: f[0], LocalSHA: f[1], RemoteRef: f[2], RemoteSHA: f[3]})
	}
	return out, sc.Err()
}

func hexSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// Job is one lint the hook asks for: the linters over Paths (relative to
// Dir, slash-separated; none means everything) with Env as environment.
type Job struct {
	Dir   string
	Paths []string
	Env   []string
}

// Lint runs the lint-only gate on a job and returns its exit code: 0
// passed, 1 policy failed, 2 could not decide.
type Lint func(ctx context.Context, job Job) (int, error)

// RunOptions are what `vouch hook run` got from git.
type RunOptions struct {
	// Dir is the top of the work tree (where git runs the hook).
	Dir string
	// Remote is the remote's name (or URL) git passed as $1.
	Remote string
	// Updates are the refs pushed.
	Updates []Update
	// Lint runs the gate.
	Lint Lint
	// Log hears what the hook decided, one line each.
	Log io.Writer
	// MaxPaths is the number of changed files above which the whole tree
	// is linted instead of a list of paths; zero means 1000.
	MaxPaths int
}

// Run lints what each pushed ref changes and returns the worst exit code.
// A deleted ref changes nothing. An updated ref is compared with the remote
// commit it replaces; a new ref with its merge base with the remote's
// default branch, or, without one, the whole tree is linted. The files are
// linted in the work tree when it holds the pushed commit unchanged, else
// in a temporary copy of that commit.
func Run(ctx context.Context, opts RunOptions) (int, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	worst := 0
	for _, u := range opts.Updates {
		code, err := runOne(ctx, opts, u)
		if err != nil {
			return 2, fmt.Errorf("%s: %w", u.LocalRef, err)
		}
		worst = max(worst, code)
	}
	return worst, nil
}

func runOne(ctx context.Context, opts RunOptions, u Update) (int, error) {
	if u.Deletes() {
		return 0, nil
	}
	base := baseOf(opts.Dir, opts.Remote, u)
	var changed []string
	if base != "" {
		out, err := git(opts.Dir, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, u.LocalSHA, "--")
		if err != nil {
			return 0, err
		}
		if changed = splitZ(out); len(changed) == 0 {
			fmt.Fprintf(opts.Log, "vouch: %s: no file changed\n", u.LocalRef)
			return 0, nil
		}
	}
	dir, cleanup, err := checkout(ctx, opts.Dir, u.LocalSHA)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	limit := opts.MaxPaths
	if limit == 0 {
		limit = 1000
	}
	if len(changed) > limit {
		changed = nil
	}
	if !lintable(dir, changed) {
		fmt.Fprintf(opts.Log, "vouch: %s: no Dockerfile or compose file changed\n", u.LocalRef)
		return 0, nil
	}
	env := os.Environ()
	if dir != opts.Dir {
		env = withoutGitVars(env)
	}
	return opts.Lint(ctx, Job{Dir: dir, Paths: changed, Env: env})
}

// baseOf is the commit to compare a pushed ref with, or "" for everything.
func baseOf(dir, remote string, u Update) string {
	if !u.Creates() {
		if gitOK(dir, "cat-file", "-e", u.RemoteSHA+"^{commit}") {
			return u.RemoteSHA
		}
		// The remote has a commit we have not fetched (a force push):
		// fall back to the default branch, like a new ref.
	}
	for _, ref := range defaultBranches(dir, remote) {
		out, err := git(dir, "merge-base", ref, u.LocalSHA)
		if err == nil {
			return strings.TrimSpace(out)
		}
	}
	return ""
}

// defaultBranches are the remote-tracking refs that may be the remote's
// default branch, best first.
func defaultBranches(dir, remote string) []string {
	if remote == "" || strings.Contains(remote, "/") || strings.Contains(remote, ":") {
		return nil // a URL, not a remote name: no tracking refs
	}
	var refs []string
	if out, err := git(dir, "symbolic-ref", "--quiet", "refs/remotes/"+remote+"/HEAD"); err == nil {
		refs = append(refs, strings.TrimSpace(out))
	}
	for _, b := range []string{"main", "master"} {
		ref := "refs/remotes/" + remote + "/" + b
		if gitOK(dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}") {
			refs = append(refs, ref)
		}
	}
	return refs
}

// lintable reports whether the gate would find something to lint among
// paths (everything when none) in dir, by the config's globs. When the
// config cannot be read it says yes, so the gate reports the error.
func lintable(dir string, paths []string) bool {
	cfg := &config.Config{}
	if p := filepath.Join(dir, config.DefaultFile); exists(p) {
		c, err := config.Load(p)
		if err != nil {
			return true
		}
		cfg = c
	}
	found, err := gate.Discover(dir, paths, cfg.Dockerfiles, cfg.Compose)
	if err != nil {
		return true
	}
	return len(found.Dockerfiles)+len(found.ComposeDirs) > 0
}

// withoutGitVars drops the variables git sets for hooks, which would point
// git commands run in a copy of the tree back at the repository.
func withoutGitVars(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY":
			continue
		}
		out = append(out, kv)
	}
	return out
}

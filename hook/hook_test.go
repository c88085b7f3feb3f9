package hook

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/gate"
)

// The test binary doubles as vouch: the hook it installs runs it with
// VOUCH_HOOK_TEST_VOUCH set, and it then does what `vouch hook run` does,
// with the real lint-only gate in process (the CLI itself is tested end to
// end by scripts/hook-e2e.sh).
func TestMain(m *testing.M) {
	if os.Getenv("VOUCH_HOOK_TEST_VOUCH") == "1" {
		os.Exit(fakeVouch(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeVouch(args []string) int {
	if len(args) < 2 || args[0] != "hook" || args[1] != "run" {
		fmt.Fprintf(os.Stderr, "fake vouch: unexpected arguments %q\n", args)
		return 2
	}
	updates, err := ParseUpdates(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	dir, _ := os.Getwd()
	opts := RunOptions{Dir: dir, Updates: updates, Log: os.Stderr, Lint: lintInProcess}
	if len(args) > 2 {
		opts.Remote = args[2]
	}
	code, err := Run(context.Background(), opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

// lintInProcess is `vouch gate --lint-only PATH...` without the CLI; it
// logs the job to $VOUCH_HOOK_TEST_LOG for the tests to read.
func lintInProcess(ctx context.Context, job Job) (int, error) {
	if log := os.Getenv("VOUCH_HOOK_TEST_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return 2, err
		}
		inPlace := job.Dir == os.Getenv("VOUCH_HOOK_TEST_REPO")
		fmt.Fprintf(f, "lint in-place=%t paths=%s\n", inPlace, strings.Join(job.Paths, ","))
		f.Close()
	}
	cfg, err := config.Load(filepath.Join(job.Dir, config.DefaultFile))
	if err != nil {
		return 2, err
	}
	out, err := gate.Run(ctx, gate.Options{Root: job.Dir, Config: cfg, Paths: job.Paths, LintOnly: true, Env: job.Env})
	if err != nil {
		return 2, err
	}
	for _, r := range out.Results {
		for _, f := range r.Findings {
			if out.Threshold.Fails(&f) {
				fmt.Fprintf(os.Stderr, "%s %s %s\n", r.Target.Name, f.RuleID, f.Message)
			}
		}
		if r.Error != "" {
			fmt.Fprintf(os.Stderr, "%s: %s\n", r.Target.Name, r.Error)
		}
	}
	return out.Verdict.ExitCode(), nil
}

// gitEnv isolates git from the user's configuration.
func gitEnv(t *testing.T) []string {
	home := t.TempDir()
	return append(os.Environ(),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_TERMINAL_PROMPT=0")
}

type repo struct {
	t    *testing.T
	dir  string
	env  []string
	log  string
	bare string
}

// newRepo makes a work tree with a bare repository as its origin.
func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	base := t.TempDir()
	r := &repo{t: t, dir: filepath.Join(base, "work"), bare: filepath.Join(base, "remote.git"), log: filepath.Join(base, "lint.log")}
	r.env = append(gitEnv(t), "VOUCH_HOOK_TEST_LOG="+r.log, "VOUCH_HOOK_TEST_REPO="+r.dir)
	r.git(base, "init", "-q", "--bare", "-b", "main", r.bare)
	r.git(base, "init", "-q", "-b", "main", r.dir)
	r.git(r.dir, "remote", "add", "origin", r.bare)
	return r
}

func (r *repo) git(dir string, args ...string) string {
	r.t.Helper()
	out, err := r.run(dir, args...)
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (r *repo) run(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, r.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (r *repo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string, files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		r.write(name, content)
	}
	r.git(r.dir, "add", "-A")
	r.git(r.dir, "commit", "-q", "-m", msg)
}

// push runs git push with the hook enabled as the fake vouch.
func (r *repo) push(args ...string) (string, error) {
	r.t.Helper()
	os.Remove(r.log)
	cmd := exec.Command("git", append([]string{"push", "-q"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(r.env, "VOUCH_HOOK_TEST_VOUCH=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (r *repo) lintLog() string {
	b, _ := os.ReadFile(r.log)
	return string(b)
}

func (r *repo) remoteHas(ref string) string {
	out, err := r.run(r.bare, "rev-parse", "--verify", "--quiet", ref)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func (r *repo) install() Installed {
	r.t.Helper()
	self, err := os.Executable()
	if err != nil {
		r.t.Fatal(err)
	}
	res, err := Install(InstallOptions{Dir: r.dir, Command: self})
	if err != nil {
		r.t.Fatal(err)
	}
	return res
}

const (
	policy = "fail-on: medium\n"
	clean  = `services:
  web:
    image: nginx:1.27
    user: "10001:10001"
    cap_drop: [ALL]
    read_only: true
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
`
	rootService = `services:
  web:
    image: nginx:1.27
    user: root
    cap_drop: [ALL]
    read_only: true
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
`
)

func mustFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hookPath(r *repo) string { return filepath.Join(r.dir, ".git", "hooks", Name) }

func TestInstallIsIdempotent(t *testing.T) {
	r := newRepo(t)
	first := r.install()
	if !first.Changed || first.Chained != "" || first.Path != hookPath(r) {
		t.Fatalf("first install: %+v", first)
	}
	before := mustFile(t, first.Path)
	if again := r.install(); again.Changed {
		t.Errorf("second install changed the hook: %+v", again)
	}
	if !bytes.Equal(before, mustFile(t, first.Path)) {
		t.Error("second install rewrote the hook")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(first.Path), ChainedName)); err == nil {
		t.Error("second install chained vouch's own hook")
	}
	if _, err := Uninstall(r.dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(first.Path); err == nil {
		t.Error("uninstall left the hook")
	}
	if _, err := Uninstall(r.dir); err != ErrNotInstalled {
		t.Errorf("uninstall twice: %v, want ErrNotInstalled", err)
	}
}

func TestUninstallRestoresTheChainedHookExactly(t *testing.T) {
	r := newRepo(t)
	path := hookPath(r)
	orig := []byte("#!/bin/sh\necho original\n")
	if err := os.WriteFile(path, orig, 0o700); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	res := r.install()
	if res.Chained != filepath.Join(filepath.Dir(path), ChainedName) {
		t.Fatalf("install did not chain the hook: %+v", res)
	}
	if again := r.install(); again.Changed || again.Chained == "" {
		t.Errorf("second install: %+v", again)
	}
	un, err := Uninstall(r.dir)
	if err != nil || !un.Restored {
		t.Fatalf("uninstall: %+v, %v", un, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustFile(t, path), orig) || st.Mode().Perm() != 0o700 || !st.ModTime().Equal(mtime) {
		t.Errorf("restored hook differs: mode %v, time %v, content %q", st.Mode(), st.ModTime(), mustFile(t, path))
	}
	if _, err := os.Lstat(res.Chained); err == nil {
		t.Error("the chained copy is still there")
	}
}

func TestInstallHonoursHooksPath(t *testing.T) {
	r := newRepo(t)
	r.git(r.dir, "config", "core.hooksPath", ".githooks")
	res := r.install()
	if want := filepath.Join(r.dir, ".githooks", Name); res.Path != want {
		t.Fatalf("installed at %s, want %s", res.Path, want)
	}
	// git runs it from there.
	r.commit("root", map[string]string{"vouch.yaml": policy, "compose.yaml": rootService})
	if out, err := r.push("origin", "main"); err == nil || !strings.Contains(r.lintLog(), "lint") {
		t.Errorf("the hook in core.hooksPath did not refuse the push (%v):\n%s", err, out)
	}
	// From a subdirectory too: a relative hooksPath is relative to the top.
	sub := filepath.Join(r.dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if dir, err := HooksDir(sub); err != nil || dir != filepath.Join(r.dir, ".githooks") {
		t.Errorf("HooksDir from a subdirectory: %s, %v", dir, err)
	}
}

func TestInstallRefusesToLoseAHook(t *testing.T) {
	r := newRepo(t)
	dir := filepath.Dir(hookPath(r))
	for _, name := range []string{Name, ChainedName} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n# "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	self, _ := os.Executable()
	if _, err := Install(InstallOptions{Dir: r.dir, Command: self}); err == nil || !strings.Contains(err.Error(), "move one of them away") {
		t.Fatalf("install over two foreign hooks: %v", err)
	}
	for _, name := range []string{Name, ChainedName} {
		if got := string(mustFile(t, filepath.Join(dir, name))); got != "#!/bin/sh\n# "+name+"\n" {
			t.Errorf("%s changed: %q", name, got)
		}
	}
	if _, err := Uninstall(r.dir); err == nil || !strings.Contains(err.Error(), "not written by vouch") {
		t.Errorf("uninstall of a foreign hook: %v", err)
	}
}

func TestInstallOutsideARepository(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	if _, err := Install(InstallOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "git repository") {
		t.Errorf("install outside a repository: %v", err)
	}
}

func TestScriptQuotesTheCommand(t *testing.T) {
	s := string(Script("/opt/it's here/vouch"))
	if !strings.Contains(s, `vouch='/opt/it'\''s here/vouch'`) {
		t.Errorf("command not quoted:\n%s", s)
	}
	if !strings.Contains(s, "\n"+marker+"\n") {
		t.Error("script lacks the marker")
	}
	if !strings.Contains(string(Script("")), "vouch='vouch'") {
		t.Error("empty command is not vouch from PATH")
	}
}

package hook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPush pushes to a bare repository through the installed hook.
func TestPush(t *testing.T) {
	r := newRepo(t)
	r.install()

	r.commit("clean", map[string]string{"vouch.yaml": policy, "compose.yaml": clean, "README.md": "hi\n"})
	if out, err := r.push("origin", "main"); err != nil {
		t.Fatalf("clean push refused: %v\n%s", err, out)
	}
	if log := r.lintLog(); !strings.Contains(log, "in-place=true") || strings.Contains(log, "paths=compose") {
		t.Errorf("a new branch without a default branch should lint the whole work tree in place; log:\n%s", log)
	}

	r.commit("root", map[string]string{"compose.yaml": rootService})
	before := r.remoteHas("main")
	out, err := r.push("origin", "main")
	if err == nil {
		t.Fatalf("push of a root service went through:\n%s", out)
	}
	if !strings.Contains(out, "VCH-DC-001") {
		t.Errorf("refusal does not name the rule:\n%s", out)
	}
	if got := r.remoteHas("main"); got != before {
		t.Errorf("remote main moved to %s", got)
	}
	if log := r.lintLog(); !strings.Contains(log, "paths=compose.yaml\n") {
		t.Errorf("an update should lint only the changed files; log:\n%s", log)
	}

	// Pushed anyway; a later push that changes no Dockerfile or compose
	// file is not blocked by what was there before.
	if out, err := r.push("--no-verify", "origin", "main"); err != nil {
		t.Fatalf("push --no-verify: %v\n%s", err, out)
	}
	r.commit("docs", map[string]string{"README.md": "more\n"})
	if out, err := r.push("origin", "main"); err != nil {
		t.Fatalf("a README change was refused: %v\n%s", err, out)
	}
	if log := r.lintLog(); log != "" {
		t.Errorf("nothing to lint, but the gate ran:\n%s", log)
	}
}

// TestPushNewBranchOfAnotherCommit pushes a branch that is not checked out:
// the hook lints a copy of that commit, against the default branch.
func TestPushNewBranchOfAnotherCommit(t *testing.T) {
	r := newRepo(t)
	r.install()
	r.commit("clean", map[string]string{"vouch.yaml": policy, "compose.yaml": clean, "svc/README.md": "x\n"})
	if out, err := r.push("origin", "main"); err != nil {
		t.Fatalf("clean push refused: %v\n%s", err, out)
	}
	r.git(r.dir, "checkout", "-q", "-b", "feature")
	r.commit("root in svc", map[string]string{"svc/compose.yaml": rootService})
	r.git(r.dir, "checkout", "-q", "main")

	out, err := r.push("origin", "feature")
	if err == nil {
		t.Fatalf("push of a root service on a new branch went through:\n%s", out)
	}
	if log := r.lintLog(); !strings.Contains(log, "in-place=false paths=svc/compose.yaml\n") {
		t.Errorf("want a copy of the commit, linting svc/compose.yaml only; log:\n%s", log)
	}
	if r.remoteHas("feature") != "" {
		t.Error("the branch reached the remote")
	}

	// Uncommitted edits are not what is pushed: the copy is linted.
	r.git(r.dir, "checkout", "-q", "feature")
	r.write("svc/compose.yaml", clean)
	if out, err := r.push("origin", "feature"); err == nil {
		t.Fatalf("the work tree's clean edit hid the pushed root service:\n%s", out)
	}

	// Deleting a remote branch lints nothing.
	r.git(r.dir, "checkout", "-q", "--", ".")
	if out, err := r.push("--no-verify", "origin", "feature"); err != nil {
		t.Fatal(err, out)
	}
	if out, err := r.push("origin", ":feature"); err != nil {
		t.Fatalf("delete refused: %v\n%s", err, out)
	}
	if log := r.lintLog(); log != "" {
		t.Errorf("a delete ran the gate:\n%s", log)
	}
}

// TestPushRunsTheChainedHookFirst keeps an existing hook working: it gets
// the same arguments and input, and can refuse the push on its own.
func TestPushRunsTheChainedHookFirst(t *testing.T) {
	r := newRepo(t)
	seen := filepath.Join(t.TempDir(), "seen")
	existing := "#!/bin/sh\necho \"args: $*\" > '" + seen + "'\ncat >> '" + seen + "'\n[ ! -e \"$(git rev-parse --show-toplevel)/BLOCK\" ]\n"
	if err := os.WriteFile(hookPath(r), []byte(existing), 0o755); err != nil {
		t.Fatal(err)
	}
	r.install()
	r.commit("clean", map[string]string{"vouch.yaml": policy, "compose.yaml": clean})
	if out, err := r.push("origin", "main"); err != nil {
		t.Fatalf("clean push refused: %v\n%s", err, out)
	}
	got := string(mustFile(t, seen))
	head := strings.TrimSpace(r.git(r.dir, "rev-parse", "HEAD"))
	if !strings.Contains(got, "args: origin "+r.bare) || !strings.Contains(got, "refs/heads/main "+head+" refs/heads/main ") {
		t.Errorf("the chained hook did not get the push:\n%s", got)
	}
	if r.lintLog() == "" {
		t.Error("vouch's lint did not run after the chained hook")
	}

	r.commit("blocked", map[string]string{"BLOCK": "", "compose.yaml": clean + "# touched\n"})
	if out, err := r.push("origin", "main"); err == nil {
		t.Fatalf("the chained hook's refusal was ignored:\n%s", out)
	}
	if log := r.lintLog(); log != "" {
		t.Errorf("vouch ran after the chained hook refused:\n%s", log)
	}
}

// Package testutil holds helpers shared by tests: where the repository and
// the shared data live, and golden-file comparison.
package testutil

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Update is the -update flag: rewrite golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite golden files")

// RepoRoot is the directory holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// SharedDir is the shared data folder (advisories, schemas): the
// VOUCH_SHARED_DIR variable, else ../shared beside the repository.
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("VOUCH_SHARED_DIR"); d != "" {
		return d
	}
	d := filepath.Join(RepoRoot(t), "..", "shared")
	if _, err := os.Stat(d); err != nil {
		t.Fatalf("shared data not found at %s (set VOUCH_SHARED_DIR): %v", d, err)
	}
	return d
}

// Golden compares got with the golden file at path, or rewrites it with
// -update.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s: %v (run with -update to create it)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update and review the diff):\n%s", path, diff(want, got))
	}
}

func diff(want, got []byte) string {
	dir, err := os.MkdirTemp("", "golden")
	if err != nil {
		return string(got)
	}
	defer os.RemoveAll(dir)
	a, b := filepath.Join(dir, "want"), filepath.Join(dir, "got")
	_ = os.WriteFile(a, want, 0o644)
	_ = os.WriteFile(b, got, 0o644)
	out, _ := exec.Command("diff", "-u", a, b).CombinedOutput()
	return string(out)
}

// Tool finds an external program the tests need: on PATH, or at the path
// in the environment variable env. It skips the test when the tool is
// missing, except under CI, where a missing tool is a failure.
func Tool(t testing.TB, name, env string) string {
	t.Helper()
	if p := ToolPath(name, env); p != "" {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found (set %s or put it on PATH); .ci/run installs it", name, env)
	}
	t.Skipf("%s not found (set %s or put it on PATH)", name, env)
	return ""
}

// ToolPath is where the tool is (the environment variable env, else PATH),
// or "" when it is missing.
func ToolPath(name, env string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return ""
}

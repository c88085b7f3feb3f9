package composelint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLint lints arbitrary compose and override files: it must return
// findings or an error in one line, never panic or hang.
func FuzzLint(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(testdataDir, "*", "*", "compose.yaml"))
	more, _ := filepath.Glob(filepath.Join(testdataDir, "cases", "*", "compose.yaml"))
	for _, p := range append(seeds, more...) {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b, []byte("services:\n  web:\n    user: root\n"))
		}
	}
	f.Add([]byte(billionLaughs()), []byte(""))
	f.Add([]byte("x: &a {<<: *a}\n"), []byte("services: {}\n"))
	f.Add([]byte("services:\n  a:\n    extends: a\n"), []byte("services:\n  a: !reset\n"))
	f.Fuzz(func(t *testing.T, base, override []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), base, 0o644); err != nil {
			t.Fatal(err)
		}
		if len(override) > 0 {
			if err := os.WriteFile(filepath.Join(dir, "compose.override.yaml"), override, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		results, err := Lint(context.Background(), Options{ProjectDir: dir, Root: dir, MaxNodes: 20_000})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			return
		}
		for _, fd := range results[0].Findings {
			if fd.Location.Path != "" && fd.Location.StartLine < 1 {
				t.Errorf("finding without a line: %+v", fd)
			}
		}
	})
}

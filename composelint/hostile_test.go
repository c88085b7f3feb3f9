package composelint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// billionLaughs is an alias bomb: ten levels of ten aliases each, 10^9
// nodes once expanded, a few hundred bytes as written.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "x-a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("services:\n  web:\n    image: nginx:1.27\n    command: *a9\n")
	return b.String()
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestHostileInput checks that input compose-go cannot or must not load
// gives one line naming the file and the cause, never a panic.
func TestHostileInput(t *testing.T) {
	huge := "services:\n  web:\n    image: nginx:1.27\n" + strings.Repeat("# padding padding padding padding\n", (DefaultMaxFileSize/34)+10)
	cases := []struct {
		name  string
		files map[string]string
		opts  Options
		file  string // the file the error must name
		cause string // a word of the cause
	}{
		{"alias bomb", map[string]string{"compose.yaml": billionLaughs()}, Options{}, "compose.yaml", "alias"},
		{"alias bomb in an extended file", map[string]string{
			"compose.yaml": "services:\n  web:\n    extends:\n      file: base.yaml\n      service: web\n",
			"base.yaml":    billionLaughs(),
		}, Options{}, "base.yaml", "alias"},
		{"alias bomb in an included file", map[string]string{
			"compose.yaml":     "include:\n  - sub/compose.yaml\n",
			"sub/compose.yaml": billionLaughs(),
		}, Options{}, "sub/compose.yaml", "alias"},
		{"huge file", map[string]string{"compose.yaml": huge}, Options{}, "compose.yaml", "limit"},
		{"too many nodes", map[string]string{"compose.yaml": "services:\n  web:\n    image: x:1\n    command: [" + strings.Repeat("a,", 300_000) + "a]\n"},
			Options{}, "compose.yaml", "nodes"},
		{"huge .env of an included project", map[string]string{
			"compose.yaml": "include:\n  - sub/compose.yaml\n", "sub/compose.yaml": "services:\n  a:\n    image: x:1\n",
			"sub/.env": strings.Repeat("A=1\n", DefaultMaxFileSize/4+1),
		}, Options{}, "sub/.env", "limit"},
		{"extends from a device", map[string]string{"compose.yaml": "services:\n  a:\n    image: x:1\n    extends:\n      file: /dev/zero\n      service: b\n"},
			Options{}, "/dev/zero", "regular"},
		{"include of a device", map[string]string{"compose.yaml": "include:\n  - /dev/zero\nservices:\n  a:\n    image: x:1\n"},
			Options{}, "/dev/zero", "regular"},
		{"env file that is a device", map[string]string{"compose.yaml": "services:\n  a:\n    image: x:1\n"},
			Options{EnvFiles: []string{"/dev/zero"}}, "/dev/zero", "regular"},
		{"included project's .env is a device", map[string]string{
			"compose.yaml": "include:\n  - sub/compose.yaml\n", "sub/compose.yaml": "services:\n  a:\n    image: x:1\n",
		}, Options{}, "sub/.env", "regular"},
		{"file over a set limit", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n"},
			Options{MaxFileSize: 10}, "compose.yaml", "limit"},
		{"invalid YAML", map[string]string{"compose.yaml": "services:\n  web: [\n    image: nginx\n"}, Options{}, "compose.yaml", "YAML"},
		{"tab indentation", map[string]string{"compose.yaml": "services:\n\tweb:\n\t\timage: nginx\n"}, Options{}, "compose.yaml", "YAML"},
		{"schema violation", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    privileged: maybe\n"},
			Options{}, "compose.yaml", "privileged"},
		{"unknown key", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    priviledged: true\n"},
			Options{}, "compose.yaml", "priviledged"},
		{"missing required variable", map[string]string{"compose.yaml": "services:\n  web:\n    image: ${IMAGE:?set IMAGE to the image to run}\n"},
			Options{}, "compose.yaml", "set IMAGE"},
		{"circular extends", map[string]string{"compose.yaml": "services:\n  a:\n    image: x:1\n    extends: b\n  b:\n    extends: a\n"},
			Options{}, "compose.yaml", "ircular"},
		{"circular extends across files", map[string]string{
			"compose.yaml": "services:\n  a:\n    image: x:1\n    extends:\n      file: other.yaml\n      service: b\n",
			"other.yaml":   "services:\n  b:\n    extends:\n      file: compose.yaml\n      service: a\n",
		}, Options{}, "compose.yaml", "ircular"},
		{"include cycle", map[string]string{
			"compose.yaml": "include:\n  - other.yaml\nservices:\n  a:\n    image: x:1\n",
			"other.yaml":   "include:\n  - compose.yaml\nservices:\n  b:\n    image: x:1\n",
		}, Options{}, "compose.yaml", "cycle"},
		{"missing extends file", map[string]string{"compose.yaml": "services:\n  a:\n    extends:\n      file: nope.yaml\n      service: b\n"},
			Options{}, "compose.yaml", "nope.yaml"},
		{"remote include is not fetched", map[string]string{"compose.yaml": "include:\n  - oci://registry.example/compose:1\n"},
			Options{}, "compose.yaml", "remote"},
		{"remote extends is not fetched", map[string]string{"compose.yaml": "services:\n  a:\n    extends:\n      file: https://example.com/base.yaml\n      service: b\n"},
			Options{}, "compose.yaml", "remote"},
		{"empty file", map[string]string{"compose.yaml": ""}, Options{}, "compose.yaml", "empty"},
		{"not a mapping", map[string]string{"compose.yaml": "- just\n- a list\n"}, Options{}, "compose.yaml", "mapping"},
		{"missing -f file", map[string]string{"x.txt": ""}, Options{Files: []string{"nope.yaml"}}, "nope.yaml", "no such file"},
		{"no compose file", map[string]string{"x.txt": ""}, Options{}, "", "no compose file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, tc.files)
			if tc.name == "included project's .env is a device" {
				if err := os.Symlink("/dev/zero", filepath.Join(dir, "sub", ".env")); err != nil {
					t.Skip(err)
				}
			}
			opts := tc.opts
			opts.ProjectDir, opts.Root = dir, dir
			results, err := Lint(context.Background(), opts)
			res := results[0]
			if err == nil {
				t.Fatalf("no error; findings: %d", len(res.Findings))
			}
			msg := err.Error()
			t.Log(msg)
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if !strings.Contains(msg, tc.file) || !strings.Contains(msg, tc.cause) {
				t.Errorf("error %q does not name %q and %q", msg, tc.file, tc.cause)
			}
			if res.Error == "" || !strings.Contains(msg, res.Error) || strings.Contains(res.Error, "\n") {
				t.Errorf("Result.Error = %q, want the cause of %q in one line", res.Error, msg)
			}
			var le *LoadError
			if !errors.As(err, &le) && !errors.Is(err, ErrNoComposeFile) {
				t.Errorf("error %T is neither a *LoadError nor ErrNoComposeFile", err)
			}
		})
	}
}

// TestAliasBombMemory checks that an alias bomb is refused before anything
// expands it: the run allocates little.
func TestAliasBombMemory(t *testing.T) {
	dir := writeProject(t, map[string]string{"compose.yaml": billionLaughs()})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Lint(context.Background(), Options{ProjectDir: dir})
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("alias bomb loaded")
	}
	const limit = 8 << 20
	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("alias bomb: %d KiB allocated", got>>10)
	if got > limit {
		t.Errorf("alias bomb allocated %d MiB, want under %d MiB", got>>20, limit>>20)
	}
}

// TestAliasesWithinBudget checks that ordinary anchor use passes the guard.
func TestAliasesWithinBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("x-common: &common\n  image: nginx:1.27\n  environment: {A: '1', B: '2'}\nservices:\n")
	for i := range 500 {
		fmt.Fprintf(&b, "  s%d:\n    <<: *common\n", i)
	}
	dir := writeProject(t, map[string]string{"compose.yaml": b.String()})
	if _, err := Lint(context.Background(), Options{ProjectDir: dir}); err != nil {
		t.Fatal(err)
	}
}

// TestServiceFilesNotRead checks that a service's env_file and label_file,
// which no rule reads, are not read at all (compose-go would read a device
// whole).
func TestServiceFilesNotRead(t *testing.T) {
	dir := writeProject(t, map[string]string{"compose.yaml": "services:\n  a:\n    image: x:1\n    env_file: /dev/zero\n    label_file: /dev/zero\n"})
	if _, err := Lint(context.Background(), Options{ProjectDir: dir}); err != nil {
		t.Fatal(err)
	}
}

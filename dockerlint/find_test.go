package dockerlint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{
		"Dockerfile", "api/Dockerfile.prod", "web/app.Dockerfile", "db/Containerfile", "lower/dockerfile",
		"README.md", "docs/Dockerfile-notes.txt", ".git/Dockerfile", "node_modules/x/Dockerfile",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("FROM scratch\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(root, got[i])
		got[i] = filepath.ToSlash(got[i])
	}
	want := []string{"Dockerfile", "api/Dockerfile.prod", "db/Containerfile", "lower/dockerfile", "web/app.Dockerfile"}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %v, want %v", got, want)
	}
	if got, _ := Find(filepath.Join(root, "README.md")); len(got) != 1 {
		t.Errorf("a file argument is linted whatever its name: %v", got)
	}
	if _, err := Find(filepath.Join(root, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing root: %v", err)
	}
	if _, err := Find(filepath.Join(root, "docs")); !errors.Is(err, ErrNoDockerfile) {
		t.Errorf("directory without Dockerfile: %v", err)
	}
}

func TestLintPaths(t *testing.T) {
	dir := filepath.Join(testdata, "VCH-DF-003")
	results := LintPaths([]string{dir, "-", filepath.Join(dir, "missing"), filepath.Join(dir, "bad.Dockerfile")},
		strings.NewReader(""), Config{})
	var got []string
	for _, r := range results {
		got = append(got, fmt.Sprintf("%s %d %t", filepath.Base(r.Target.Name), len(r.Findings), r.Error != ""))
	}
	want := []string{"bad.Dockerfile 1 false", "good.Dockerfile 0 false", "- 0 true", "missing 0 true", "bad.Dockerfile 1 false"}
	if !slices.Equal(got, want) {
		t.Errorf("LintPaths = %v, want %v", got, want)
	}
}

func TestLintReader(t *testing.T) {
	res, err := LintReader("-", strings.NewReader("FROM alpine\nUSER root\n"), Config{})
	if err != nil || len(res.Findings) == 0 || res.Target.Name != "-" {
		t.Errorf("LintReader: %v, %+v", err, res.Target)
	}
	_, err = LintReader("-", strings.NewReader("FROM alpine\n"+strings.Repeat("#", 100)), Config{MaxSize: 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large from a reader: %v", err)
	}
}

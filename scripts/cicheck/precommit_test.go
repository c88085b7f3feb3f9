package cicheck

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPreCommitHooks checks .pre-commit-hooks.yaml as pre-commit reads
// it: the required keys, and file patterns that pick the right files.
func TestPreCommitHooks(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID       string `yaml:"id"`
		Name     string `yaml:"name"`
		Entry    string `yaml:"entry"`
		Language string `yaml:"language"`
		Files    string `yaml:"files"`
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	match := map[string][]string{
		"vouch-dockerfile": {"Dockerfile", "svc/Dockerfile", "Dockerfile.prod", "api.Dockerfile", "Containerfile"},
		"vouch-compose":    {"compose.yaml", "deploy/docker-compose.yml", "compose.override.yaml"},
		"vouch-gate-lint":  {"Dockerfile", "compose.yml", "vouch.yaml"},
	}
	skip := []string{"README.md", "Dockerfile/notes.txt", "mycompose.yaml", "compose.yaml.bak", "docs/Dockerfile.md/x"}
	seen := map[string]bool{}
	for _, h := range hooks {
		seen[h.ID] = true
		if h.ID == "" || h.Name == "" || h.Entry == "" || h.Language != "system" {
			t.Errorf("hook %+v lacks id, name or entry, or is not language: system", h)
		}
		re, err := regexp.Compile(h.Files)
		if err != nil {
			t.Errorf("%s: files: %v", h.ID, err)
			continue
		}
		for _, f := range match[h.ID] {
			if !re.MatchString(f) {
				t.Errorf("%s does not run on %s", h.ID, f)
			}
		}
		for _, f := range skip {
			if re.MatchString(f) {
				t.Errorf("%s runs on %s", h.ID, f)
			}
		}
	}
	for id := range match {
		if !seen[id] {
			t.Errorf("hook %s is missing", id)
		}
	}
}

package ruledoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
)

var rule = finding.Rule{
	ID: "VCH-DF-001", Name: "root-user", Category: finding.CategoryDockerfile, Severity: finding.High,
	Title: "Final stage runs as root", Rationale: "Why it matters.", Fix: "Add USER 10001.",
	Bad: "FROM alpine\nUSER root", Good: "FROM alpine\nUSER 10001",
	Aliases: []finding.Alias{{Tool: "hadolint", ID: "DL3002"}},
}

func TestRender(t *testing.T) {
	page := string(Render(rule))
	for _, want := range []string{
		"# VCH-DF-001: Final stage runs as root\n", "| severity | high |", "hadolint `DL3002`",
		"## Why\n\nWhy it matters.\n", "## Fix\n\nAdd USER 10001.\n",
		"## Flagged\n\n```dockerfile\nFROM alpine\nUSER root\n```", "## Passes\n\n```dockerfile\nFROM alpine\nUSER 10001\n```",
		"# vouch:ignore=VCH-DF-001",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}

func TestSync(t *testing.T) {
	dir := t.TempDir()
	stale, err := Sync(dir, []finding.Rule{rule}, false)
	if err != nil || len(stale) != 1 {
		t.Fatalf("missing page: stale=%v err=%v", stale, err)
	}
	if _, err := Sync(dir, []finding.Rule{rule}, true); err != nil {
		t.Fatal(err)
	}
	if stale, _ := Sync(dir, []finding.Rule{rule}, false); len(stale) != 0 {
		t.Fatalf("after update: stale=%v", stale)
	}
	if err := os.WriteFile(filepath.Join(dir, "VCH-DF-001.md"), []byte("hand edit"), 0o644); err != nil {
		t.Fatal(err)
	}
	if stale, _ := Sync(dir, []finding.Rule{rule}, false); len(stale) != 1 {
		t.Fatal("hand-edited page not reported stale")
	}
}

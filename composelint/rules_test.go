package composelint

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/internal/ruledoc"
)

var update = flag.Bool("update", false, "rewrite generated docs pages and rule examples under testdata")

const testdataDir = "../testdata/compose"

// badLine is the line of its bad example each rule must point at.
var badLine = map[string]int{
	"VCH-DC-001": 4, "VCH-DC-002": 4, "VCH-DC-003": 5, "VCH-DC-004": 4, "VCH-DC-005": 5,
	"VCH-DC-006": 4, "VCH-DC-007": 5, "VCH-DC-008": 5, "VCH-DC-009": 5, "VCH-DC-010": 4,
	"VCH-DC-011": 5, "VCH-DC-012": 4, "VCH-DC-013": 2, "VCH-DC-014": 4, "VCH-DC-015": 5,
	"VCH-DC-016": 5, "VCH-DC-017": 3, "VCH-DC-018": 5,
}

// lintDir lints the compose project in dir, with paths relative to dir.
func lintDir(t testing.TB, dir string, opts Options) finding.Result {
	t.Helper()
	opts.ProjectDir, opts.Root = dir, dir
	results, err := Lint(context.Background(), opts)
	if err != nil {
		t.Fatalf("Lint(%s): %v", dir, err)
	}
	return results[0]
}

func byRule(res finding.Result, id string) []finding.Finding {
	var out []finding.Finding
	for _, f := range res.Findings {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

// TestRuleExamples checks every rule against its examples: the bad one,
// under testdata/compose/<id>/bad, is flagged at the expected line; the good
// one is not. The examples in the docs are these files (-update writes them).
func TestRuleExamples(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			for _, ex := range []struct{ kind, text string }{{"bad", r.Bad}, {"good", r.Good}} {
				path := filepath.Join(testdataDir, r.ID, ex.kind, "compose.yaml")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(ex.text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%s example: %v (run go test -update)", ex.kind, err)
				}
				if string(got) != ex.text {
					t.Errorf("%s differs from the rule's %s example (run go test -update)", path, ex.kind)
				}
			}
			bad := byRule(lintDir(t, filepath.Join(testdataDir, r.ID, "bad"), Options{}), r.ID)
			if len(bad) == 0 {
				t.Fatalf("%s does not fire on its bad example", r.ID)
			}
			f := bad[0]
			if f.Location.Path != "compose.yaml" || f.Location.StartLine != badLine[r.ID] {
				t.Errorf("bad example flagged at %s:%d, want compose.yaml:%d", f.Location.Path, f.Location.StartLine, badLine[r.ID])
			}
			if f.Location.Logical == "" || f.Fingerprint == "" || f.HelpURL != r.HelpURL() || f.Location.Snippet == "" {
				t.Errorf("finding lacks a field: %+v", f)
			}
			if good := byRule(lintDir(t, filepath.Join(testdataDir, r.ID, "good"), Options{}), r.ID); len(good) > 0 {
				t.Errorf("%s fires on its good example: %s", r.ID, good[0].Message)
			}
		})
	}
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestRegistry(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for i, r := range Rules() {
		if want := fmt.Sprintf("VCH-DC-%03d", i+1); r.ID != want {
			t.Errorf("rule %d has id %s, want %s (ids in order, no gaps)", i, r.ID, want)
		}
		if ids[r.ID] || names[r.Name] {
			t.Errorf("%s: duplicate id or name %q", r.ID, r.Name)
		}
		ids[r.ID], names[r.Name] = true, true
		if !kebab.MatchString(r.Name) {
			t.Errorf("%s: name %q is not kebab-case", r.ID, r.Name)
		}
		if r.Category != finding.CategoryCompose {
			t.Errorf("%s: category %q", r.ID, r.Category)
		}
		if r.Title == "" || r.Rationale == "" || r.Fix == "" || r.Bad == "" || r.Good == "" {
			t.Errorf("%s: title, rationale, fix and both examples are required", r.ID)
		}
		if _, ok := badLine[r.ID]; !ok {
			t.Errorf("%s: no expected line for its bad example", r.ID)
		}
		for _, a := range r.Aliases {
			if a.Tool == "" || a.ID == "" {
				t.Errorf("%s: empty alias %+v", r.ID, a)
			}
		}
	}
	for _, r := range rules {
		if r.check == nil {
			t.Errorf("%s has no check", r.ID)
		}
	}
}

func TestRuleDocs(t *testing.T) {
	stale, err := ruledoc.Sync("../docs/rules", Rules(), *update)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("stale or missing docs pages %v: run go test ./composelint -run TestRuleDocs -update", stale)
	}
}

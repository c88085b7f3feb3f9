package dockerlint

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/internal/ruledoc"
)

var update = flag.Bool("update", false, "rewrite the generated rule docs")

const testdata = "../testdata/dockerfile"

func TestRuleDocs(t *testing.T) {
	stale, err := ruledoc.Sync("../docs/rules", Rules(), *update)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("rule docs missing or stale for %v: run go test ./dockerlint -run TestRuleDocs -update", stale)
	}
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestRegistry(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for i, r := range Rules() {
		if want := "VCH-DF-" + leftPad(i+1); r.ID != want {
			t.Errorf("rule %d has id %s, want %s (rules are listed in id order)", i, r.ID, want)
		}
		if ids[r.ID] || names[r.Name] {
			t.Errorf("%s: duplicate id or name %q", r.ID, r.Name)
		}
		ids[r.ID], names[r.Name] = true, true
		if !kebab.MatchString(r.Name) {
			t.Errorf("%s: name %q is not kebab-case", r.ID, r.Name)
		}
		if r.Category != finding.CategoryDockerfile {
			t.Errorf("%s: category %q", r.ID, r.Category)
		}
		for field, v := range map[string]string{"title": r.Title, "rationale": r.Rationale, "fix": r.Fix, "bad": r.Bad, "good": r.Good} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", r.ID, field)
			}
		}
		for _, a := range r.Aliases {
			if a.Tool != "hadolint" && a.Tool != "trivy" && a.Tool != "kics" || a.ID == "" {
				t.Errorf("%s: bad alias %+v", r.ID, a)
			}
		}
		if _, err := os.Stat(filepath.Join("../docs/rules", r.ID+".md")); err != nil {
			t.Errorf("%s: no docs page: %v", r.ID, err)
		}
		if lookupRule(r.Name) == nil || lookupRule(r.ID) == nil {
			t.Errorf("%s: lookup by id or name fails", r.ID)
		}
	}
	if len(ids) < 25 {
		t.Errorf("%d rules, want at least 25", len(ids))
	}
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 3-len(s)) + s
}

// wantLines reads the "# want: 3,5" header of a bad example: the start
// lines of the findings the rule must report.
func wantLines(t *testing.T, src string) []int {
	first, _, _ := strings.Cut(src, "\n")
	list, ok := strings.CutPrefix(first, "# want: ")
	if !ok {
		t.Fatalf("bad example does not start with a # want: line")
	}
	var lines []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, n)
	}
	return lines
}

func linesOf(res finding.Result, id string) []int {
	var lines []int
	for _, f := range res.Findings {
		if f.RuleID == id {
			lines = append(lines, f.Location.StartLine)
		}
	}
	slices.Sort(lines)
	return lines
}

// TestRuleExamples checks that every rule reports its bad example at the
// expected lines and passes its good example, under testdata and in its
// declaration.
func TestRuleExamples(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join(testdata, r.ID)
			bad, err := os.ReadFile(filepath.Join(dir, "bad.Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Lint("bad.Dockerfile", bad, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := linesOf(res, r.ID), wantLines(t, string(bad)); !slices.Equal(got, want) {
				t.Errorf("bad.Dockerfile: %s at lines %v, want %v", r.ID, got, want)
			}
			good, err := os.ReadFile(filepath.Join(dir, "good.Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			res, err = Lint("good.Dockerfile", good, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if got := linesOf(res, r.ID); len(got) > 0 {
				t.Errorf("good.Dockerfile: %s at lines %v, want none", r.ID, got)
			}
			// The declaration's own examples, shown in the docs.
			res, err = Lint("Bad", []byte(r.Bad), Config{})
			if err != nil {
				t.Fatalf("rule's Bad example: %v", err)
			}
			if len(linesOf(res, r.ID)) == 0 {
				t.Errorf("rule's Bad example is not reported")
			}
			res, err = Lint("Good", []byte(r.Good), Config{})
			if err != nil {
				t.Fatalf("rule's Good example: %v", err)
			}
			if got := linesOf(res, r.ID); len(got) > 0 {
				t.Errorf("rule's Good example reported at lines %v", got)
			}
		})
	}
}

package report

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/internal/testutil"
)

// allResults is the fixture with a target that could not be checked too,
// so the error paths of every writer are validated as well.
func allResults() *Report {
	return New(DefaultTool("0.3.0"), []finding.Result{dockerfileResult(), composeResult(), imageResult(), errorResult()},
		finding.At(finding.High), fixedStart, fixedEnd)
}

func TestJSONMatchesSchema(t *testing.T) {
	schema := filepath.Join(testutil.RepoRoot(t), "docs", "schemas", "report.schema.json")
	for _, r := range []*Report{fixture(), allResults(), New(DefaultTool("0.3.0"), nil, finding.At(finding.Low), fixedStart, fixedEnd)} {
		testutil.ValidateJSON(t, schema, render(t, FormatJSON, Options{}, r))
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	schema := filepath.Join(testutil.SharedDir(t), "schemas", "sarif", "sarif-schema-2.1.0.json")
	for _, r := range []*Report{fixture(), allResults()} {
		testutil.ValidateJSON(t, schema, render(t, FormatSARIF, Options{}, r))
	}
}

func TestSARIFRunPerTarget(t *testing.T) {
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []struct {
				Locations []json.RawMessage `json:"locations"`
				Suppr     []struct {
					Kind, Justification string
				} `json:"suppressions"`
				Partial map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, FormatSARIF, Options{}, allResults()), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 4 {
		t.Fatalf("%d runs, want one per target (4)", len(doc.Runs))
	}
	cats := map[string]bool{}
	suppressed := 0
	for _, run := range doc.Runs {
		id := run.AutomationDetails.ID
		if !strings.HasPrefix(id, "vouch/") || !strings.HasSuffix(id, "/") || cats[id] {
			t.Errorf("automationDetails.id %q: want a distinct vouch/… category ending in /", id)
		}
		cats[id] = true
		for _, res := range run.Results {
			if len(res.Locations) == 0 {
				t.Error("result without a location")
			}
			if res.Partial["primaryLocationLineHash"] == "" {
				t.Error("result without primaryLocationLineHash")
			}
			suppressed += len(res.Suppr)
		}
	}
	if suppressed != 2 {
		t.Errorf("%d SARIF suppressions, want 2 (suppressed findings are kept, not dropped)", suppressed)
	}
}

// TestSARIFMultitool runs Microsoft's SARIF Multitool with GitHub's and the
// SARIF rules over every SARIF file the fixture produces: zero results.
func TestSARIFMultitool(t *testing.T) {
	tool := testutil.Tool(t, "Sarif.Multitool", "VOUCH_SARIF_MULTITOOL")
	for name, r := range map[string]*Report{"fixture": fixture(), "with-error": allResults(),
		"empty": New(DefaultTool("0.3.0"), nil, finding.At(finding.High), fixedStart, fixedEnd)} {
		t.Run(name, func(t *testing.T) {
			MultitoolValidate(t, tool, render(t, FormatSARIF, Options{}, r))
		})
	}
}

// MultitoolValidate fails the test unless the SARIF Multitool reports no
// result, error or warning for doc under the Gh and Sarif rule kinds.
func MultitoolValidate(t *testing.T, tool string, doc []byte) {
	t.Helper()
	if err := testutil.CheckSARIF(tool, doc); err != nil {
		t.Error(err)
	}
}

func TestGitLabContainerScanningMatchesSchemas(t *testing.T) {
	for _, v := range GitLabSchemaVersions {
		t.Run(v, func(t *testing.T) {
			schema := filepath.Join(testutil.SharedDir(t), "schemas", "gitlab", "container-scanning-report-format-"+v+".json")
			for _, r := range []*Report{fixture(), allResults()} {
				doc := render(t, FormatGitLabContainerScanning, Options{GitLabSchemaVersion: v}, r)
				testutil.ValidateJSON(t, schema, doc)
				var out csReport
				if err := json.Unmarshal(doc, &out); err != nil {
					t.Fatal(err)
				}
				if out.Version != v {
					t.Errorf("version %q, want %q", out.Version, v)
				}
				// Only the unsuppressed vulnerability: the suppressed one
				// is left out, the Dockerfile findings are not vulnerabilities.
				if len(out.Vulnerabilities) != 1 || out.Vulnerabilities[0].Identifiers[0].Value != "CVE-2023-5678" {
					t.Errorf("vulnerabilities %+v", out.Vulnerabilities)
				}
			}
		})
	}
}

// TestCodeQualityRequiredFields checks what GitLab requires of each issue
// (shared/schemas/codequality/gitlab-code-quality-report-format.md).
func TestCodeQualityRequiredFields(t *testing.T) {
	doc := render(t, FormatGitLabCodeQuality, Options{}, allResults())
	if len(doc) == 0 || doc[0] != '[' {
		t.Fatal("code quality report is not a JSON array")
	}
	var issues []map[string]any
	if err := json.Unmarshal(doc, &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != 3 {
		t.Fatalf("%d issues, want the 3 unsuppressed file findings", len(issues))
	}
	sev := map[string]bool{"info": true, "minor": true, "major": true, "critical": true, "blocker": true}
	for _, is := range issues {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity"} {
			if s, _ := is[k].(string); s == "" {
				t.Errorf("issue lacks %s: %v", k, is)
			}
		}
		if !sev[is["severity"].(string)] {
			t.Errorf("severity %v", is["severity"])
		}
		loc, _ := is["location"].(map[string]any)
		lines, _ := loc["lines"].(map[string]any)
		if p, _ := loc["path"].(string); p == "" || lines["begin"] == nil {
			t.Errorf("issue location %v", loc)
		}
	}
}

package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/internal/imagetest"
)

const openVEX = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://vouch.dev/vex/test-1",
  "author": "vouch tests",
  "timestamp": "2026-01-01T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": "CVE-2021-44906"},
    "products": [{"@id": "pkg:npm/minimist@1.2.5"}],
    "status": "not_affected",
    "justification": "vulnerable_code_not_in_execute_path"
  }]
}`

// TestSuppression: .trivyignore, .trivyignore.yaml (with expiry) and
// OpenVEX suppress findings, which are reported, not dropped.
func TestSuppression(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	lock := imagetest.PackageLock([]imagetest.Pkg{{Name: "lodash", Version: "4.17.11"}, {Name: "minimist", Version: "1.2.5"}})
	if err := os.WriteFile(filepath.Join(dir, "package-lock.json"), lock, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := t.TempDir()
	files := map[string]string{
		".trivyignore": "# accepted until the upgrade\nCVE-2019-10744\n",
		".trivyignore.yaml": `vulnerabilities:
  - id: CVE-2021-23337
    statement: accepted risk
    expired_at: 2099-01-01
`,
		"vex.json": openVEX,
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(cfg, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		ignore string
		want   map[string]finding.Suppression
	}{
		{".trivyignore", map[string]finding.Suppression{
			"CVE-2019-10744": {Kind: finding.SuppressedIgnore},
			"CVE-2021-44906": {Kind: finding.SuppressedVEX},
		}},
		{".trivyignore.yaml", map[string]finding.Suppression{
			"CVE-2021-23337": {Kind: finding.SuppressedIgnore, Expires: "2099-01-01"},
			"CVE-2021-44906": {Kind: finding.SuppressedVEX},
		}},
	} {
		t.Run(tc.ignore, func(t *testing.T) {
			opts := e.opts
			opts.IgnoreFile = filepath.Join(cfg, tc.ignore)
			opts.VEX = []string{filepath.Join(cfg, "vex.json")}
			rep, err := newScanner(t, opts).FS(context.Background(), dir)
			r := rep.Result
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, f := range r.Findings {
				w, want := tc.want[f.RuleID]
				switch {
				case want && !f.Suppressed():
					t.Errorf("%s not suppressed", f.RuleID)
				case !want && f.Suppressed():
					t.Errorf("%s suppressed: %+v", f.RuleID, f.Suppression)
				case want:
					got[f.RuleID] = true
					if f.Suppression.Kind != w.Kind || f.Suppression.Expires != w.Expires || f.Suppression.Reason == "" {
						t.Errorf("%s: suppression %+v, want %+v", f.RuleID, *f.Suppression, w)
					}
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("suppressed %v, want %v", got, tc.want)
			}
			if v := finding.Decide([]finding.Result{r}, finding.At(finding.Critical)); v != finding.Passed && tc.ignore == ".trivyignore" {
				t.Errorf("verdict %s with the only critical suppressed", v)
			}
		})
	}
}

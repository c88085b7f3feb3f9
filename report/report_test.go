package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/internal/testutil"
)

var goldenExt = map[string]string{
	FormatText: "txt", FormatJSON: "json", FormatSARIF: "sarif", FormatJUnit: "xml",
	FormatGitLabCodeQuality: "codequality.json", FormatGitLabContainerScanning: "container-scanning.json",
	FormatMarkdown: "md", FormatGitHub: "github.txt",
}

func render(t *testing.T, format string, opts Options, r *Report) []byte {
	t.Helper()
	w, err := NewWriter(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := w.Write(&b, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.Bytes()
}

// TestGolden renders the fixture in every format. Refresh with -update and
// review the diff.
func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			got := render(t, format, Options{}, fixture())
			testutil.Golden(t, filepath.Join("testdata", "golden", "report."+goldenExt[format]), got)
		})
	}
	t.Run("text-color", func(t *testing.T) {
		got := render(t, FormatText, Options{Color: true}, fixture())
		testutil.Golden(t, filepath.Join("testdata", "golden", "report.color.txt"), got)
	})
}

func TestEveryFormatHasGoldenFile(t *testing.T) {
	for _, f := range Formats() {
		if goldenExt[f] == "" {
			t.Errorf("format %s has no golden file", f)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := NewWriter("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Fatalf("NewWriter(yaml) = %v, want unknown format error", err)
	}
	if _, err := NewWriter(FormatGitLabContainerScanning, Options{GitLabSchemaVersion: "16.0.0"}); err == nil {
		t.Fatal("schema version 16.0.0 accepted")
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		name    string
		results []finding.Result
		failOn  finding.Severity
		want    finding.Verdict
		line    string
	}{
		{"fails on high", fixture().Results, finding.High, finding.Failed, "FAILED: 2 finding(s) at or above high"},
		{"passes on critical when the critical is absent", []finding.Result{dockerfileResult()}, finding.Critical, finding.Passed, "PASSED: 1 high, 1 medium (1 suppressed); nothing at or above critical."},
		{"suppressed high does not fail", []finding.Result{imageResult()}, finding.High, finding.Passed, "PASSED: 1 medium (1 suppressed)"},
		{"an error wins over findings", []finding.Result{composeResult(), errorResult()}, finding.Critical, finding.Undecided, "ERROR: could not decide: 1 target(s)"},
		{"empty passes", nil, finding.Info, finding.Passed, "PASSED: no findings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(DefaultTool("0.3.0"), tt.results, finding.At(tt.failOn), fixedStart, fixedEnd)
			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.want)
			}
			if !strings.Contains(r.VerdictLine(), tt.line) {
				t.Errorf("verdict line %q does not contain %q", r.VerdictLine(), tt.line)
			}
			if r.Verdict.ExitCode() != int(tt.want) {
				t.Errorf("exit code %d", r.Verdict.ExitCode())
			}
		})
	}
}

func TestTextShowsSourceWithMarker(t *testing.T) {
	got := string(render(t, FormatText, Options{}, fixture()))
	want := "    --> app/Dockerfile:9 (stage runtime)\n" +
		"      |\n" +
		"    9 | USER root\n" +
		"      | ^^^^^^^^^\n"
	if !strings.Contains(got, want) {
		t.Errorf("text output lacks the marked source line:\n%s", got)
	}
	// The column span of the compose finding is underlined exactly.
	if !strings.Contains(got, "    7 |     privileged: true\n      |     ^^^^^^^^^^^^^^^^\n") {
		t.Errorf("compose finding not underlined at its columns:\n%s", got)
	}
	if strings.Contains(got, "\x1b[") {
		t.Error("colour codes without Color")
	}
	if strings.Contains(got, "CVE-2023-5678") == false || strings.Contains(got, "GHSA-8hc4-vh64-cxmj") {
		t.Error("want unsuppressed vulnerability shown and suppressed one hidden without ShowSuppressed")
	}
	verbose := string(render(t, FormatText, Options{ShowSuppressed: true}, fixture()))
	if !strings.Contains(verbose, "[suppressed: exception: SSRF path not reachable: no user-supplied URLs, expires 2027-01-31]") {
		t.Errorf("ShowSuppressed does not show the suppression:\n%s", verbose)
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "FAILED: 2 finding(s) at or above high") {
		t.Errorf("last line %q is not the verdict", last)
	}
}

func TestGitHubAnnotationsCapPerLevel(t *testing.T) {
	res := finding.Result{Target: finding.Target{Kind: finding.KindDockerfile, Name: "Dockerfile"}}
	for i := 0; i < 25; i++ {
		res.Findings = append(res.Findings, finding.Finding{
			RuleID: "VCH-DF-001", Severity: finding.High, Title: "t", Message: fmt.Sprintf("m%d", i),
			Location: finding.Location{Path: "Dockerfile", StartLine: i + 1}, Fingerprint: fmt.Sprint(i),
		})
	}
	for i := 0; i < 3; i++ {
		res.Findings = append(res.Findings, finding.Finding{
			RuleID: "VCH-DF-009", Severity: finding.Low, Message: "low, with a newline\nand 100% of a comma, here",
			Location: finding.Location{Path: "Dockerfile", StartLine: 30 + i}, Fingerprint: fmt.Sprint("l", i),
		})
	}
	r := New(DefaultTool("1.0.0"), []finding.Result{res}, finding.At(finding.High), fixedStart, fixedEnd)
	out := string(render(t, FormatGitHub, Options{}, r))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if n := strings.Count(out, "::error "); n != 10 {
		t.Errorf("%d error annotations, want 10", n)
	}
	if n := strings.Count(out, "::notice file="); n != 3 {
		t.Errorf("%d notice annotations, want 3", n)
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, "15 error annotation(s) left out") {
		t.Errorf("last line %q does not count the dropped annotations", last)
	}
	if !strings.HasPrefix(lines[0], "::error file=Dockerfile,line=1,title=VCH-DF-001 t (high)::m0") {
		t.Errorf("first annotation %q", lines[0])
	}
	if !strings.Contains(out, "::low, with a newline%0Aand 100%25 of a comma, here") {
		t.Errorf("message not escaped:\n%s", out)
	}
}

func TestMarkdownStaysUnderLimit(t *testing.T) {
	res := finding.Result{Target: finding.Target{Kind: finding.KindFilesystem, Name: "."}}
	for i := 0; i < 5000; i++ {
		res.Findings = append(res.Findings, finding.Finding{
			RuleID: "VCH-DF-001", Severity: finding.High, Message: strings.Repeat("x", 100),
			Location: finding.Location{Path: "Dockerfile", StartLine: i + 1}, Fingerprint: fmt.Sprint(i),
		})
	}
	r := New(DefaultTool("1.0.0"), []finding.Result{res}, finding.At(finding.High), fixedStart, fixedEnd)
	const limit = 64 << 10
	out := render(t, FormatMarkdown, Options{MarkdownLimit: limit}, r)
	if len(out) > limit {
		t.Fatalf("markdown is %d bytes, over the %d limit", len(out), limit)
	}
	if !bytes.Contains(out, []byte("more finding(s) not shown")) {
		t.Error("no truncation note")
	}
	full := render(t, FormatMarkdown, Options{}, r)
	if bytes.Contains(full, []byte("not shown")) || len(full) > DefaultMarkdownLimit {
		t.Errorf("default limit: %d bytes, truncated=%v", len(full), bytes.Contains(full, []byte("not shown")))
	}
}

func TestJUnitCounts(t *testing.T) {
	r := New(DefaultTool("0.3.0"), []finding.Result{dockerfileResult(), composeResult(), imageResult(), errorResult()},
		finding.At(finding.High), fixedStart, fixedEnd)
	out := string(render(t, FormatJUnit, Options{}, r))
	// Dockerfile: root (failure), latest x2 (one below threshold, one
	// suppressed: one skipped case); compose: one failure; image: medium
	// vuln (skipped), suppressed high vuln (skipped); broken: one error.
	for _, want := range []string{
		`<testsuites name="vouch" tests="6" failures="2" errors="1" skipped="3">`,
		`<testsuite name="dockerfile:app/Dockerfile" tests="2" failures="1" errors="0" skipped="1"`,
		`<testsuite name="dockerfile:broken/Dockerfile" tests="1" failures="0" errors="1" skipped="0"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("junit lacks %s:\n%s", want, out)
		}
	}
}

func TestCodeQualityFingerprintsUnique(t *testing.T) {
	res := finding.Result{Target: finding.Target{Kind: finding.KindDockerfile, Name: "Dockerfile"}}
	for i := 0; i < 3; i++ { // three identical findings on identical lines
		res.Findings = append(res.Findings, finding.Finding{
			RuleID: "VCH-DF-020", Severity: finding.Low, Message: "apt-get without --no-install-recommends",
			Location: finding.Location{Path: "Dockerfile", StartLine: 3 + i}, Fingerprint: finding.Fingerprint("same"),
		})
	}
	r := New(DefaultTool("1.0.0"), []finding.Result{res}, finding.At(finding.High), fixedStart, fixedEnd)
	var issues []codeQualityIssue
	if err := json.Unmarshal(render(t, FormatGitLabCodeQuality, Options{}, r), &issues); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if seen[is.Fingerprint] {
			t.Errorf("duplicate fingerprint %s", is.Fingerprint)
		}
		seen[is.Fingerprint] = true
	}
	if len(issues) != 3 {
		t.Fatalf("%d issues, want 3", len(issues))
	}
}

func TestNotesShown(t *testing.T) {
	r := fixture()
	r.Notes = []string{"exception for CVE-2023-5678 (vouch.yaml:12) expired on 2026-11-30 and no longer applies"}
	for _, format := range []string{FormatText, FormatMarkdown, FormatJSON} {
		if out := render(t, format, Options{}, r); !bytes.Contains(out, []byte("expired on 2026-11-30")) {
			t.Errorf("%s does not show the note", format)
		}
	}
}

func TestSignedInJSON(t *testing.T) {
	r := fixture()
	r.Signed = []Signed{{Image: "127.0.0.1:5000/shop/api:1.4", Ref: "127.0.0.1:5000/shop/api@" + imageDigest}}
	out := render(t, FormatJSON, Options{}, r)
	testutil.ValidateJSON(t, filepath.Join(testutil.RepoRoot(t), "docs", "schemas", "report.schema.json"), out)
	if !bytes.Contains(out, []byte(`"ref": "127.0.0.1:5000/shop/api@`+imageDigest+`"`)) {
		t.Errorf("signed image missing:\n%s", out)
	}
}

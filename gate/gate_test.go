package gate

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/finding"
)

const cleanDockerfile = `FROM alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]
`

const cleanCompose = `services:
  api:
    image: registry.example.com/shop/api:1.4.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    user: "10001:10001"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
    cpus: 0.5
    pids_limit: 128
`

// rootCompose is cleanCompose with the service running as root.
var rootCompose = strings.Replace(cleanCompose, `user: "10001:10001"`, `user: root`, 1)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func gitInit(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", "init", "-q", ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
}

var day = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func run(t *testing.T, opts Options) *Outcome {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = day
	}
	if opts.ConfigName == "" {
		opts.ConfigName = "vouch.yaml"
	}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDiscoverSkipsIgnoredFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".gitignore":                "build/\n",
		"Dockerfile":                cleanDockerfile,
		"svc/api.Dockerfile":        cleanDockerfile,
		"svc/compose.yaml":          cleanCompose,
		"svc/compose.override.yaml": "services: {}\n",
		"deploy/docker-compose.yml": cleanCompose,
		"build/Dockerfile":          "this is ignored",
		"docs/Dockerfile.md":        "not a Dockerfile? its name says Dockerfile.*",
		"node_modules/x/Dockerfile": cleanDockerfile,
		"README.md":                 "hello",
	})
	gitInit(t, dir)
	// node_modules is not ignored by .gitignore here: git lists it, so
	// vouch checks it, as it would be committed.
	d, err := Discover(dir, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDF := []string{"Dockerfile", "docs/Dockerfile.md", "node_modules/x/Dockerfile", "svc/api.Dockerfile"}
	if !reflect.DeepEqual(d.Dockerfiles, wantDF) {
		t.Errorf("Dockerfiles %v, want %v", d.Dockerfiles, wantDF)
	}
	if want := []string{"deploy", "svc"}; !reflect.DeepEqual(d.ComposeDirs, want) {
		t.Errorf("ComposeDirs %v, want %v", d.ComposeDirs, want)
	}

	d, _ = Discover(dir, []string{"svc"}, nil, nil)
	if !reflect.DeepEqual(d.Dockerfiles, []string{"svc/api.Dockerfile"}) || !reflect.DeepEqual(d.ComposeDirs, []string{"svc"}) {
		t.Errorf("restricted to svc: %+v", d)
	}
	d, _ = Discover(dir, nil, []string{"svc/**"}, []string{"deploy/*.yml"})
	if !reflect.DeepEqual(d.Dockerfiles, []string{"svc/api.Dockerfile", "svc/compose.override.yaml", "svc/compose.yaml"}) ||
		!reflect.DeepEqual(d.ComposeDirs, []string{"deploy"}) {
		t.Errorf("globs: %+v", d)
	}
}

func TestDiscoverWithoutGit(t *testing.T) {
	dir := writeTree(t, map[string]string{"a/Dockerfile": cleanDockerfile, ".git/Dockerfile": "x", "compose.yml": cleanCompose})
	d, err := Discover(dir, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Dockerfiles, []string{"a/Dockerfile"}) || !reflect.DeepEqual(d.ComposeDirs, []string{"."}) {
		t.Errorf("%+v", d)
	}
}

func TestLintOnlyVerdicts(t *testing.T) {
	clean := writeTree(t, map[string]string{"Dockerfile": cleanDockerfile, "compose.yaml": cleanCompose})
	if out := run(t, Options{Root: clean, LintOnly: true}); out.Verdict != finding.Passed {
		t.Errorf("clean repository: %s, results %+v", out.Verdict, out.Results)
	}
	root := writeTree(t, map[string]string{"Dockerfile": cleanDockerfile, "compose.yaml": rootCompose})
	out := run(t, Options{Root: root, LintOnly: true, FailOn: "medium"})
	if out.Verdict != finding.Failed {
		t.Fatalf("root compose service: %s", out.Verdict)
	}
	f := failing(out)
	if len(f) != 1 || f[0].Location.Path != "compose.yaml" || f[0].Location.StartLine != 4 {
		t.Errorf("want one failing finding at compose.yaml:4, got %+v", f)
	}
	broken := writeTree(t, map[string]string{"Dockerfile": "this is not a Dockerfile\n", "compose.yaml": cleanCompose})
	if out := run(t, Options{Root: broken, LintOnly: true}); out.Verdict != finding.Undecided {
		t.Errorf("broken Dockerfile: %s, want error", out.Verdict)
	}
}

func failing(out *Outcome) []finding.Finding {
	var fs []finding.Finding
	for _, r := range out.Results {
		for _, f := range r.Findings {
			if out.Threshold.Fails(&f) {
				fs = append(fs, f)
			}
		}
	}
	return fs
}

func TestNothingToCheck(t *testing.T) {
	dir := writeTree(t, map[string]string{"README.md": "x"})
	if _, err := Run(context.Background(), Options{Root: dir, LintOnly: true}); !errors.Is(err, ErrNothingToCheck) {
		t.Fatalf("err = %v, want ErrNothingToCheck", err)
	}
}

func TestExceptions(t *testing.T) {
	dir := writeTree(t, map[string]string{"compose.yaml": rootCompose, "other/compose.yaml": rootCompose})
	cfg := func(expires string, paths ...string) *config.Config {
		return &config.Config{Exceptions: []config.Exception{{ID: "VCH-DC-001", Reason: "legacy image", Expires: expires, Paths: paths, Line: 3}}}
	}
	// Find the rule's id and name from the failing finding, so the test
	// names what the linter reports.
	base := run(t, Options{Root: dir, LintOnly: true, FailOn: "medium"})
	f := failing(base)
	if len(f) != 2 {
		t.Fatalf("want 2 failing findings, got %d", len(f))
	}
	id := f[0].RuleID
	for _, tt := range []struct {
		name    string
		cfg     *config.Config
		verdict finding.Verdict
		note    string
	}{
		{"in force everywhere", cfg("2027-01-31"), finding.Passed, ""},
		{"in force, only one path", cfg("2027-01-31", "other/**"), finding.Failed, ""},
		{"about to expire", cfg("2026-12-10"), finding.Passed, "exception for " + id + " (vouch.yaml:3) expires on 2026-12-10"},
		{"expires today", cfg("2026-12-04"), finding.Failed, "expired on 2026-12-04 and no longer applies"},
		{"expired", cfg("2026-11-30"), finding.Failed, "expired on 2026-11-30"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Exceptions[0].ID = id
			out := run(t, Options{Root: dir, LintOnly: true, Config: tt.cfg, FailOn: "medium"})
			if out.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", out.Verdict, tt.verdict)
			}
			notes := strings.Join(out.Notes, "\n")
			if tt.note == "" && notes != "" || !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q, want %q", notes, tt.note)
			}
			if tt.verdict == finding.Passed {
				for _, r := range out.Results {
					for _, f := range r.Findings {
						if f.RuleID == id && (f.Suppression == nil || f.Suppression.Kind != finding.SuppressedException || f.Suppression.Reason != "legacy image") {
							t.Errorf("finding not suppressed by the exception: %+v", f)
						}
					}
				}
			}
		})
	}
}

func TestBaselineFailsOnlyNewFindings(t *testing.T) {
	dir := writeTree(t, map[string]string{"compose.yaml": rootCompose})
	first := run(t, Options{Root: dir, LintOnly: true, FailOn: "medium"})
	b := NewBaseline(first.Results, day)
	path := filepath.Join(t.TempDir(), "baseline.json")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(fh); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	read, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if out := run(t, Options{Root: dir, LintOnly: true, Baseline: read, BaselineName: "baseline.json", FailOn: "medium"}); out.Verdict != finding.Passed {
		t.Fatalf("with its own baseline: %s", out.Verdict)
	}
	// Lines shift (a comment and a new service above); the old findings
	// stay accepted, the new privileged service fails.
	shifted := "# moved\n\n" + strings.Replace(rootCompose, "services:\n", "services:\n  admin:\n    image: busybox:1.36\n    privileged: true\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(shifted), 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(t, Options{Root: dir, LintOnly: true, Baseline: read, BaselineName: "baseline.json", FailOn: "medium"})
	if out.Verdict != finding.Failed {
		t.Fatalf("new finding: %s", out.Verdict)
	}
	for _, f := range failing(out) {
		if !strings.Contains(f.Location.Logical, "admin") {
			t.Errorf("an old finding fails despite the baseline: %s %s", f.RuleID, f.Location.Logical)
		}
	}
	if _, err := ReadBaseline(filepath.Join(dir, "compose.yaml")); err == nil {
		t.Error("a YAML file read as a baseline")
	}
}

// fakeScanner returns canned scans; it stands for the Trivy scanner in
// tests of the orchestration (the real one is tested in scan/ and
// end to end in cmd/vouch).
type fakeScanner struct {
	image map[string]*ImageScan
	err   error
}

func (s *fakeScanner) ScanImage(_ context.Context, ref string) (*ImageScan, error) {
	if s.err != nil {
		return nil, s.err
	}
	return s.image[ref], nil
}

func (s *fakeScanner) ScanFilesystem(context.Context, string) (finding.Result, error) {
	return finding.Result{Target: finding.Target{Kind: finding.KindFilesystem, Name: "."}}, nil
}

type recordingSigner struct {
	reqs []SignRequest
	err  error
}

func (s *recordingSigner) Sign(_ context.Context, req SignRequest) (string, error) {
	s.reqs = append(s.reqs, req)
	return req.Scan.Ref, s.err
}

func imageScan(ref string, sev finding.Severity) *ImageScan {
	digest := "sha256:" + strings.Repeat("a", 64)
	return &ImageScan{
		Ref: "registry.example.com/app@" + digest,
		Result: finding.Result{
			Target: finding.Target{Kind: finding.KindImage, Name: ref, Digest: digest},
			Findings: []finding.Finding{{RuleID: "CVE-2023-5678", Category: finding.CategoryVulnerability, Severity: sev,
				Fingerprint: finding.Fingerprint("CVE-2023-5678"), Vulnerability: &finding.Vulnerability{ID: "CVE-2023-5678"}}},
		},
	}
}

func TestSignsOnlyWhatPassed(t *testing.T) {
	dir := writeTree(t, map[string]string{"Dockerfile": cleanDockerfile})
	ref := "registry.example.com/app:1"
	for _, tt := range []struct {
		name      string
		sev       finding.Severity
		scanErr   error
		signErr   error
		verdict   finding.Verdict
		signCalls int
	}{
		{"passes and is signed", finding.Medium, nil, nil, finding.Passed, 1},
		{"fails and is not signed", finding.Critical, nil, nil, finding.Failed, 0},
		{"scan error: not signed", finding.Low, errors.New("registry unreachable"), nil, finding.Undecided, 0},
		{"sign error: undecided", finding.Low, nil, errors.New("push refused"), finding.Undecided, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			scanner := &fakeScanner{image: map[string]*ImageScan{ref: imageScan(ref, tt.sev)}, err: tt.scanErr}
			signer := &recordingSigner{err: tt.signErr}
			out := run(t, Options{Root: dir, Images: []string{ref}, Scanner: scanner, Signer: signer})
			if out.Verdict != tt.verdict || len(signer.reqs) != tt.signCalls {
				t.Fatalf("verdict %s with %d sign call(s), want %s with %d", out.Verdict, len(signer.reqs), tt.verdict, tt.signCalls)
			}
			if tt.signCalls == 1 {
				if got := signer.reqs[0].Scan.Ref; got != "registry.example.com/app@sha256:"+strings.Repeat("a", 64) {
					t.Errorf("signed %s, not the scanned digest", got)
				}
				if tt.signErr == nil && (len(out.Signed) != 1 || out.SignErr != nil) {
					t.Errorf("signed %+v, err %v", out.Signed, out.SignErr)
				}
				if tt.signErr != nil && (out.SignErr == nil || len(out.Signed) != 0) {
					t.Errorf("sign error not reported: %+v", out)
				}
			}
		})
	}
}

func TestLintOnlyNeverScansOrSigns(t *testing.T) {
	dir := writeTree(t, map[string]string{"Dockerfile": cleanDockerfile})
	signer := &recordingSigner{}
	out := run(t, Options{Root: dir, LintOnly: true, Images: []string{"x"}, Signer: signer,
		Config: &config.Config{Images: []string{"y"}}})
	if out.Verdict != finding.Passed || len(signer.reqs) != 0 || len(out.Results) != 1 {
		t.Fatalf("%+v, %d sign calls", out, len(signer.reqs))
	}
}

func TestPerCategoryThresholds(t *testing.T) {
	dir := writeTree(t, map[string]string{"Dockerfile": cleanDockerfile})
	ref := "registry.example.com/app:1"
	scanner := &fakeScanner{image: map[string]*ImageScan{ref: imageScan(ref, finding.High)}}
	cfg := &config.Config{FailOn: "high", Thresholds: map[string]string{"vulnerability": "critical"}}
	if out := run(t, Options{Root: dir, Images: []string{ref}, Scanner: scanner, Config: cfg}); out.Verdict != finding.Passed {
		t.Errorf("high vulnerability under a critical vulnerability threshold: %s", out.Verdict)
	}
	if out := run(t, Options{Root: dir, Images: []string{ref}, Scanner: scanner, Config: cfg, FailOn: "medium"}); out.Verdict != finding.Passed {
		t.Errorf("the flag overrides only the default: %s", out.Verdict)
	}
	cfg.Thresholds = nil
	if out := run(t, Options{Root: dir, Images: []string{ref}, Scanner: scanner, Config: cfg}); out.Verdict != finding.Failed {
		t.Errorf("high vulnerability at fail-on high: %s", out.Verdict)
	}
}

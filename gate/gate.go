// Package gate runs the whole pipeline once: it discovers what to check,
// runs the linters and scans concurrently, applies the policy (thresholds,
// exceptions, baseline), decides one verdict, and signs the scanned digests
// only when everything passed.
//
// The package is light: the scanner and the signer come in through
// interfaces (cmd/vouch gives it the Trivy and cosign ones), so the policy
// and the orchestration are tested in seconds.
package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vouch-dev/vouch/composelint"
	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/dockerlint"
	"github.com/vouch-dev/vouch/finding"
)

// ImageScan is what scanning one image produced: its findings, the digest
// that was scanned (carried to the signer unchanged), and the documents
// that become attestations.
type ImageScan struct {
	Result finding.Result
	// Ref is the scanned image by digest: registry/repository@sha256:….
	Ref string
	// SBOM is the CycloneDX JSON of the same analysis.
	SBOM []byte
	// Vulnerabilities is the scanner's report, for cosign's vuln predicate.
	Vulnerabilities []byte
	// DBUpdatedAt is when the vulnerability database was built.
	DBUpdatedAt    time.Time
	ScannerVersion string
}

// Scanner scans images and the repository's files.
type Scanner interface {
	ScanImage(ctx context.Context, ref string) (*ImageScan, error)
	ScanFilesystem(ctx context.Context, dir string) (finding.Result, error)
}

// SignRequest is what the signer needs to sign and attest one image that
// passed.
type SignRequest struct {
	Scan      *ImageScan
	Threshold finding.Threshold
	// Counts are the unsuppressed findings per severity across the run.
	Counts        map[finding.Severity]int
	IgnoreUnfixed bool
	// Waived lists the ids suppressed by exceptions or the baseline.
	Waived []string
	Time   time.Time
}

// Signer signs the scanned digest and attaches the attestations; it
// returns the reference it signed.
type Signer interface {
	Sign(ctx context.Context, req SignRequest) (string, error)
}

// Stage is a unit of work the progress callback hears about.
type Stage struct {
	Name     string
	Duration time.Duration
	Err      error
}

// Options configure a run. Root and Config are required.
type Options struct {
	// Root is the repository root; finding paths are relative to it.
	Root string
	// ConfigName names the config file in messages ("vouch.yaml").
	ConfigName string
	Config     *config.Config
	// FailOn overrides the config's default threshold when set.
	FailOn string
	// Paths restrict discovery to these files and directories (relative
	// to Root).
	Paths []string
	// Images are scanned in addition to the config's.
	Images []string
	// LintOnly runs the linters only: no scan, no signing.
	LintOnly bool
	// Baseline, when set, suppresses the findings it accepted.
	Baseline     *Baseline
	BaselineName string
	Scanner      Scanner
	// Signer signs every scanned image when the verdict is passed; nil
	// means no signing.
	Signer Signer
	// Env is the environment compose files interpolate from.
	Env []string
	// Now is the clock (exceptions expire by it).
	Now time.Time
	// Progress hears about each stage when it ends.
	Progress func(Stage)
}

// Signed is an image the gate signed.
type Signed struct {
	Image string `json:"image"`
	// Ref is what was signed: repository@sha256:….
	Ref string `json:"ref"`
}

// Outcome is a run's result.
type Outcome struct {
	Results   []finding.Result
	Threshold finding.Threshold
	Verdict   finding.Verdict
	Notes     []string
	Scans     []*ImageScan
	Signed    []Signed
	// SignErr is why signing failed; the verdict is then Undecided.
	SignErr error
}

// ErrNothingToCheck is returned when discovery finds nothing and no image
// is given: a gate that checked nothing must not pass.
var ErrNothingToCheck = errors.New("nothing to check: no Dockerfile, no compose file and no image (add images, or run in the repository)")

// Run runs the gate. Errors returned are errors of the run itself (bad
// options, discovery); errors checking one target are in that target's
// Result and make the verdict Undecided.
func Run(ctx context.Context, opts Options) (*Outcome, error) {
	if opts.Config == nil {
		opts.Config = &config.Config{}
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	threshold, err := Threshold(opts.Config, opts.FailOn)
	if err != nil {
		return nil, err
	}
	found, err := Discover(opts.Root, opts.Paths, opts.Config.Dockerfiles, opts.Config.Compose)
	if err != nil {
		return nil, fmt.Errorf("discover files under %s: %w", opts.Root, err)
	}
	images := append(append([]string{}, opts.Config.Images...), opts.Images...)
	scanFS := !opts.LintOnly && (opts.Config.Scan.Filesystem == nil || *opts.Config.Scan.Filesystem)
	if opts.LintOnly {
		images = nil
	}
	if len(found.Dockerfiles) == 0 && len(found.ComposeDirs) == 0 && len(images) == 0 && !scanFS {
		return nil, ErrNothingToCheck
	}
	if (len(images) > 0 || scanFS) && opts.Scanner == nil {
		return nil, errors.New("a scan is configured but no scanner is available")
	}

	out := &Outcome{Threshold: threshold}
	var (
		mu                           sync.Mutex
		wg                           sync.WaitGroup
		dockerRes, composeRes, fsRes []finding.Result
		scans                        = make([]*ImageScan, len(images))
		imageRes                     = make([]finding.Result, len(images))
	)
	stage := func(name string, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := fn()
			if opts.Progress != nil {
				mu.Lock()
				opts.Progress(Stage{Name: name, Duration: time.Since(start), Err: err})
				mu.Unlock()
			}
		}()
	}
	if len(found.Dockerfiles) > 0 {
		stage(fmt.Sprintf("lint %d Dockerfile(s)", len(found.Dockerfiles)), func() error {
			dockerRes = lintDockerfiles(opts, found.Dockerfiles)
			return firstError(dockerRes)
		})
	}
	if len(found.ComposeDirs) > 0 {
		stage(fmt.Sprintf("lint %d compose project(s)", len(found.ComposeDirs)), func() error {
			composeRes = lintCompose(ctx, opts, found.ComposeDirs)
			return firstError(composeRes)
		})
	}
	if scanFS {
		stage("scan filesystem", func() error {
			res, err := opts.Scanner.ScanFilesystem(ctx, opts.Root)
			if err != nil {
				res = errorResult(finding.KindFilesystem, ".", err)
			}
			fsRes = []finding.Result{res}
			return err
		})
	}
	for i, ref := range images {
		stage("scan image "+ref, func() error {
			scan, err := opts.Scanner.ScanImage(ctx, ref)
			if err != nil {
				imageRes[i] = errorResult(finding.KindImage, ref, err)
				return err
			}
			scans[i], imageRes[i] = scan, scan.Result
			return nil
		})
	}
	wg.Wait()

	out.Results = append(append(append(append(out.Results, dockerRes...), composeRes...), fsRes...), imageRes...)
	out.Scans = scans
	out.Notes = applyExceptions(out.Results, opts.Config, opts.ConfigName, opts.Now)
	if opts.Baseline != nil {
		applyBaseline(out.Results, opts.Baseline, opts.BaselineName)
	}
	out.Verdict = finding.Decide(out.Results, threshold)
	if out.Verdict != finding.Passed || opts.Signer == nil || opts.LintOnly {
		return out, nil
	}
	out.sign(ctx, opts)
	return out, nil
}

// sign signs every scanned image, by the digest that was scanned. The
// first failure stops it and makes the verdict Undecided.
func (out *Outcome) sign(ctx context.Context, opts Options) {
	counts := finding.Count(out.Results).BySeverity
	waived := waivedIDs(out.Results)
	for _, scan := range out.Scans {
		start := time.Now()
		ref, err := opts.Signer.Sign(ctx, SignRequest{
			Scan: scan, Threshold: out.Threshold, Counts: counts,
			IgnoreUnfixed: opts.Config.IgnoreUnfixed, Waived: waived, Time: opts.Now,
		})
		if opts.Progress != nil {
			opts.Progress(Stage{Name: "sign " + scan.Ref, Duration: time.Since(start), Err: err})
		}
		if err != nil {
			out.SignErr = fmt.Errorf("sign %s: %w", scan.Ref, err)
			out.Verdict = finding.Undecided
			return
		}
		out.Signed = append(out.Signed, Signed{Image: scan.Result.Target.Name, Ref: ref})
	}
}

func waivedIDs(results []finding.Result) []string {
	seen := map[string]bool{}
	var ids []string
	for _, res := range results {
		for _, f := range res.Findings {
			if s := f.Suppression; s != nil && (s.Kind == finding.SuppressedException || s.Kind == finding.SuppressedBaseline) && !seen[f.RuleID] {
				seen[f.RuleID] = true
				ids = append(ids, f.RuleID)
			}
		}
	}
	return ids
}

func lintDockerfiles(opts Options, files []string) []finding.Result {
	cfg := dockerlint.Config{Disable: opts.Config.Disable}
	results := make([]finding.Result, 0, len(files))
	for _, f := range files {
		results = append(results, lintDockerfile(filepath.Join(opts.Root, filepath.FromSlash(f)), f, cfg))
	}
	return results
}

// lintDockerfile lints the file at path under its name relative to the
// root, so that paths and fingerprints do not depend on where the
// repository is checked out.
func lintDockerfile(path, rel string, cfg dockerlint.Config) finding.Result {
	f, err := os.Open(path)
	if err != nil {
		return errorResult(finding.KindDockerfile, rel, unwrapPathError(err))
	}
	defer f.Close()
	res, _ := dockerlint.LintReader(rel, f, cfg)
	return res
}

func lintCompose(ctx context.Context, opts Options, dirs []string) []finding.Result {
	var results []finding.Result
	for _, dir := range dirs {
		rs, _ := composelint.Lint(ctx, composelint.Options{
			ProjectDir: filepath.Join(opts.Root, filepath.FromSlash(dir)),
			Root:       opts.Root,
			Env:        opts.Env,
			Disable:    opts.Config.Disable,
		})
		results = append(results, rs...)
	}
	return results
}

func errorResult(kind finding.TargetKind, name string, err error) finding.Result {
	return finding.Result{Target: finding.Target{Kind: kind, Name: name}, Error: err.Error(), Findings: []finding.Finding{}}
}

func firstError(results []finding.Result) error {
	for _, r := range results {
		if r.Error != "" {
			return errors.New(r.Target.Name + ": " + r.Error)
		}
	}
	return nil
}

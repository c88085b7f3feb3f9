package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/gate"
	"github.com/vouch-dev/vouch/report"
)

type gateOptions struct {
	Images   []string
	LintOnly bool
	Baseline string
	Sign     bool
	Key      string
	Tlog     bool
	Keyless  keylessFlags
	Registry registryFlags
	Scan     scanFlags
	Output   outputOptions
}

type keylessFlags struct {
	IdentityToken string
	FulcioURL     string
	RekorURL      string
}

func newGateCmd(g *globalOptions) *cobra.Command {
	o := &gateOptions{}
	cmd := &cobra.Command{
		Use:   "gate [PATH...]",
		Short: "Run every check, decide once, write every report, sign what passed",
		Long: `gate lints every Dockerfile and compose project in the repository (git's
view of it: ignored files are skipped), scans the repository's files and the
images given with --image or in vouch.yaml, applies the policy (thresholds,
exceptions, baseline), decides one verdict and writes every report. When it
passed and signing is configured, it signs and attests exactly the digests it
scanned.

PATHs restrict the lint to those files and directories. --lint-only runs the
linters alone (what the pre-push hook runs). Inside GitHub Actions the step
summary and annotations are written too.

Exit codes: 0 passed, 1 policy failed, 2 could not decide (nothing is signed).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGate(cmd, g, o, args)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&o.Images, "image", nil, "image to scan (and sign when it passes), best by digest; repeatable")
	fs.BoolVar(&o.LintOnly, "lint-only", false, "run only the Dockerfile and compose linters: no scan, no signing")
	fs.StringVar(&o.Baseline, "baseline", "", "fail only on findings not in this baseline (vouch baseline write)")
	fs.BoolVar(&o.Sign, "sign", false, "sign and attest the scanned images when the gate passes (also sign.enabled in vouch.yaml)")
	fs.StringVar(&o.Key, "key", "", "cosign private key (file, env://VAR, KMS URI); empty: keyless, or sign.key in vouch.yaml")
	fs.BoolVar(&o.Tlog, "tlog-upload", true, "upload signatures to the transparency log (false only with a key)")
	fs.StringVar(&o.Keyless.IdentityToken, "identity-token", "", "OIDC token for keyless signing (default: from the CI system)")
	fs.StringVar(&o.Keyless.FulcioURL, "fulcio-url", "", "certificate authority for keyless signing")
	fs.StringVar(&o.Keyless.RekorURL, "rekor-url", "", "transparency log")
	o.Registry.addFlags(fs)
	o.Scan.addFlags(fs)
	o.Output.AddFlags(fs)
	return cmd
}

func runGate(cmd *cobra.Command, g *globalOptions, o *gateOptions, paths []string) error {
	started := time.Now()
	if err := o.Output.resolve(cmd, g); err != nil {
		return err
	}
	cfg := g.cfg
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	opts := gate.Options{
		Root: root, Config: cfg, ConfigName: configName(g), FailOn: o.Output.FailOn,
		Paths: relPaths(root, paths), Images: o.Images, LintOnly: o.LintOnly,
		Env: os.Environ(), Now: clock(),
	}
	if baseline := firstNonEmpty(o.Baseline, cfg.Baseline); baseline != "" {
		if opts.Baseline, err = gate.ReadBaseline(baseline); err != nil {
			return err
		}
		opts.BaselineName = baseline
	}
	if !o.LintOnly {
		o.Scan.progress = o.Output.progress(cmd.ErrOrStderr())
		if opts.Scanner, err = o.Scan.scanner(cmd, cfg, o.Registry); err != nil {
			return err
		}
		if o.Sign || cfg.Sign.Enabled {
			if opts.Signer, err = o.signer(cmd, cfg); err != nil {
				return err
			}
		}
	}
	if !o.Output.Quiet {
		opts.Progress = progressPrinter(cmd.ErrOrStderr())
	}
	// compose-go warns through logrus (an obsolete `version:`); the
	// findings are the report.
	logrus.SetLevel(logrus.ErrorLevel)
	out, err := gate.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	return emitGate(cmd, g, o, out, started)
}

// emitGate writes the reports of a gate run and returns its verdict.
func emitGate(cmd *cobra.Command, g *globalOptions, o *gateOptions, out *gate.Outcome, started time.Time) error {
	r := report.New(report.DefaultTool(vouchVersion()), out.Results, out.Threshold, started, clock())
	if fixedClock() {
		r.StartedAt = r.FinishedAt
	}
	r.Verdict = out.Verdict // signing may have turned a pass into an error
	r.Notes = out.Notes
	if len(out.Scans) > 0 && out.Scans[0] != nil {
		r.Tool.ScannerName, r.Tool.ScannerVersion = "Trivy", out.Scans[0].ScannerVersion
	}
	stderr := cmd.ErrOrStderr()
	for _, n := range out.Notes {
		fmt.Fprintf(stderr, "vouch: note: %s\n", n)
	}
	if out.SignErr != nil {
		fmt.Fprintf(stderr, "vouch: %s\n", oneLine(out.SignErr.Error()))
	}
	for _, s := range out.Signed {
		fmt.Fprintf(stderr, "vouch: signed %s\n", s.Ref)
		r.Signed = append(r.Signed, report.Signed{Image: s.Image, Ref: s.Ref})
	}
	if err := githubDefaults(&o.Output); err != nil {
		return err
	}
	return o.Output.write(cmd, g, r)
}

// githubDefaults adds, inside GitHub Actions, the step summary and the
// annotations to the reports (unless the user asked for them already).
func githubDefaults(o *outputOptions) error {
	if os.Getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	if summary := os.Getenv("GITHUB_STEP_SUMMARY"); summary != "" && !o.writes(report.FormatMarkdown) {
		o.outputs = append(o.outputs, outputFile{format: report.FormatMarkdown, path: summary, append: true})
	}
	if !o.writes(report.FormatGitHub) && o.Format != report.FormatGitHub {
		o.extraStdout = append(o.extraStdout, report.FormatGitHub)
	}
	return nil
}

// progressPrinter reports each stage as it ends: one line per stage, in CI
// logs and on a terminal alike.
func progressPrinter(w io.Writer) func(gate.Stage) {
	tty := isTerminal(w)
	return func(s gate.Stage) {
		status := "done"
		if s.Err != nil {
			status = "error"
		}
		d := s.Duration.Round(100 * time.Microsecond)
		if tty {
			fmt.Fprintf(w, "\r\x1b[K  %-5s %s (%s)\n", status, s.Name, d)
			return
		}
		fmt.Fprintf(w, "vouch: %s: %s in %s\n", s.Name, status, d)
	}
}

// relPaths makes command-line paths relative to the repository root.
func relPaths(root string, paths []string) []string {
	var out []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			out = append(out, p)
			continue
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			out = append(out, p)
			continue
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

func configName(g *globalOptions) string {
	if g.ConfigFile == "" {
		return "vouch.yaml"
	}
	return g.ConfigFile
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

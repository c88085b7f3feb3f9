package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/report"
)

// outputOptions are the flags every command that reports findings takes:
// what to print, which reports to write, and the threshold.
type outputOptions struct {
	Format       string
	Outputs      []string
	FailOn       string
	Quiet        bool
	NoColor      bool
	GitLabSchema string

	// Set by resolve.
	failOn  finding.Severity
	outputs []outputFile
	cfg     *config.Config
	// extraStdout are formats printed on stdout after the main one (the
	// GitHub annotations inside GitHub Actions).
	extraStdout []string
}

type outputFile struct {
	format, path string
	// append adds to the file instead of replacing it
	// ($GITHUB_STEP_SUMMARY is shared by the steps of a job).
	append bool
}

// writes reports whether a report of the format is written to a file.
func (o *outputOptions) writes(format string) bool {
	for _, out := range o.outputs {
		if out.format == format {
			return true
		}
	}
	return false
}

func (o *outputOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Format, "format", "f", "", "format printed on stdout: "+strings.Join(report.Formats(), ", ")+" (default text)")
	fs.StringArrayVarP(&o.Outputs, "output", "o", nil, "also write FORMAT=PATH; repeatable, one run writes every report")
	fs.StringVar(&o.FailOn, "fail-on", "", "fail on findings at or above this severity: critical, high, medium, low, info (default high)")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "print only the verdict line")
	fs.BoolVar(&o.NoColor, "no-color", false, "no colour in the text output (also NO_COLOR)")
	fs.StringVar(&o.GitLabSchema, "gitlab-schema-version", "", "GitLab container-scanning schema version: "+
		strings.Join(report.GitLabSchemaVersions, ", ")+" (default "+report.DefaultGitLabSchemaVersion+")")
}

// resolve merges the config file under the flags and checks every value,
// before any work starts. Its errors are usage errors.
func (o *outputOptions) resolve(cmd *cobra.Command, g *globalOptions) error {
	cfg := g.cfg
	if cfg == nil {
		cfg = &config.Config{}
	}
	o.cfg = cfg
	if o.Format == "" {
		o.Format = cfg.Format
	}
	if o.Format == "" {
		o.Format = report.FormatText
	}
	if _, err := report.NewWriter(o.Format, o.writerOptions(cmd, false)); err != nil {
		return usagef("--format: %v", err)
	}
	var err error
	failOn := o.FailOn
	if failOn == "" {
		failOn = cfg.FailOn
	}
	if failOn == "" {
		failOn = "high"
	}
	if o.failOn, err = finding.ParseSeverity(failOn); err != nil {
		return usagef("--fail-on: %v", err)
	}
	specs := append(append([]string{}, cfg.Outputs...), o.Outputs...)
	seen := map[string]bool{}
	for _, spec := range specs {
		format, path, ok := strings.Cut(spec, "=")
		if !ok || format == "" || path == "" {
			return usagef("--output %q: want FORMAT=PATH, for example sarif=vouch.sarif", spec)
		}
		if _, err := report.NewWriter(format, o.writerOptions(cmd, false)); err != nil {
			return usagef("--output %q: %v", spec, err)
		}
		if seen[path] {
			return usagef("--output %q: %s is written twice", spec, path)
		}
		seen[path] = true
		o.outputs = append(o.outputs, outputFile{format: format, path: path})
	}
	return nil
}

// disabled is the config's list of disabled rules.
func (o *outputOptions) disabled() []string {
	if o.cfg == nil {
		return nil
	}
	return o.cfg.Disable
}

func (o *outputOptions) writerOptions(cmd *cobra.Command, verbose bool) report.Options {
	return report.Options{
		Color:               o.color(cmd.OutOrStdout()),
		GitLabSchemaVersion: o.GitLabSchema,
		ShowSuppressed:      verbose,
	}
}

// color is on only for a terminal, and never with --no-color or NO_COLOR.
func (o *outputOptions) color(w io.Writer) bool {
	if o.NoColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// progress reports whether progress may be drawn on w: a terminal, and
// output not quieted.
func (o *outputOptions) progress(w io.Writer) bool { return !o.Quiet && isTerminal(w) }

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// emit writes every report from the one set of results and returns the
// verdict as the command's outcome. A report that cannot be written is an
// error: the gate cannot vouch for what it could not record.
func (o *outputOptions) emit(cmd *cobra.Command, g *globalOptions, results []finding.Result, started time.Time) error {
	now := clock()
	if fixedClock() || started.IsZero() {
		started = now
	}
	r := report.New(report.DefaultTool(vouchVersion()), results, finding.At(o.failOn), started, now)
	return o.write(cmd, g, r)
}

// write writes every report of r and returns its verdict as the command's
// outcome.
func (o *outputOptions) write(cmd *cobra.Command, g *globalOptions, r *report.Report) error {
	for _, out := range o.outputs {
		if err := writeReportFile(out, r, o.writerOptions(cmd, g.Verbose)); err != nil {
			return err
		}
	}
	stdout := cmd.OutOrStdout()
	for _, res := range r.Errors() {
		fmt.Fprintf(cmd.ErrOrStderr(), "vouch: %s: %s\n", res.Target.Name, oneLine(res.Error))
	}
	if o.Quiet {
		fmt.Fprintln(stdout, r.VerdictLine())
	} else {
		w, err := report.NewWriter(o.Format, o.writerOptions(cmd, g.Verbose))
		if err != nil {
			return err
		}
		if err := w.Write(stdout, r); err != nil {
			return fmt.Errorf("write %s report to stdout: %w", o.Format, err)
		}
	}
	for _, format := range o.extraStdout {
		w, err := report.NewWriter(format, o.writerOptions(cmd, g.Verbose))
		if err != nil {
			return err
		}
		if err := w.Write(stdout, r); err != nil {
			return fmt.Errorf("write %s report to stdout: %w", format, err)
		}
	}
	return &verdictError{r.Verdict}
}

func writeReportFile(out outputFile, r *report.Report, opts report.Options) error {
	opts.Color = false
	w, err := report.NewWriter(out.format, opts)
	if err != nil {
		return err
	}
	if out.append {
		f, err := os.OpenFile(out.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
		}
		if err := w.Write(f, r); err != nil {
			f.Close()
			return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
		}
		return f.Close()
	}
	if dir := filepath.Dir(out.path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
		}
	}
	// Write to a temporary file and rename, so a failed run never leaves a
	// half-written report that looks complete.
	tmp, err := os.CreateTemp(filepath.Dir(out.path), "."+filepath.Base(out.path)+".*")
	if err != nil {
		return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
	}
	defer os.Remove(tmp.Name())
	if err := w.Write(tmp, r); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out.path); err != nil {
		return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
	}
	return nil
}

// clock is the time reports carry. SOURCE_DATE_EPOCH fixes it, for
// reproducible reports and golden tests.
func clock() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now()
}

func fixedClock() bool { return os.Getenv("SOURCE_DATE_EPOCH") != "" }

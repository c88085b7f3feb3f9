// Package report writes one set of findings in every output format vouch
// supports. Each format is one Writer in one file; every writer reads the
// same Report, so one run writes every report.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/vouch-dev/vouch/finding"
)

// Tool describes the program that produced the report.
type Tool struct {
	Name           string
	Version        string // semantic version without a leading v, e.g. "0.1.0"
	InformationURI string
	// Scanner is the embedded scanner (Trivy) and its version, when a
	// scan ran; GitLab's container-scanning report names it.
	ScannerName    string
	ScannerVersion string
}

// DefaultTool is vouch itself.
func DefaultTool(version string) Tool {
	return Tool{Name: "vouch", Version: version, InformationURI: "https://github.com/vouch-dev/vouch"}
}

// Report is everything a writer needs: what was checked, what was found,
// the policy it was judged by and the verdict.
type Report struct {
	Tool    Tool
	Results []finding.Result
	// Rules holds metadata of every rule that may appear in Results, keyed
	// by rule id. Writers that describe rules (SARIF, text, Markdown) use it.
	Rules map[string]finding.Rule
	// Threshold is the policy the findings were judged by.
	Threshold finding.Threshold
	Verdict   finding.Verdict
	// Notes are warnings about the run that are not findings: an expired
	// exception, one about to expire, a stale baseline.
	Notes []string
	// Signed are the images the gate signed, by digest.
	Signed     []Signed
	StartedAt  time.Time
	FinishedAt time.Time
}

// New builds a Report from results, collecting the rules they carry and
// deciding the verdict against the threshold.
func New(tool Tool, results []finding.Result, threshold finding.Threshold, started, finished time.Time) *Report {
	r := &Report{
		Tool: tool, Results: results, Threshold: threshold,
		Rules: map[string]finding.Rule{}, StartedAt: started, FinishedAt: finished,
	}
	for _, res := range results {
		for _, rule := range res.Rules {
			r.Rules[rule.ID] = rule
		}
	}
	r.Verdict = finding.Decide(results, threshold)
	return r
}

// Rule returns the metadata of a rule id, synthesising it from the finding
// when the producer declared none.
func (r *Report) Rule(f *finding.Finding) finding.Rule {
	if rule, ok := r.Rules[f.RuleID]; ok {
		return rule
	}
	return finding.Rule{ID: f.RuleID, Name: f.RuleID, Category: f.Category, Severity: f.Severity, Title: f.Title}
}

// Counts tallies the report's findings.
func (r *Report) Counts() finding.Counts { return finding.Count(r.Results) }

// Errors lists the results that could not be checked.
func (r *Report) Errors() []finding.Result {
	var errs []finding.Result
	for _, res := range r.Results {
		if res.Error != "" {
			errs = append(errs, res)
		}
	}
	return errs
}

// VerdictLine is the one-line summary every human-facing format ends with.
func (r *Report) VerdictLine() string {
	c := r.Counts()
	var parts []string
	for _, s := range finding.Severities {
		if n := c.BySeverity[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	summary := "no findings"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	if c.Suppressed > 0 {
		summary += fmt.Sprintf(" (%d suppressed)", c.Suppressed)
	}
	switch r.Verdict {
	case finding.Passed:
		return fmt.Sprintf("PASSED: %s; nothing at or above %s.", summary, r.Threshold)
	case finding.Failed:
		n := 0
		for _, res := range r.Results {
			for i := range res.Findings {
				if r.Threshold.Fails(&res.Findings[i]) {
					n++
				}
			}
		}
		return fmt.Sprintf("FAILED: %d finding(s) at or above %s; %s.", n, r.Threshold, summary)
	}
	return fmt.Sprintf("ERROR: could not decide: %d target(s) could not be checked; %s.", len(r.Errors()), summary)
}

// sortedFindings returns pointers to a result's findings, highest severity
// first, then by location.
func sortedFindings(res *finding.Result) []*finding.Finding {
	fs := make([]*finding.Finding, len(res.Findings))
	for i := range res.Findings {
		fs[i] = &res.Findings[i]
	}
	sort.SliceStable(fs, func(i, j int) bool { return lessFinding(fs[i], fs[j]) })
	return fs
}

func lessFinding(a, b *finding.Finding) bool {
	if a.Location.Path != b.Location.Path {
		return a.Location.Path < b.Location.Path
	}
	if a.Location.StartLine != b.Location.StartLine {
		return a.Location.StartLine < b.Location.StartLine
	}
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	return a.RuleID < b.RuleID
}

// Signed is an image that was signed: the reference given and what was
// signed, repository@sha256:….
type Signed struct {
	Image string `json:"image"`
	Ref   string `json:"ref"`
}

// Writer writes a report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// WriterFunc adapts a function to Writer.
type WriterFunc func(io.Writer, *Report) error

func (f WriterFunc) Write(w io.Writer, r *Report) error { return f(w, r) }

// Options tune writers; the zero value is a sensible default.
type Options struct {
	// Color turns on ANSI colour in the text format.
	Color bool
	// GitLabSchemaVersion is the container-scanning schema version to
	// write: 15.0.7 (default), 15.1.4 or 15.2.4.
	GitLabSchemaVersion string
	// MarkdownLimit caps the Markdown summary's size in bytes (default
	// 1 MiB, GitHub's step summary limit).
	MarkdownLimit int
	// ShowSuppressed lists suppressed findings in the text format.
	ShowSuppressed bool
}

// Format names, as given to --format and --output.
const (
	FormatText                    = "text"
	FormatJSON                    = "json"
	FormatSARIF                   = "sarif"
	FormatJUnit                   = "junit"
	FormatGitLabCodeQuality       = "gitlab-codequality"
	FormatGitLabContainerScanning = "gitlab-container-scanning"
	FormatMarkdown                = "markdown"
	FormatGitHub                  = "github"
)

// Formats lists every format name.
func Formats() []string {
	return []string{FormatText, FormatJSON, FormatSARIF, FormatJUnit, FormatGitLabCodeQuality,
		FormatGitLabContainerScanning, FormatMarkdown, FormatGitHub}
}

// NewWriter returns the writer for a format name.
func NewWriter(format string, opts Options) (Writer, error) {
	switch format {
	case FormatText:
		return &TextWriter{Color: opts.Color, ShowSuppressed: opts.ShowSuppressed}, nil
	case FormatJSON:
		return WriterFunc(writeJSON), nil
	case FormatSARIF:
		return WriterFunc(writeSARIF), nil
	case FormatJUnit:
		return WriterFunc(writeJUnit), nil
	case FormatGitLabCodeQuality:
		return WriterFunc(writeCodeQuality), nil
	case FormatGitLabContainerScanning:
		v := opts.GitLabSchemaVersion
		if v == "" {
			v = DefaultGitLabSchemaVersion
		}
		if !validGitLabVersion(v) {
			return nil, fmt.Errorf("unsupported GitLab container-scanning schema version %q (want one of %s)",
				v, strings.Join(GitLabSchemaVersions, ", "))
		}
		return &ContainerScanningWriter{SchemaVersion: v}, nil
	case FormatMarkdown:
		limit := opts.MarkdownLimit
		if limit <= 0 {
			limit = DefaultMarkdownLimit
		}
		return &MarkdownWriter{Limit: limit}, nil
	case FormatGitHub:
		return WriterFunc(writeGitHub), nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

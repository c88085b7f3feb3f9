package report

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/vouch-dev/vouch/finding"
)

// codeQualityIssue is one entry of GitLab's code-quality report, the subset
// of the Code Climate engine spec that GitLab reads.
type codeQualityIssue struct {
	Type        string              `json:"type"`
	CheckName   string              `json:"check_name"`
	Description string              `json:"description"`
	Categories  []string            `json:"categories"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
	End   int `json:"end,omitempty"`
}

// writeCodeQuality writes the code-quality report that GitLab's
// merge-request widget reads: a JSON array, one issue per unsuppressed
// finding that has a file location. Suppressed findings are left out, as
// GitLab has no way to show them; vulnerability findings without a file go
// to the container-scanning report instead.
func writeCodeQuality(w io.Writer, r *Report) error {
	issues := []codeQualityIssue{}
	for i := range r.Results {
		res := &r.Results[i]
		fs := sortedFindings(res)
		occ := occurrences(fs)
		for i, f := range fs {
			if f.Suppressed() || f.Location.Path == "" || res.Target.Kind == finding.KindImage {
				continue
			}
			begin := f.Location.StartLine
			if begin <= 0 {
				begin = 1
			}
			end := f.Location.EndLine
			if end < begin {
				end = begin
			}
			issues = append(issues, codeQualityIssue{
				Type:        "issue",
				CheckName:   f.RuleID,
				Description: f.RuleID + ": " + resultMessage(f),
				Categories:  []string{"Security"},
				Fingerprint: occurrenceFingerprint(f.Fingerprint, occ[i]),
				Severity:    codeQualitySeverity(f.Severity),
				Location:    codeQualityLocation{Path: f.Location.Path, Lines: codeQualityLines{Begin: begin, End: end}},
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}

func codeQualitySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "blocker"
	case finding.High:
		return "critical"
	case finding.Medium:
		return "major"
	case finding.Low:
		return "minor"
	}
	return "info"
}

// occurrenceFingerprint keeps the first occurrence's fingerprint as it is
// and derives a distinct one for each repeat.
func occurrenceFingerprint(fp string, n int) string {
	if n <= 1 {
		return fp
	}
	return finding.Fingerprint(fp, strconv.Itoa(n))
}

package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/vouch-dev/vouch/finding"
)

// JSONSchemaVersion is the version of vouch's JSON report; the schema is
// docs/schemas/report.schema.json. A change that removes or renames a
// field bumps it.
const JSONSchemaVersion = "1.0.0"

type jsonReport struct {
	SchemaVersion string          `json:"schemaVersion"`
	Tool          jsonTool        `json:"tool"`
	StartedAt     string          `json:"startedAt"`
	FinishedAt    string          `json:"finishedAt"`
	Policy        jsonPolicy      `json:"policy"`
	Verdict       finding.Verdict `json:"verdict"`
	ExitCode      int             `json:"exitCode"`
	Summary       jsonSummary     `json:"summary"`
	Results       json.RawMessage `json:"results"`
	Rules         []finding.Rule  `json:"rules"`
	Notes         []string        `json:"notes,omitempty"`
	Signed        []Signed        `json:"signed,omitempty"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonPolicy struct {
	FailOn     finding.Severity                      `json:"failOn"`
	Thresholds map[finding.Category]finding.Severity `json:"thresholds,omitempty"`
}

type jsonSummary struct {
	Critical   int `json:"critical"`
	High       int `json:"high"`
	Medium     int `json:"medium"`
	Low        int `json:"low"`
	Info       int `json:"info"`
	Suppressed int `json:"suppressed"`
	Total      int `json:"total"`
}

type jsonResult struct {
	Target   finding.Target    `json:"target"`
	Error    string            `json:"error,omitempty"`
	Findings []finding.Finding `json:"findings"`
}

func writeJSON(w io.Writer, r *Report) error {
	c := r.Counts()
	out := jsonReport{
		SchemaVersion: JSONSchemaVersion,
		Tool:          jsonTool{Name: r.Tool.Name, Version: r.Tool.Version},
		StartedAt:     r.StartedAt.UTC().Format(time.RFC3339),
		FinishedAt:    r.FinishedAt.UTC().Format(time.RFC3339),
		Policy:        jsonPolicy{FailOn: r.Threshold.Default, Thresholds: r.Threshold.ByCategory},
		Verdict:       r.Verdict,
		ExitCode:      r.Verdict.ExitCode(),
		Summary: jsonSummary{
			Critical: c.BySeverity[finding.Critical], High: c.BySeverity[finding.High],
			Medium: c.BySeverity[finding.Medium], Low: c.BySeverity[finding.Low],
			Info: c.BySeverity[finding.Info], Suppressed: c.Suppressed, Total: c.Total,
		},
		Results: json.RawMessage(placeholder),
		Rules:   usedRules(r),
		Notes:   r.Notes,
		Signed:  r.Signed,
	}
	return streamJSON(w, out, len(r.Results), func(i int) (any, error) {
		res := &r.Results[i]
		jr := jsonResult{Target: res.Target, Error: res.Error, Findings: make([]finding.Finding, 0, len(res.Findings))}
		for _, f := range sortedFindings(res) {
			jr.Findings = append(jr.Findings, *f)
		}
		return jr, nil
	})
}

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// DefaultMarkdownLimit is GitHub's limit for a step summary.
const DefaultMarkdownLimit = 1 << 20

// MarkdownWriter writes a summary for $GITHUB_STEP_SUMMARY and merge-request
// comments, kept under Limit bytes: when the findings do not fit, the table
// is cut and a note says how many rows were left out.
type MarkdownWriter struct {
	Limit int
}

func (mw *MarkdownWriter) Write(w io.Writer, r *Report) error {
	var head, tail strings.Builder
	icon := map[finding.Verdict]string{finding.Passed: "✅", finding.Failed: "❌", finding.Undecided: "⚠️"}[r.Verdict]
	fmt.Fprintf(&head, "## %s vouch: %s\n\n", icon, r.Verdict)
	fmt.Fprintf(&head, "%s\n\n", mdEscape(r.VerdictLine()))
	c := r.Counts()
	head.WriteString("| Critical | High | Medium | Low | Info | Suppressed |\n|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&head, "| %d | %d | %d | %d | %d | %d |\n\n", c.BySeverity[finding.Critical], c.BySeverity[finding.High],
		c.BySeverity[finding.Medium], c.BySeverity[finding.Low], c.BySeverity[finding.Info], c.Suppressed)
	for _, n := range r.Notes {
		fmt.Fprintf(&head, "> **Note:** %s\n\n", mdEscape(n))
	}
	for _, res := range r.Errors() {
		fmt.Fprintf(&head, "> **Error** in `%s`: %s\n\n", mdCode(res.Target.Name), mdEscape(res.Error))
	}

	var rows []string
	for i := range r.Results {
		res := &r.Results[i]
		for _, f := range sortedFindings(res) {
			if f.Suppressed() {
				continue
			}
			rows = append(rows, mdRow(res.Target, f))
		}
	}
	if len(rows) == 0 {
		_, err := io.WriteString(w, head.String())
		return err
	}
	const tableHead = "| Severity | Rule | Where | Finding |\n|---|---|---|---|\n"
	budget := mw.Limit - head.Len() - len(tableHead) - 200 // room for the note
	var body strings.Builder
	kept := 0
	for _, row := range rows {
		if body.Len()+len(row) > budget {
			break
		}
		body.WriteString(row)
		kept++
	}
	if kept < len(rows) {
		fmt.Fprintf(&tail, "\n_%d more finding(s) not shown: the summary is capped at %d bytes. See the full report artifact._\n",
			len(rows)-kept, mw.Limit)
	}
	_, err := io.WriteString(w, head.String()+tableHead+body.String()+tail.String())
	return err
}

func mdRow(t finding.Target, f *finding.Finding) string {
	where := f.Location.Path
	if f.Location.StartLine > 0 {
		where = fmt.Sprintf("%s:%d", where, f.Location.StartLine)
	}
	if where == "" {
		where = t.Name
	}
	rule := mdCode(f.RuleID)
	if f.HelpURL != "" {
		rule = fmt.Sprintf("[`%s`](%s)", mdCode(f.RuleID), f.HelpURL)
	} else {
		rule = "`" + rule + "`"
	}
	msg := resultMessage(f)
	if v := f.Vulnerability; v != nil {
		msg = fmt.Sprintf("%s %s %s", v.Package, v.InstalledVersion, firstNonEmpty(f.Title, msg))
		if v.FixedVersion != "" {
			msg += " (fixed in " + v.FixedVersion + ")"
		}
	}
	return fmt.Sprintf("| %s | %s | `%s` | %s |\n", f.Severity, rule, mdCode(where), mdEscape(msg))
}

var mdEscaper = strings.NewReplacer("|", "\\|", "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;")

func mdEscape(s string) string { return mdEscaper.Replace(s) }

func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ").Replace(s)
}

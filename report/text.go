package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// TextWriter writes the readable terminal report: findings grouped by
// target and file, each source line shown under its message with a marker,
// as a compiler shows an error, and a one-line verdict at the end.
type TextWriter struct {
	// Color adds ANSI colour; only on a terminal.
	Color bool
	// ShowSuppressed lists suppressed findings (they are always counted).
	ShowSuppressed bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiMagent = "\x1b[35m"
)

func (tw *TextWriter) paint(code, s string) string {
	if !tw.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (tw *TextWriter) severityColor(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return ansiMagent + ansiBold
	case finding.High:
		return ansiRed + ansiBold
	case finding.Medium:
		return ansiYellow
	case finding.Low:
		return ansiBlue
	}
	return ansiDim
}

func (tw *TextWriter) Write(w io.Writer, r *Report) error {
	b := &strings.Builder{}
	for i := range r.Results {
		tw.writeResult(b, r, &r.Results[i])
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "%s %s\n", tw.paint(ansiYellow+ansiBold, "note:"), n)
	}
	line := r.VerdictLine()
	switch r.Verdict {
	case finding.Passed:
		line = tw.paint(ansiGreen+ansiBold, line)
	case finding.Failed:
		line = tw.paint(ansiRed+ansiBold, line)
	default:
		line = tw.paint(ansiMagent+ansiBold, line)
	}
	b.WriteString(line)
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func (tw *TextWriter) writeResult(b *strings.Builder, r *Report, res *finding.Result) {
	if res.Error != "" {
		fmt.Fprintf(b, "%s %s: %s\n\n", tw.paint(ansiMagent+ansiBold, "error:"), res.Target.Name, res.Error)
		return
	}
	var shown []*finding.Finding
	for _, f := range sortedFindings(res) {
		if !f.Suppressed() || tw.ShowSuppressed {
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		return
	}
	header := res.Target.Name
	if res.Target.Digest != "" && !strings.Contains(header, "@") {
		header += "@" + res.Target.Digest
	}
	if res.Target.OS != "" {
		header += " (" + res.Target.OS + ")"
	}
	fmt.Fprintf(b, "%s\n", tw.paint(ansiBold, header))
	for _, f := range shown {
		tw.writeFinding(b, r, f)
	}
	b.WriteByte('\n')
}

func (tw *TextWriter) writeFinding(b *strings.Builder, r *Report, f *finding.Finding) {
	sev := tw.paint(tw.severityColor(f.Severity), f.Severity.String())
	id := tw.paint(ansiBold, f.RuleID)
	msg := resultMessage(f)
	if f.Suppressed() {
		msg += tw.paint(ansiDim, fmt.Sprintf(" [suppressed: %s]", suppressionText(f.Suppression)))
	}
	fmt.Fprintf(b, "  %s[%s]: %s\n", sev, id, msg)
	loc := f.Location
	if v := f.Vulnerability; v != nil {
		fix := "no fix"
		if v.FixedVersion != "" {
			fix = "fixed in " + v.FixedVersion
		}
		fmt.Fprintf(b, "    %s %s %s (%s)\n", tw.paint(ansiCyan, "-->"), v.Package, v.InstalledVersion, fix)
		if loc.Path != "" {
			fmt.Fprintf(b, "    %s %s\n", tw.paint(ansiCyan, "   "), loc.Path)
		}
	} else if loc.Path != "" {
		where := loc.Path
		if loc.StartLine > 0 {
			where += ":" + strconv.Itoa(loc.StartLine)
			if loc.StartColumn > 0 {
				where += ":" + strconv.Itoa(loc.StartColumn)
			}
		}
		if loc.Logical != "" {
			where += " (" + loc.Logical + ")"
		}
		fmt.Fprintf(b, "    %s %s\n", tw.paint(ansiCyan, "-->"), where)
	}
	if loc.Snippet != "" && loc.StartLine > 0 {
		tw.writeSnippet(b, loc)
	}
	rule := r.Rule(f)
	if rule.Fix != "" {
		fmt.Fprintf(b, "    %s %s\n", tw.paint(ansiCyan, "  = fix:"), rule.Fix)
	}
	if f.HelpURL != "" {
		fmt.Fprintf(b, "    %s %s\n", tw.paint(ansiCyan, "  = see:"), f.HelpURL)
	}
}

// writeSnippet prints the finding's source lines with a gutter and a marker
// under the offending text, as a compiler does.
func (tw *TextWriter) writeSnippet(b *strings.Builder, loc finding.Location) {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(loc.Snippet, "\r\n", "\n"), "\n"), "\n")
	const maxLines = 6
	last := loc.StartLine + len(lines) - 1
	width := len(strconv.Itoa(last))
	gutter := strings.Repeat(" ", width)
	fmt.Fprintf(b, "    %s %s\n", gutter, tw.paint(ansiCyan, "|"))
	for i, line := range lines {
		if i == maxLines {
			fmt.Fprintf(b, "    %s %s %s\n", gutter, tw.paint(ansiCyan, "|"), tw.paint(ansiDim, fmt.Sprintf("… %d more line(s)", len(lines)-maxLines)))
			break
		}
		n := fmt.Sprintf("%*d", width, loc.StartLine+i)
		line = strings.ReplaceAll(line, "\t", "    ")
		fmt.Fprintf(b, "    %s %s %s\n", tw.paint(ansiCyan, n), tw.paint(ansiCyan, "|"), line)
		if i == 0 {
			start, end := markerSpan(line, loc)
			fmt.Fprintf(b, "    %s %s %s%s\n", gutter, tw.paint(ansiCyan, "|"), strings.Repeat(" ", start),
				tw.paint(ansiRed+ansiBold, strings.Repeat("^", end-start)))
		}
	}
}

// markerSpan is the columns to underline on the first line: the given
// columns when the producer set them, else the line's text without its
// indentation.
func markerSpan(line string, loc finding.Location) (int, int) {
	runes := []rune(line)
	if loc.StartColumn > 0 && loc.StartColumn <= len(runes) {
		start := loc.StartColumn - 1
		end := len(runes)
		if loc.EndColumn > loc.StartColumn && loc.EndColumn-1 <= len(runes) && loc.EndLine <= loc.StartLine {
			end = loc.EndColumn - 1
		}
		return start, end
	}
	trimmed := strings.TrimRight(string(runes), " \\")
	start := len([]rune(trimmed)) - len([]rune(strings.TrimLeft(trimmed, " ")))
	end := len([]rune(trimmed))
	if end <= start {
		end = start + 1
	}
	return start, end
}

func suppressionText(s *finding.Suppression) string {
	t := string(s.Kind)
	if s.Reason != "" {
		t += ": " + s.Reason
	}
	if s.Expires != "" {
		t += ", expires " + s.Expires
	}
	return t
}

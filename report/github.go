package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// annotationsPerLevel is how many annotations of one level GitHub shows for
// a step; it drops the rest silently.
const annotationsPerLevel = 10

// writeGitHub writes GitHub Actions workflow commands: one annotation per
// unsuppressed finding, highest severity first, at most ten per level, and
// one line saying how many were left out.
func writeGitHub(w io.Writer, r *Report) error {
	type ann struct {
		level string
		f     *finding.Finding
		t     finding.Target
	}
	var all []ann
	for i := range r.Results {
		res := &r.Results[i]
		if res.Error != "" {
			if _, err := fmt.Fprintf(w, "::error title=%s::%s\n", ghProperty("vouch could not check "+res.Target.Name),
				ghData(res.Error)); err != nil {
				return err
			}
		}
		for _, f := range sortedFindings(res) {
			if f.Suppressed() {
				continue
			}
			all = append(all, ann{ghLevel(f.Severity), f, res.Target})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].f.Severity > all[j].f.Severity })
	perLevel := map[string]int{}
	omitted := map[string]int{}
	var b strings.Builder
	for _, a := range all {
		if perLevel[a.level] == annotationsPerLevel {
			omitted[a.level]++
			continue
		}
		perLevel[a.level]++
		props := []string{}
		if p := a.f.Location.Path; p != "" && a.t.Kind != finding.KindImage {
			props = append(props, "file="+ghProperty(p))
			if a.f.Location.StartLine > 0 {
				props = append(props, fmt.Sprintf("line=%d", a.f.Location.StartLine))
				if a.f.Location.EndLine > a.f.Location.StartLine {
					props = append(props, fmt.Sprintf("endLine=%d", a.f.Location.EndLine))
				}
			}
		}
		title := fmt.Sprintf("%s (%s)", a.f.RuleID, a.f.Severity)
		if a.f.Title != "" {
			title = fmt.Sprintf("%s %s (%s)", a.f.RuleID, a.f.Title, a.f.Severity)
		}
		props = append(props, "title="+ghProperty(title))
		msg := resultMessage(a.f)
		if v := a.f.Vulnerability; v != nil {
			msg = fmt.Sprintf("%s: %s %s in %s", msg, v.Package, v.InstalledVersion, a.t.Name)
			if v.FixedVersion != "" {
				msg += ", fixed in " + v.FixedVersion
			}
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", a.level, strings.Join(props, ","), ghData(msg))
	}
	var notes []string
	for _, level := range []string{"error", "warning", "notice"} {
		if n := omitted[level]; n > 0 {
			notes = append(notes, fmt.Sprintf("%d %s", n, level))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(&b, "::notice title=vouch::%s annotation(s) left out (GitHub shows %d per level); see the full report.\n",
			strings.Join(notes, ", "), annotationsPerLevel)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ghLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "notice"
}

// ghData escapes a workflow command's message, as @actions/core does.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

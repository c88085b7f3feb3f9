package composelint

import (
	"regexp"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Inline suppression: `# vouch:ignore=<id or name>[,...]` in a comment on
// the line above the offending key (or on that line), or above (or on) the
// line of the service.

var ignoreComment = regexp.MustCompile(`#\s*vouch:ignore=([A-Za-z0-9_,\s-]+)`)

// ignores reports whether a vouch:ignore comment written on line n, or in
// the block of comment lines just above it, names r.
func ignores(f *srcFile, n int, r finding.Rule) bool {
	if f == nil || n < 1 {
		return false
	}
	if names(f.line(n), r) {
		return true
	}
	for i := n - 1; i >= 1; i-- {
		l := strings.TrimSpace(f.line(i))
		if !strings.HasPrefix(l, "#") {
			break
		}
		if names(l, r) {
			return true
		}
	}
	return false
}

func names(line string, r finding.Rule) bool {
	m := ignoreComment.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	for _, id := range strings.Split(m[1], ",") {
		if id = strings.TrimSpace(id); id != "" && r.Matches(id) {
			return true
		}
	}
	return false
}

// suppression says why a finding of r at st in service svc is suppressed,
// or nil.
func (l *linter) suppression(r finding.Rule, st site, svc string) *finding.Suppression {
	for _, d := range l.opts.Disable {
		if r.Matches(strings.TrimSpace(d)) {
			return &finding.Suppression{Kind: finding.SuppressedConfig, Reason: "rule disabled: " + d}
		}
	}
	if st.node != nil && ignores(st.def.file, st.node.Line, r) {
		return &finding.Suppression{Kind: finding.SuppressedInline, Reason: "vouch:ignore comment"}
	}
	for _, d := range l.src.defs[svc] {
		if d.name == svc && ignores(d.file, d.key.Line, r) {
			return &finding.Suppression{Kind: finding.SuppressedInline, Reason: "vouch:ignore comment on the service"}
		}
	}
	return nil
}

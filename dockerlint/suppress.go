package dockerlint

import (
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Suppression comments:
//
//	# vouch:ignore=VCH-DF-001,apt-pin [reason]   on the lines above an instruction
//	# hadolint ignore=DL3002,DL3008                the same, through aliases
//	# vouch:ignore-file=VCH-DF-023 [reason]        anywhere, for the whole file
//	# hadolint global ignore=DL3008                the same
const (
	inlinePrefix       = "vouch:ignore="
	filePrefix         = "vouch:ignore-file="
	hadolintPrefix     = "hadolint ignore="
	hadolintFilePrefix = "hadolint global ignore="
)

// suppression says whether a finding of ru at in is suppressed, and how.
func (r *reporter) suppression(ru *rule, in *instr) *finding.Suppression {
	for _, c := range in.node.PrevComment {
		for _, p := range []string{inlinePrefix, hadolintPrefix} {
			if names, reason, ok := directive(c, p); ok && matchesAny(ru, names) {
				return &finding.Suppression{Kind: finding.SuppressedInline, Reason: orDefault(reason, "# "+c)}
			}
		}
	}
	for _, c := range r.f.ignoreFile {
		for _, p := range []string{filePrefix, hadolintFilePrefix} {
			if names, reason, ok := directive(c, p); ok && matchesAny(ru, names) {
				return &finding.Suppression{Kind: finding.SuppressedInline, Reason: orDefault(reason, "# "+c)}
			}
		}
	}
	if matchesAny(ru, r.cfg.Disable) {
		return &finding.Suppression{Kind: finding.SuppressedConfig, Reason: "rule disabled in config"}
	}
	return nil
}

// directive parses a comment "<prefix>a,b reason" into its names and
// reason.
func directive(comment, prefix string) (names []string, reason string, ok bool) {
	comment = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(comment), "#"))
	if len(comment) < len(prefix) || !strings.EqualFold(comment[:len(prefix)], prefix) {
		return nil, "", false
	}
	list, reason, _ := strings.Cut(comment[len(prefix):], " ")
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names, strings.TrimSpace(reason), true
}

func matchesAny(ru *rule, names []string) bool {
	for _, n := range names {
		if ru.Matches(n) {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// fileIgnores collects the file-wide suppression comments.
func fileIgnores(lines []string) []string {
	var out []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "#") {
			continue
		}
		t = strings.TrimSpace(strings.TrimLeft(t, "#"))
		if _, _, ok := directive(t, filePrefix); ok {
			out = append(out, t)
		} else if _, _, ok := directive(t, hadolintFilePrefix); ok {
			out = append(out, t)
		}
	}
	return out
}

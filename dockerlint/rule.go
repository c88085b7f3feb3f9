package dockerlint

import (
	"cmp"
	"slices"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// rule is a rule's metadata with its check beside it.
type rule struct {
	finding.Rule
	check func(f *file, r *reporter)
}

// rules is every rule, in id order. Each is declared in the file of its
// family, next to its check.
var rules = []*rule{
	&ruleRootUser,         // 001 user.go
	&ruleNoUser,           // 002 user.go
	&ruleSudo,             // 003 user.go
	&ruleUntaggedImage,    // 004 base.go
	&ruleLatestTag,        // 005 base.go
	&ruleUnpinnedDigest,   // 006 base.go
	&ruleCopyFromImage,    // 007 base.go
	&ruleAddRemote,        // 008 add_copy.go
	&ruleAddForCopy,       // 009 add_copy.go
	&ruleSensitiveCopy,    // 010 add_copy.go
	&ruleCurlPipeShell,    // 011 run.go
	&ruleInsecureSecurity, // 012 run.go
	&ruleHostNetwork,      // 013 run.go
	&ruleWorldWritable,    // 014 run.go
	&ruleTLSVerifyOff,     // 015 run.go
	&ruleSigCheckOff,      // 016 pkg.go
	&ruleSecretEnv,        // 017 secrets.go
	&ruleSecretArg,        // 018 secrets.go
	&ruleHardcodedSecret,  // 019 secrets.go
	&ruleExposeSSH,        // 020 config.go
	&ruleShellFormCmd,     // 021 config.go
	&ruleRelativeWorkdir,  // 022 config.go
	&ruleNoHealthcheck,    // 023 config.go
	&rulePipefail,         // 024 run.go
	&ruleAptRecommends,    // 025 pkg.go
	&ruleAptLists,         // 026 pkg.go
	&ruleApkCache,         // 027 pkg.go
	&ruleAptPin,           // 028 pkg.go
	&ruleApkPin,           // 029 pkg.go
	&rulePipPin,           // 030 pkg.go
}

// ruleMeta is Rules(), shared by every Result: writers only read it.
var ruleMeta = Rules()

// Rules returns the metadata of every Dockerfile rule, in id order.
func Rules() []finding.Rule {
	out := make([]finding.Rule, len(rules))
	for i, r := range rules {
		out[i] = r.Rule
	}
	return out
}

// lookupRule finds a rule by id, name or alias.
func lookupRule(s string) *rule {
	for _, r := range rules {
		if r.Matches(s) {
			return r
		}
	}
	return nil
}

func run(f *file, cfg Config) []finding.Finding {
	r := &reporter{f: f, cfg: cfg, redact: newRedactor(f)}
	for _, ru := range rules {
		r.rule = ru
		ru.check(f, r)
	}
	slices.SortStableFunc(r.out, func(a, b finding.Finding) int {
		return cmp.Or(cmp.Compare(a.Location.StartLine, b.Location.StartLine), strings.Compare(a.RuleID, b.RuleID))
	})
	return r.out
}

// reporter collects findings.
type reporter struct {
	f      *file
	cfg    Config
	rule   *rule     // the rule whose check runs
	redact *redactor // secrets never appear in output
	out    []finding.Finding
}

// add records a finding of the running rule at in. key tells apart several findings of
// one rule on one instruction (a package name, a port); it goes into the
// fingerprint.
func (r *reporter) add(in *instr, key, msg string) {
	r.addIn(in, in.stage, key, msg)
}

// addIn is add for a finding about stage s found at in, which may belong
// to a stage s is built from.
func (r *reporter) addIn(in *instr, s *stage, key, msg string) {
	ru := r.rule
	start, end := in.node.StartLine, in.node.EndLine
	snippet := r.redact.scrubSnippet(r.snippet(start, end))
	logical := "global"
	if s != nil {
		logical = s.label()
		if in.stage != nil && in.stage != s {
			logical += " (set in " + in.stage.label() + ")"
		}
	}
	r.out = append(r.out, finding.Finding{
		RuleID:   ru.ID,
		Category: ru.Category,
		Severity: ru.Severity,
		Title:    ru.Title,
		Message:  r.redact.scrub(msg),
		Location: finding.Location{
			Path:      r.f.path,
			StartLine: start,
			EndLine:   end,
			Snippet:   snippet,
			Logical:   logical,
		},
		Fingerprint: finding.Fingerprint(ru.ID, r.f.path, logical, finding.NormalizeText(snippet), key),
		HelpURL:     ru.HelpURL(),
		Suppression: r.suppression(ru, in),
	})
}

func (r *reporter) snippet(start, end int) string {
	if start < 1 || end < start || start > len(r.f.lines) {
		return ""
	}
	end = min(end, len(r.f.lines))
	return strings.Join(r.f.lines[start-1:end], "\n")
}

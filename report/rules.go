package report

import (
	"sort"

	"github.com/vouch-dev/vouch/finding"
)

// usedRules lists, sorted by id, the metadata of every rule that produced a
// finding in the report.
func usedRules(r *Report) []finding.Rule {
	seen := map[string]bool{}
	rules := []finding.Rule{}
	for _, res := range r.Results {
		for i := range res.Findings {
			f := &res.Findings[i]
			if seen[f.RuleID] {
				continue
			}
			seen[f.RuleID] = true
			rules = append(rules, r.Rule(f))
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// occurrences numbers findings that share a fingerprint within one list,
// from 1, in the list's order: a second identical finding in the same file
// (two identical lines) stays distinct in the formats that need unique ids.
func occurrences(fs []*finding.Finding) []int {
	seen := map[string]int{}
	n := make([]int, len(fs))
	for i, f := range fs {
		seen[f.Fingerprint]++
		n[i] = seen[f.Fingerprint]
	}
	return n
}

package gate

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/finding"
)

// Threshold builds the policy's threshold from the config and an override
// of the default from a flag ("" keeps the config's, else high).
func Threshold(cfg *config.Config, failOn string) (finding.Threshold, error) {
	if failOn == "" {
		failOn = cfg.FailOn
	}
	if failOn == "" {
		failOn = "high"
	}
	def, err := finding.ParseSeverity(failOn)
	if err != nil {
		return finding.Threshold{}, err
	}
	t := finding.Threshold{Default: def}
	for cat, s := range cfg.Thresholds {
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			return finding.Threshold{}, fmt.Errorf("thresholds.%s: %w", cat, err)
		}
		if t.ByCategory == nil {
			t.ByCategory = map[finding.Category]finding.Severity{}
		}
		t.ByCategory[finding.Category(cat)] = sev
	}
	return t, nil
}

// DefaultExpiryWarning is how long before its expiry an exception is
// warned about, unless the config says otherwise.
const DefaultExpiryWarning = 14 * 24 * time.Hour

// applyExceptions suppresses the findings an exception in force covers
// and returns notes about expired exceptions (which no longer apply) and
// exceptions about to expire.
func applyExceptions(results []finding.Result, cfg *config.Config, configName string, now time.Time) []string {
	warn := DefaultExpiryWarning
	if cfg.ExpiryWarning != "" {
		warn, _ = config.ParseDays(cfg.ExpiryWarning) // checked when the config was loaded
	}
	var notes []string
	var active []config.Exception
	for _, e := range cfg.Exceptions {
		where := fmt.Sprintf("%s:%d", configName, e.Line)
		switch exp := e.ExpiresAt(); {
		case !now.Before(exp):
			notes = append(notes, fmt.Sprintf("exception for %s (%s) expired on %s and no longer applies", e.ID, where, e.Expires))
		case now.Add(warn).After(exp):
			notes = append(notes, fmt.Sprintf("exception for %s (%s) expires on %s", e.ID, where, e.Expires))
			active = append(active, e)
		default:
			active = append(active, e)
		}
	}
	for i := range results {
		res := &results[i]
		for j := range res.Findings {
			f := &res.Findings[j]
			if f.Suppressed() {
				continue
			}
			for _, e := range active {
				if exceptionCovers(e, res, f) {
					f.Suppression = &finding.Suppression{Kind: finding.SuppressedException, Reason: e.Reason, Expires: e.Expires}
					break
				}
			}
		}
	}
	return notes
}

// exceptionCovers reports whether an exception applies to a finding: the
// id names the finding's rule (its id, name or an alias) or vulnerability,
// and the finding is where the exception applies.
func exceptionCovers(e config.Exception, res *finding.Result, f *finding.Finding) bool {
	if !idMatches(e.ID, res, f) {
		return false
	}
	if len(e.Paths) == 0 && len(e.Images) == 0 {
		return true
	}
	if res.Target.Kind == finding.KindImage {
		return imageMatches(e.Images, res.Target)
	}
	for _, g := range e.Paths {
		if ok, _ := doublestar.Match(g, f.Location.Path); ok {
			return true
		}
	}
	return false
}

func idMatches(id string, res *finding.Result, f *finding.Finding) bool {
	if strings.EqualFold(id, f.RuleID) || (f.Vulnerability != nil && strings.EqualFold(id, f.Vulnerability.ID)) {
		return true
	}
	for _, r := range res.Rules {
		if r.ID == f.RuleID {
			return r.Matches(id)
		}
	}
	return false
}

// imageMatches matches globs against an image target's reference as given
// and without its tag or digest.
func imageMatches(globs []string, t finding.Target) bool {
	names := []string{t.Name, repository(t.Name)}
	for _, g := range globs {
		for _, n := range names {
			if ok, _ := doublestar.Match(g, n); ok {
				return true
			}
		}
	}
	return false
}

// repository strips the tag and digest from an image reference.
func repository(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// applyBaseline suppresses the findings the baseline accepted.
func applyBaseline(results []finding.Result, b *Baseline, name string) {
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			if !f.Suppressed() && b.Contains(f) {
				f.Suppression = &finding.Suppression{Kind: finding.SuppressedBaseline, Reason: "in baseline " + name}
			}
		}
	}
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

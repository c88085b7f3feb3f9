package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/vouch-dev/vouch/finding"
)

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// Baseline records the findings a repository accepted on a day, by
// fingerprint: with it, the gate fails only on new findings. Fingerprints
// are built from content, so a finding keeps its entry when lines shift.
type Baseline struct {
	Version  int             `json:"version"`
	Created  string          `json:"created"`
	Findings []BaselineEntry `json:"findings"`

	index map[string]bool
}

// BaselineEntry is one accepted finding; rule and path are there for the
// reader of the file, the fingerprint is what matches.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"ruleId"`
	Target      string `json:"target"`
	Path        string `json:"path,omitempty"`
}

// NewBaseline records every unsuppressed finding of results.
func NewBaseline(results []finding.Result, now time.Time) *Baseline {
	b := &Baseline{Version: BaselineVersion, Created: now.UTC().Format(time.RFC3339), Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	for _, res := range results {
		for _, f := range res.Findings {
			if f.Suppressed() || seen[f.Fingerprint] {
				continue
			}
			seen[f.Fingerprint] = true
			b.Findings = append(b.Findings, BaselineEntry{f.Fingerprint, f.RuleID, res.Target.Name, f.Location.Path})
		}
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.Target != y.Target {
			return x.Target < y.Target
		}
		if x.Path != y.Path {
			return x.Path < y.Path
		}
		if x.RuleID != y.RuleID {
			return x.RuleID < y.RuleID
		}
		return x.Fingerprint < y.Fingerprint
	})
	return b
}

// Write writes the baseline as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// ReadBaseline reads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, unwrapPathError(err))
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("baseline %s: not a vouch baseline: %v", path, err)
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("baseline %s: version %d, want %d (write it again with 'vouch baseline write')", path, b.Version, BaselineVersion)
	}
	b.index = map[string]bool{}
	for _, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("baseline %s: an entry has no fingerprint", path)
		}
		b.index[e.Fingerprint] = true
	}
	return &b, nil
}

// Contains reports whether the baseline accepted a finding.
func (b *Baseline) Contains(f *finding.Finding) bool {
	if b.index == nil {
		b.index = map[string]bool{}
		for _, e := range b.Findings {
			b.index[e.Fingerprint] = true
		}
	}
	return b.index[f.Fingerprint]
}

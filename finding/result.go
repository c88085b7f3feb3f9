package finding

import (
	"sort"
	"strings"
)

// TargetKind says what kind of thing a target is.
type TargetKind string

const (
	KindDockerfile TargetKind = "dockerfile"
	KindCompose    TargetKind = "compose"
	KindImage      TargetKind = "image"
	KindFilesystem TargetKind = "filesystem"
)

// Target is one thing that was checked: a file, a compose project, an
// image, a directory.
type Target struct {
	Kind TargetKind `json:"kind"`
	// Name is the path (relative to the repository root) or the image
	// reference as the user gave it.
	Name string `json:"name"`
	// Digest is the content digest of an image target ("sha256:…").
	Digest string `json:"digest,omitempty"`
	// OS is the operating system found in an image, if any.
	OS string `json:"os,omitempty"`
}

// ID is a stable identifier for the target, used as the SARIF
// automationDetails category and the JUnit suite name.
func (t Target) ID() string {
	name := t.Name
	if t.Digest != "" && !strings.Contains(name, "@") {
		name += "@" + t.Digest
	}
	return string(t.Kind) + ":" + name
}

// Result is what one producer found in one target. A result with an Error
// could not be checked: the gate cannot decide on it.
type Result struct {
	Target   Target    `json:"target"`
	Findings []Finding `json:"findings"`
	// Rules describes every rule the producer ran on this target, so that
	// writers can list rules that found nothing too.
	Rules []Rule `json:"-"`
	// Error is why the target could not be checked, in one line.
	Error string `json:"error,omitempty"`
}

// Verdict is the gate's decision.
type Verdict int

const (
	// Passed: no unsuppressed finding at or above the threshold.
	Passed Verdict = iota
	// Failed: a finding at or above the threshold.
	Failed
	// Undecided: something could not be checked; the gate fails closed.
	Undecided
)

func (v Verdict) String() string {
	switch v {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	}
	return "error"
}

func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ExitCode is the process exit code for the verdict: 0 passed, 1 policy
// failed, 2 could not decide.
func (v Verdict) ExitCode() int { return int(v) }

// Threshold is the severity at or above which a finding fails the gate: a
// default, and optional overrides per category (a policy may fail on any
// secret but only on critical vulnerabilities).
type Threshold struct {
	Default    Severity
	ByCategory map[Category]Severity
}

// At is a threshold of one severity for every category.
func At(s Severity) Threshold { return Threshold{Default: s} }

// For is the threshold of a category.
func (t Threshold) For(c Category) Severity {
	if s, ok := t.ByCategory[c]; ok {
		return s
	}
	return t.Default
}

// Fails reports whether f counts against the threshold: it is not
// suppressed and its severity is at or above its category's threshold.
func (t Threshold) Fails(f *Finding) bool {
	return !f.Suppressed() && f.Severity >= t.For(f.Category)
}

// String is "high", or "high (secret: low, vulnerability: critical)".
func (t Threshold) String() string {
	if len(t.ByCategory) == 0 {
		return t.Default.String()
	}
	cats := make([]string, 0, len(t.ByCategory))
	for c := range t.ByCategory {
		cats = append(cats, string(c))
	}
	sort.Strings(cats)
	parts := make([]string, len(cats))
	for i, c := range cats {
		parts[i] = c + ": " + t.ByCategory[Category(c)].String()
	}
	return t.Default.String() + " (" + strings.Join(parts, ", ") + ")"
}

// Decide is the verdict over results against a threshold. An error in any
// result makes the verdict Undecided, whatever else was found.
func Decide(results []Result, t Threshold) Verdict {
	v := Passed
	for i := range results {
		if results[i].Error != "" {
			return Undecided
		}
		for j := range results[i].Findings {
			if t.Fails(&results[i].Findings[j]) {
				v = Failed
			}
		}
	}
	return v
}

// Counts tallies unsuppressed findings by severity and the suppressed ones.
type Counts struct {
	BySeverity map[Severity]int `json:"-"`
	Suppressed int              `json:"suppressed"`
	Total      int              `json:"total"`
}

// Count tallies the findings of results.
func Count(results []Result) Counts {
	c := Counts{BySeverity: map[Severity]int{}}
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			c.Total++
			if f.Suppressed() {
				c.Suppressed++
				continue
			}
			c.BySeverity[f.Severity]++
		}
	}
	return c
}

package finding

import "strings"

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

// Fails reports whether f counts against a threshold: it is not suppressed
// and its severity is at or above failOn.
func Fails(f *Finding, failOn Severity) bool {
	return !f.Suppressed() && f.Severity >= failOn
}

// Decide is the verdict over results against one threshold. An error in any
// result makes the verdict Undecided, whatever else was found.
func Decide(results []Result, failOn Severity) Verdict {
	v := Passed
	for i := range results {
		if results[i].Error != "" {
			return Undecided
		}
		for j := range results[i].Findings {
			if Fails(&results[i].Findings[j], failOn) {
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

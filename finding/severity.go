package finding

import (
	"fmt"
	"strings"
)

// Severity orders findings. The zero value is Info, the lowest.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities lists every severity from the highest to the lowest.
var Severities = []Severity{Critical, High, Medium, Low, Info}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively. Trivy's
// "unknown" and "negligible" are read as info, "moderate" as medium.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return Critical, nil
	case "high":
		return High, nil
	case "medium", "moderate":
		return Medium, nil
	case "low":
		return Low, nil
	case "info", "unknown", "negligible", "none":
		return Info, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
}

// SecuritySeverity is the CVSS-like score GitHub code scanning reads from
// properties.security-severity: >9.0 critical, 7.0-8.9 high, 4.0-6.9
// medium, 0.1-3.9 low.
func (s Severity) SecuritySeverity() string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "2.0"
	}
	return "0.0"
}

func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Critical {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

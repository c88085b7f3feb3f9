package sign

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// VerdictPredicateType is the in-toto predicate type of vouch's verdict,
// documented in docs/verdict-predicate.md.
const VerdictPredicateType = "https://vouch.dev/attestation/verdict/v1"

// Verdict is the gate's decision about one image digest, attested so that
// a deploy-time check can require it (Verify with RequireVerdict).
type Verdict struct {
	// Image is the image the gate scanned.
	Image VerdictImage `json:"image"`
	// Passed is the gate's decision under Policy.
	Passed bool `json:"passed"`
	// Policy is what the decision was made against.
	Policy VerdictPolicy `json:"policy"`
	// Counts are the findings per severity (CRITICAL, HIGH, MEDIUM, LOW,
	// UNKNOWN) that the policy counted, after ignores.
	Counts map[string]int `json:"counts"`
	// Database describes the vulnerability database the scan used.
	Database VerdictDatabase `json:"database"`
	// Vouch is the vouch build that decided.
	Vouch VerdictTool `json:"vouch"`
	// Scanner is the scanner vouch embedded (for example trivy).
	Scanner VerdictTool `json:"scanner"`
	// Time is when the decision was made.
	Time time.Time `json:"time"`
}

// VerdictImage names the scanned image by digest.
type VerdictImage struct {
	Name   string `json:"name"`   // repository, e.g. registry.example/app
	Digest string `json:"digest"` // sha256:<hex>
}

// VerdictPolicy is the policy a verdict was decided under.
type VerdictPolicy struct {
	// FailOn is the lowest severity that fails the gate.
	FailOn string `json:"failOn"`
	// IgnoreUnfixed leaves out vulnerabilities without a fixed version.
	IgnoreUnfixed bool `json:"ignoreUnfixed,omitempty"`
	// Ignored are the vulnerability or rule ids the policy waived.
	Ignored []string `json:"ignored,omitempty"`
	// MaxDatabaseAge is the oldest database the policy accepts, as a Go
	// duration ("24h"); empty when unbounded.
	MaxDatabaseAge string `json:"maxDatabaseAge,omitempty"`
}

// VerdictDatabase is the vulnerability database a scan used.
type VerdictDatabase struct {
	// UpdatedAt is when the database was built.
	UpdatedAt time.Time `json:"updatedAt"`
	// AgeSeconds is the database's age when the scan ran.
	AgeSeconds int64 `json:"ageSeconds"`
}

// VerdictTool names a tool and its version.
type VerdictTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// validate checks the fields a verifier relies on.
func (v Verdict) validate() error {
	if v.Image.Digest == "" {
		return fmt.Errorf("verdict: image digest is empty")
	}
	if v.Time.IsZero() {
		return fmt.Errorf("verdict: time is zero")
	}
	return nil
}

// normalized spells severities the one documented way: upper case, and
// times in UTC.
func (v Verdict) normalized() Verdict {
	v.Policy.FailOn = strings.ToUpper(v.Policy.FailOn)
	counts := make(map[string]int, len(v.Counts))
	for k, n := range v.Counts {
		counts[strings.ToUpper(k)] += n
	}
	v.Counts = counts
	v.Time = v.Time.UTC()
	if !v.Database.UpdatedAt.IsZero() {
		v.Database.UpdatedAt = v.Database.UpdatedAt.UTC()
	}
	return v
}

// VerdictAttestation makes the verdict an attestation. Its image digest must
// be the digest being signed; Sign checks.
func VerdictAttestation(v Verdict) (Attestation, error) {
	if err := v.validate(); err != nil {
		return Attestation{}, err
	}
	v = v.normalized()
	b, err := json.Marshal(v)
	if err != nil {
		return Attestation{}, fmt.Errorf("verdict: %w", err)
	}
	return Attestation{PredicateType: VerdictPredicateType, Predicate: b}, nil
}

// Package finding is the one model that flows from every producer (the
// Dockerfile and compose linters, the scanner) to every report writer.
//
// It has no project imports and no heavy dependencies, so that every other
// package can depend on it.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Category says which family of checks produced a finding. Policies set
// thresholds per category.
type Category string

const (
	CategoryDockerfile    Category = "dockerfile"
	CategoryCompose       Category = "compose"
	CategoryVulnerability Category = "vulnerability"
	CategorySecret        Category = "secret"
)

// Finding is one problem found in one place.
type Finding struct {
	// RuleID is the stable id of the rule that produced the finding
	// ("VCH-DF-001", or a vulnerability id such as "CVE-2023-5678").
	RuleID   string   `json:"ruleId"`
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	// Title is the rule's (or vulnerability's) one-line title.
	Title string `json:"title"`
	// Message explains this occurrence.
	Message  string   `json:"message"`
	Location Location `json:"location"`
	// Fingerprint identifies the finding across runs. It is stable when
	// lines shift: it is built from content, never from line numbers.
	Fingerprint string `json:"fingerprint"`
	HelpURL     string `json:"helpUri,omitempty"`
	// Suppression is set when the finding was suppressed; a suppressed
	// finding is still reported, never dropped, but does not fail the gate.
	Suppression   *Suppression   `json:"suppression,omitempty"`
	Vulnerability *Vulnerability `json:"vulnerability,omitempty"`
}

// Suppressed reports whether the finding is suppressed.
func (f *Finding) Suppressed() bool { return f.Suppression != nil }

// Location says where a finding is: a file region, a logical location such
// as an image and layer, or both.
type Location struct {
	// Path is the file, relative to the repository root, slash-separated.
	// For a finding inside an image it is the path in the image filesystem.
	Path        string `json:"path,omitempty"`
	StartLine   int    `json:"startLine,omitempty"`
	EndLine     int    `json:"endLine,omitempty"`
	StartColumn int    `json:"startColumn,omitempty"`
	EndColumn   int    `json:"endColumn,omitempty"`
	// Snippet is the source text of lines StartLine..EndLine, as written
	// (secrets already redacted by the producer).
	Snippet string `json:"snippet,omitempty"`
	// Logical names a place that is not a file region: a Dockerfile stage,
	// a compose service, a package.
	Logical string `json:"logical,omitempty"`
	// Image is the image reference (by digest when known) and Layer the
	// digest of the layer the finding came from.
	Image string `json:"image,omitempty"`
	Layer string `json:"layer,omitempty"`
}

// HasRegion reports whether the location points at lines of a file.
func (l Location) HasRegion() bool { return l.Path != "" && l.StartLine > 0 }

// SuppressionKind says what suppressed a finding.
type SuppressionKind string

const (
	SuppressedInline    SuppressionKind = "inline"     // a comment in the source
	SuppressedConfig    SuppressionKind = "config"     // a rule disabled in config
	SuppressedException SuppressionKind = "exception"  // a policy exception
	SuppressedBaseline  SuppressionKind = "baseline"   // present in the baseline
	SuppressedVEX       SuppressionKind = "vex"        // a VEX statement
	SuppressedIgnore    SuppressionKind = "ignorefile" // .trivyignore and friends
)

// Suppression records why a finding does not count.
type Suppression struct {
	Kind   SuppressionKind `json:"kind"`
	Reason string          `json:"reason,omitempty"`
	// Expires is an RFC 3339 date, when the suppression has one.
	Expires string `json:"expires,omitempty"`
}

// Vulnerability holds the fields of a finding that is a known vulnerability.
type Vulnerability struct {
	ID               string `json:"id"`
	Package          string `json:"package"`
	InstalledVersion string `json:"installedVersion"`
	FixedVersion     string `json:"fixedVersion,omitempty"`
	PURL             string `json:"purl,omitempty"`
	// PackageType is the ecosystem ("alpine", "npm", "gobinary", ...).
	PackageType string `json:"packageType,omitempty"`
	// SeveritySource names the database the severity came from.
	SeveritySource string   `json:"severitySource,omitempty"`
	CVSS           []CVSS   `json:"cvss,omitempty"`
	References     []string `json:"references,omitempty"`
	// OS is the operating system of the image ("alpine 3.19.1"), if any.
	OS string `json:"os,omitempty"`
}

// CVSS is one CVSS score from one source.
type CVSS struct {
	Source string  `json:"source"`
	Vector string  `json:"vector,omitempty"`
	Score  float64 `json:"score"`
}

// Fingerprint derives a stable fingerprint from content parts. Producers
// pass what identifies a finding independent of its line: the rule id, the
// file, the stage or service, the normalised offending text.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// NormalizeText folds whitespace so that re-indenting or re-wrapping a line
// does not change a fingerprint.
func NormalizeText(s string) string { return strings.Join(strings.Fields(s), " ") }

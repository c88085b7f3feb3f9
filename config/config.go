// Package config reads vouch.yaml, the file that holds a repository's
// policy and settings. Flags override it. Unknown keys and bad values are
// errors that name the file, the line and the key: a typo in a policy must
// never silently weaken it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vouch-dev/vouch/finding"
)

// DefaultFile is the config file vouch reads from the working directory
// when --config is not given.
const DefaultFile = "vouch.yaml"

// MaxSize bounds the config file; a policy is never this large.
const MaxSize = 1 << 20

// Config is the content of vouch.yaml. docs/schemas/vouch.schema.json
// describes it for editors; this type is what vouch enforces.
type Config struct {
	// FailOn is the severity at or above which findings fail the gate.
	FailOn string `yaml:"fail-on"`
	// Thresholds override FailOn per category: dockerfile, compose,
	// vulnerability, secret.
	Thresholds map[string]string `yaml:"thresholds"`
	// IgnoreUnfixed leaves out vulnerabilities that have no fix yet.
	IgnoreUnfixed bool `yaml:"ignore-unfixed"`
	// Exceptions suppress findings for a reason, until a date.
	Exceptions []Exception `yaml:"exceptions"`
	// ExpiryWarning is how long before an exception expires the gate
	// warns about it: "14d", "72h" (default 14d).
	ExpiryWarning string `yaml:"expiry-warning"`
	// Baseline is a file written by 'vouch baseline write': findings in
	// it do not fail the gate.
	Baseline string `yaml:"baseline"`
	// Dockerfiles and Compose are globs (relative to the repository root,
	// ** for any depth) that select the files the gate lints; empty means
	// the usual names anywhere in the repository.
	Dockerfiles []string `yaml:"dockerfiles"`
	Compose     []string `yaml:"compose"`
	// Images are the images to scan, typically the digest the build step
	// just pushed.
	Images []string `yaml:"images"`
	// Scan configures the scanner.
	Scan ScanConfig `yaml:"scan"`
	// Sign configures signing of the images that passed.
	Sign SignConfig `yaml:"sign"`
	// Format is printed on stdout unless --format says otherwise.
	Format string `yaml:"format"`
	// Outputs are FORMAT=PATH reports written on every run, as --output.
	Outputs []string `yaml:"outputs"`
	// Disable lists rule ids or names that are not run; their findings
	// are kept as suppressed.
	Disable []string `yaml:"disable"`
}

// Exception suppresses the findings of one rule or vulnerability id, where
// it applies, for a stated reason, until a date.
type Exception struct {
	// ID is a rule id or name, or a vulnerability id.
	ID string `yaml:"id"`
	// Paths and Images limit where the exception applies (globs); empty
	// means everywhere.
	Paths  []string `yaml:"paths"`
	Images []string `yaml:"images"`
	Reason string   `yaml:"reason"`
	// Expires is a date, YYYY-MM-DD: from that day on the exception no
	// longer applies.
	Expires string `yaml:"expires"`
	// Line is where the exception is written, for messages.
	Line int `yaml:"-"`
}

// ExpiresAt is the first instant the exception no longer applies.
func (e Exception) ExpiresAt() time.Time {
	t, _ := time.Parse(time.DateOnly, e.Expires)
	return t
}

// ScanConfig is the scanner's part of vouch.yaml.
type ScanConfig struct {
	// Filesystem scans the repository for vulnerable lockfiles and
	// secrets (default true).
	Filesystem *bool `yaml:"filesystem"`
	// DBRepositories are where the vulnerability database is downloaded
	// from, tried in order.
	DBRepositories []string `yaml:"db-repository"`
	CacheDir       string   `yaml:"cache-dir"`
	SkipDBUpdate   bool     `yaml:"skip-db-update"`
	// DBMaxAge is the oldest database the gate accepts ("72h").
	DBMaxAge string `yaml:"db-max-age"`
	Platform string `yaml:"platform"`
}

// SignConfig is the signer's part of vouch.yaml.
type SignConfig struct {
	// Enabled signs and attests every image that passed.
	Enabled bool `yaml:"enabled"`
	// Key is a cosign key reference: a file, env://VAR or a KMS URI.
	// Empty means keyless (an OIDC token from the CI system).
	Key string `yaml:"key"`
	// TlogUpload uploads to the transparency log (default true).
	TlogUpload *bool `yaml:"tlog-upload"`
}

// Load reads path; an empty path means no file and the defaults.
func Load(path string) (*Config, error) {
	if path == "" {
		return &Config{}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, unwrapPathError(err))
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("config %s: larger than %d bytes", path, MaxSize)
	}
	cfg, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse reads a config document.
func Parse(b []byte) (*Config, error) {
	cfg := &Config{}
	if len(bytes.TrimSpace(b)) == 0 {
		return cfg, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, cleanYAMLError(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, cleanYAMLError(err)
	}
	if cfg.FailOn != "" {
		if _, err := finding.ParseSeverity(cfg.FailOn); err != nil {
			return nil, fmt.Errorf("line %d: fail-on: %w", keyLine(&root, "fail-on"), err)
		}
	}
	if err := cfg.validatePolicy(&root); err != nil {
		return nil, err
	}
	for _, o := range cfg.Outputs {
		if f, p, ok := strings.Cut(o, "="); !ok || f == "" || p == "" {
			return nil, fmt.Errorf("line %d: outputs: %q is not FORMAT=PATH", keyLine(&root, "outputs"), o)
		}
	}
	return cfg, nil
}

// Categories are the keys thresholds accepts.
var Categories = []string{"dockerfile", "compose", "vulnerability", "secret"}

func (cfg *Config) validatePolicy(root *yaml.Node) error {
	for cat, sev := range cfg.Thresholds {
		if !slices.Contains(Categories, cat) {
			return fmt.Errorf("line %d: thresholds: unknown category %q (want %s)", keyLine(root, "thresholds"), cat, strings.Join(Categories, ", "))
		}
		if _, err := finding.ParseSeverity(sev); err != nil {
			return fmt.Errorf("line %d: thresholds.%s: %w", keyLine(root, "thresholds"), cat, err)
		}
	}
	lines := exceptionLines(root)
	for i := range cfg.Exceptions {
		e := &cfg.Exceptions[i]
		if i < len(lines) {
			e.Line = lines[i]
		}
		where := fmt.Sprintf("line %d: exceptions[%d]", e.Line, i)
		switch {
		case strings.TrimSpace(e.ID) == "":
			return fmt.Errorf("%s: id is required (a rule or vulnerability id)", where)
		case strings.TrimSpace(e.Reason) == "":
			return fmt.Errorf("%s (%s): reason is required: say why the finding is accepted", where, e.ID)
		case e.Expires == "":
			return fmt.Errorf("%s (%s): expires is required (YYYY-MM-DD): every exception ends", where, e.ID)
		}
		if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
			return fmt.Errorf("%s (%s): expires %q is not a date (YYYY-MM-DD)", where, e.ID, e.Expires)
		}
	}
	if cfg.ExpiryWarning != "" {
		if _, err := ParseDays(cfg.ExpiryWarning); err != nil {
			return fmt.Errorf("line %d: expiry-warning: %w", keyLine(root, "expiry-warning"), err)
		}
	}
	if cfg.Scan.DBMaxAge != "" {
		if _, err := ParseDays(cfg.Scan.DBMaxAge); err != nil {
			return fmt.Errorf("line %d: scan.db-max-age: %w", keyLine(root, "scan"), err)
		}
	}
	return nil
}

// ParseDays reads a duration that may be given in days ("14d") as well as
// in Go's units ("72h", "90m").
func ParseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && days >= 0 && fmt.Sprint(days) == n {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (for example 14d or 72h)", s)
	}
	return d, nil
}

// exceptionLines are the lines of the items of the top-level exceptions
// list, in order.
func exceptionLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "exceptions" {
			var lines []int
			for _, item := range m.Content[i+1].Content {
				lines = append(lines, item.Line)
			}
			return lines
		}
	}
	return nil
}

// keyLine is the line of a top-level key, or 0.
func keyLine(root *yaml.Node, key string) int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return 0
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

var fieldNotFound = regexp.MustCompile(`field (\S+) not found in type \S+`)

// cleanYAMLError folds yaml.v3's multi-line errors into one line that
// names the key, not the Go type.
func cleanYAMLError(err error) error {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:")
	s = strings.TrimPrefix(s, "yaml: ")
	s = fieldNotFound.ReplaceAllString(s, `unknown key "$1"`)
	s = strings.Join(strings.Fields(s), " ")
	return errors.New(s)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

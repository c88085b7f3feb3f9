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
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vouch-dev/vouch/finding"
)

// MaxSize bounds the config file; a policy is never this large.
const MaxSize = 1 << 20

// Config is the content of vouch.yaml.
type Config struct {
	// FailOn is the severity at or above which findings fail the gate.
	FailOn string `yaml:"fail-on"`
	// Format is printed on stdout unless --format says otherwise.
	Format string `yaml:"format"`
	// Outputs are FORMAT=PATH reports written on every run, as --output.
	Outputs []string `yaml:"outputs"`
	// Disable lists rule ids or names that are not run; their findings
	// are kept as suppressed.
	Disable []string `yaml:"disable"`
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
	for _, o := range cfg.Outputs {
		if f, p, ok := strings.Cut(o, "="); !ok || f == "" || p == "" {
			return nil, fmt.Errorf("line %d: outputs: %q is not FORMAT=PATH", keyLine(&root, "outputs"), o)
		}
	}
	return cfg, nil
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

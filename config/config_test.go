package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc, err string
		want           Config
	}{
		{name: "empty", doc: "", want: Config{}},
		{name: "comments only", doc: "# nothing\n", want: Config{}},
		{name: "full", doc: "fail-on: medium\nformat: sarif\noutputs: [json=out/v.json]\ndisable: [VCH-DF-020, apt-no-recommends]\n",
			want: Config{FailOn: "medium", Format: "sarif", Outputs: []string{"json=out/v.json"}, Disable: []string{"VCH-DF-020", "apt-no-recommends"}}},
		{name: "unknown key names key and line", doc: "format: text\nfail_on: high\n", err: `line 2: unknown key "fail_on"`},
		{name: "bad severity names line", doc: "\n\nfail-on: severe\n", err: `line 3: fail-on: unknown severity "severe"`},
		{name: "bad output", doc: "outputs:\n  - sarif\n", err: `line 1: outputs: "sarif" is not FORMAT=PATH`},
		{name: "wrong type", doc: "disable: 3\n", err: "line 1: cannot unmarshal"},
		{name: "not yaml", doc: "fail-on: [\n", err: "line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.doc))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans lines: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Disable, ",") != strings.Join(tt.want.Disable, ",") || got.FailOn != tt.want.FailOn ||
				got.Format != tt.want.Format || strings.Join(got.Outputs, ",") != strings.Join(tt.want.Outputs, ",") {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLoadNamesFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing.yaml"): "missing.yaml: no such file or directory",
		big:                                "big.yaml: larger than",
	} {
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want %q", path, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("fail-on: high\noutputs: [sarif=a]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := Parse(b)
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
	})
}

func TestPolicy(t *testing.T) {
	doc := `fail-on: high
thresholds:
  secret: low
  vulnerability: critical
ignore-unfixed: true
expiry-warning: 14d
exceptions:
  - id: CVE-2023-5678
    images: ["registry.example.com/shop/*"]
    reason: not reachable
    expires: 2027-01-31
  - id: VCH-DC-001
    paths: [deploy/**]
    reason: the sidecar needs it
    expires: 2026-12-01
`
	cfg, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Exceptions) != 2 || cfg.Exceptions[0].Line != 8 || cfg.Exceptions[1].Line != 12 {
		t.Fatalf("exceptions %+v", cfg.Exceptions)
	}
	if got := cfg.Exceptions[1].ExpiresAt().Format(time.DateOnly); got != "2026-12-01" {
		t.Error(got)
	}
	if cfg.Thresholds["secret"] != "low" || !cfg.IgnoreUnfixed {
		t.Errorf("%+v", cfg)
	}
	for _, tt := range []struct{ doc, err string }{
		{"exceptions:\n  - id: X\n    expires: 2027-01-01\n", `line 2: exceptions[0] (X): reason is required`},
		{"exceptions:\n  - id: X\n    reason: r\n", `line 2: exceptions[0] (X): expires is required`},
		{"exceptions:\n  - id: X\n    reason: r\n    expires: next year\n", `expires "next year" is not a date`},
		{"exceptions:\n  - reason: r\n", `line 2: exceptions[0]: id is required`},
		{"thresholds:\n  secrets: low\n", `line 1: thresholds: unknown category "secrets"`},
		{"thresholds:\n  secret: lowish\n", `thresholds.secret: unknown severity "lowish"`},
		{"expiry-warning: soon\n", `line 1: expiry-warning: "soon" is not a duration`},
		{"exceptions:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n    until: 2028\n", `line 5: unknown key "until"`},
	} {
		if _, err := Parse([]byte(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Parse(%q) = %v, want %q", tt.doc, err, tt.err)
		}
	}
}

func TestParseDays(t *testing.T) {
	for in, want := range map[string]time.Duration{"14d": 14 * 24 * time.Hour, "0d": 0, "72h": 72 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseDays(in); err != nil || got != want {
			t.Errorf("ParseDays(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "1.5d", "2 weeks", "-3h"} {
		if _, err := ParseDays(bad); err == nil {
			t.Errorf("ParseDays(%q) accepted", bad)
		}
	}
}

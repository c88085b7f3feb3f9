package composelint

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
)

func TestSuppression(t *testing.T) {
	dir := writeProject(t, map[string]string{"compose.yaml": `services:
  web:
    image: nginx:1.27
    # reviewed: the proxy needs it
    # vouch:ignore=VCH-DC-003,runtime-socket
    cap_add: [SYS_ADMIN]
    privileged: true # vouch:ignore=privileged
    user: root
  # vouch:ignore=memory-limit
  db:
    image: postgres:17
`})
	res := lintDir(t, dir, Options{Disable: []string{"cpu-limit", "ae5b6871-7f45-42e0-bb4c-ab300c4d2026"}})
	kinds := map[string]finding.SuppressionKind{}
	for _, f := range res.Findings {
		k := f.RuleID + " " + f.Location.Logical
		if f.Suppression != nil {
			kinds[k] = f.Suppression.Kind
		} else {
			kinds[k] = ""
		}
	}
	for k, want := range map[string]finding.SuppressionKind{
		"VCH-DC-003 service web": finding.SuppressedInline, // comment block above the key
		"VCH-DC-006 service web": finding.SuppressedConfig, // disabled by KICS alias, before the inline comment
		"VCH-DC-012 service db":  finding.SuppressedInline, // comment above the service
		"VCH-DC-013 service web": finding.SuppressedConfig, // disabled by name
		"VCH-DC-001 service web": "",                       // not suppressed
		"VCH-DC-012 service web": "",
	} {
		got, ok := kinds[k]
		if !ok {
			t.Errorf("%s: no finding (suppressed findings must be kept)", k)
			continue
		}
		if got != want {
			t.Errorf("%s: suppression %q, want %q", k, got, want)
		}
	}
}

// TestSecretsNeverPrinted checks that no part of a result carries a secret
// value, whichever rule reports the line.
func TestSecretsNeverPrinted(t *testing.T) {
	secrets := []string{"hunter2-very-secret", "AKIAIOSFODNN7EXAMPLE", "p4ssw0rd-in-url", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}
	dir := writeProject(t, map[string]string{"compose.yaml": `services:
  app:
    image: example/app:1.0
    environment:
      DB_PASSWORD: hunter2-very-secret
      SOME_ID: AKIAIOSFODNN7EXAMPLE
      DATABASE_URL: postgres://app:p4ssw0rd-in-url@db:5432/app
      REF_PASSWORD: ${FROM_SHELL}
      SECRET_KEY_FILE: /run/secrets/key
  list:
    image: example/app:1.0
    environment:
      - GH_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789
      - PASSWORD
`})
	res := lintDir(t, dir, Options{})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("result contains the secret %q", s)
		}
	}
	got := map[string]int{}
	for _, f := range byRule(res, "VCH-DC-016") {
		got[f.Location.Logical+" "+f.Location.Snippet] = f.Location.StartLine
	}
	want := map[string]int{
		"service app       DB_PASSWORD: ****":             5,
		"service app       SOME_ID: ****":                 6,
		"service app       DATABASE_URL: ****db:5432/app": 7,
		"service list       - GH_TOKEN=****":              13,
	}
	for k, line := range want {
		if got[k] != line {
			t.Errorf("want %q at line %d; got %v", k, line, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d secret findings, want %d: %v", len(got), len(want), got)
	}
}

// TestFingerprintStable checks that fingerprints do not move with lines.
func TestFingerprintStable(t *testing.T) {
	text := "services:\n  web:\n    image: nginx\n    user: root\n    cap_add: [SYS_ADMIN]\n"
	moved := "# a comment\n\nservices:\n\n  web:\n    image: nginx\n\n    cap_add: [SYS_ADMIN]\n    user: root\n"
	fp := func(text string) map[string]bool {
		res := lintDir(t, writeProject(t, map[string]string{"compose.yaml": text}), Options{})
		out := map[string]bool{}
		for _, f := range res.Findings {
			out[f.Fingerprint] = true
		}
		return out
	}
	a, b := fp(text), fp(moved)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("fingerprints: %d vs %d", len(a), len(b))
	}
	for k := range a {
		if !b[k] {
			t.Errorf("fingerprint %s changed when lines moved", k)
		}
	}
}

// TestDefaultRoot checks that paths are relative to the repository root
// above the project when no root is given.
func TestDefaultRoot(t *testing.T) {
	results, err := Lint(context.Background(), Options{ProjectDir: testdataDir + "/VCH-DC-006/bad"})
	if err != nil {
		t.Fatal(err)
	}
	res := results[0]
	f := byRule(res, "VCH-DC-006")
	if len(f) != 1 || f[0].Location.Path != "testdata/compose/VCH-DC-006/bad/compose.yaml" {
		t.Fatalf("got %+v", f)
	}
	if res.Target.Name != "testdata/compose/VCH-DC-006/bad/compose.yaml" || res.Target.Kind != finding.KindCompose {
		t.Errorf("target %+v", res.Target)
	}
}

// TestEnvFiles checks that a given env file replaces .env, that the
// environment wins over env files, and that the column is set.
func TestEnvFiles(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"compose.yaml": "services:\n  app:\n    image: example/app:1.0\n    user: ${RUN_AS}\n",
		".env":         "RUN_AS=root\n",
		"ci.env":       "RUN_AS=1000\n",
	})
	users := func(opts Options) int {
		return len(byRule(lintDir(t, dir, opts), "VCH-DC-001"))
	}
	if n := users(Options{}); n != 1 {
		t.Errorf(".env sets root: %d findings, want 1", n)
	}
	if n := users(Options{EnvFiles: []string{filepath.Join(dir, "ci.env")}}); n != 0 {
		t.Errorf("ci.env sets 1000: %d findings, want 0", n)
	}
	if n := users(Options{Env: []string{"RUN_AS=1000"}}); n != 0 {
		t.Errorf("the environment sets 1000: %d findings, want 0", n)
	}
	f := byRule(lintDir(t, dir, Options{}), "VCH-DC-001")
	if len(f) != 1 || f[0].Location.StartColumn != 5 {
		t.Errorf("column: %+v", f)
	}
	if _, err := Lint(context.Background(), Options{ProjectDir: dir, EnvFiles: []string{filepath.Join(dir, "nope.env")}}); err == nil {
		t.Error("a missing env file is not an error")
	}
}

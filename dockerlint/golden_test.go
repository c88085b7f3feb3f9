package dockerlint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestGolden pins every field of every finding of a realistic Dockerfile:
// messages, lines, snippets, stages, fingerprints, suppressions. Refresh
// with -update after a deliberate change.
func TestGolden(t *testing.T) {
	dir := filepath.Join(testdata, "example")
	res, err := LintFile(filepath.ToSlash(filepath.Join(dir, "Dockerfile")), Config{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res.Findings, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join(dir, "findings.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("findings differ from %s (run with -update to accept):\n%s", golden, got)
	}
}

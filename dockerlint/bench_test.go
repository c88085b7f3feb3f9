package dockerlint

import (
	"testing"

	"github.com/vouch-dev/vouch/bench/dockerlint/corpus"
)

// BenchmarkLint lints the generated corpus (the one bench/dockerlint/
// compare.sh gives vouch and trivy); ns/op is per file.
func BenchmarkLint(b *testing.B) {
	files := corpus.Generate(300, 1)
	var bytes int64
	for _, f := range files {
		bytes += int64(len(f))
	}
	b.SetBytes(bytes / int64(len(files)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := Lint("Dockerfile", files[i%len(files)], Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCorpusLints: every generated file lints without error, and the
// corpus has findings of most rules.
func TestCorpusLints(t *testing.T) {
	seen := map[string]bool{}
	for i, f := range corpus.Generate(300, 1) {
		res, err := Lint("Dockerfile", f, Config{})
		if err != nil {
			t.Fatalf("file %d: %v\n%s", i, err, f)
		}
		for _, x := range res.Findings {
			seen[x.RuleID] = true
		}
	}
	if len(seen) < 15 {
		t.Errorf("corpus exercises only %d rules", len(seen))
	}
}

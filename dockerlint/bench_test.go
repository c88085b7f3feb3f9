package dockerlint

import (
	"bytes"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

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

// BenchmarkParse is the floor under BenchmarkLint: BuildKit's parser and
// instruction parsing alone, on the same files.
func BenchmarkParse(b *testing.B) {
	files := corpus.Generate(300, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		res, err := parser.Parse(bytes.NewReader(files[i%len(files)]))
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range res.AST.Children {
			if _, err := instructions.ParseInstruction(n); err != nil {
				b.Fatal(err)
			}
		}
	}
}

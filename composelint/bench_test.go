package composelint

import (
	"context"
	"testing"

	"github.com/vouch-dev/vouch/bench/composelint/corpus"
)

// BenchmarkLint lints every project of the generated corpus once per
// iteration (so ns/op is for 50 projects).
func BenchmarkLint(b *testing.B) {
	dirs, err := corpus.Write(b.TempDir(), 50)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range dirs {
			if _, err := Lint(ctx, Options{ProjectDir: d, Root: d}); err != nil {
				b.Fatalf("%s: %v", d, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(dirs)), "ns/project")
}

// TestCorpusLoads checks that every generated project is valid compose.
func TestCorpusLoads(t *testing.T) {
	dirs, err := corpus.Write(t.TempDir(), 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		res := lintDir(t, d, Options{})
		if len(res.Findings) == 0 {
			t.Errorf("%s: no findings", d)
		}
	}
}

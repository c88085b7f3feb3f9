// Command gen writes the benchmark corpus of Dockerfiles to a directory,
// one per subdirectory: DIR/0000/Dockerfile, DIR/0001/Dockerfile, ...
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vouch-dev/vouch/bench/dockerlint/corpus"
)

func main() {
	n := flag.Int("n", 300, "number of Dockerfiles")
	seed := flag.Uint64("seed", 1, "generator seed")
	out := flag.String("o", "corpus", "output directory")
	flag.Parse()
	for i, src := range corpus.Generate(*n, *seed) {
		dir := filepath.Join(*out, fmt.Sprintf("%04d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

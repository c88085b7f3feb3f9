// Command scanbench runs one scan with the scan library, as `vouch scan
// image --input` does, for bench/scan/compare.sh when the vouch binary at
// hand has no scan command.
//
//	scanbench -input IMAGE.tar -cache-dir DIR [-cache-backend fs]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/vouch-dev/vouch/scan"
)

func main() {
	input := flag.String("input", "", "docker-archive or OCI archive")
	cacheDir := flag.String("cache-dir", "", "cache directory holding db/")
	backend := flag.String("cache-backend", "memory", "memory, fs or redis://")
	flag.Parse()
	s, err := scan.New(scan.Options{CacheDir: *cacheDir, SkipDBUpdate: true, CacheBackend: *backend})
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanbench:", err)
		os.Exit(2)
	}
	rs, err := s.Image(context.Background(), scan.ImageSource{Input: *input})
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanbench:", err)
		os.Exit(2)
	}
	fmt.Printf("%d findings\n", len(rs[0].Result.Findings))
}

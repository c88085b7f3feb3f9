// Command scanbench runs one scan with the scan library, as `vouch scan
// image --input` does, to profile it (-cpuprofile).
//
//	scanbench -input IMAGE.tar -cache-dir DIR [-cache-backend fs] [-cpuprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/vouch-dev/vouch/scan"
)

func main() {
	input := flag.String("input", "", "docker-archive or OCI archive")
	cacheDir := flag.String("cache-dir", "", "cache directory holding db/")
	backend := flag.String("cache-backend", "memory", "memory, fs or redis://")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the scan to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "scanbench:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
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

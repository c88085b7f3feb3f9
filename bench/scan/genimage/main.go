// Command genimage writes the scan benchmark's inputs: a docker-archive
// of a realistic image (an Alpine 3.19 root with the fixture packages, a
// package-lock.json, several layers of thousands of files, at least 100
// MB) and the test trivy-db built from ../shared/advisories.
//
//	go run ./bench/scan/genimage -o IMAGE.tar -db CACHE/db [-mb 120] [-layers 4]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/internal/trivydbtest"
)

func main() {
	out := flag.String("o", "bench-image.tar", "docker-archive to write")
	dbDir := flag.String("db", "", "directory to write the test trivy-db into (CACHE/db)")
	mb := flag.Int("mb", 180, "approximate size of the generated files, MB")
	layers := flag.Int("layers", 4, "layers of generated files")
	flag.Parse()
	if err := run(*out, *dbDir, *mb, *layers); err != nil {
		fmt.Fprintln(os.Stderr, "genimage:", err)
		os.Exit(1)
	}
}

func run(out, dbDir string, mb, layers int) error {
	shared, err := trivydbtest.SharedDir()
	if err != nil {
		return err
	}
	data, err := trivydbtest.Load(shared)
	if err != nil {
		return err
	}
	if dbDir != "" {
		if err := trivydbtest.Build(data, dbDir, time.Now()); err != nil {
			return err
		}
		// Mark it downloaded, as Trivy does after a download.
		meta := fmt.Sprintf(`{"Version":2,"NextUpdate":%q,"UpdatedAt":%q,"DownloadedAt":%q}`,
			time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))
		if err := os.WriteFile(dbDir+"/metadata.json", []byte(meta), 0o644); err != nil {
			return err
		}
	}
	var apk, npm []imagetest.Pkg
	for _, f := range data.Fixtures.Alpine {
		if !f.NegativeControl {
			apk = append(apk, imagetest.Pkg{Name: f.Package, Version: f.Version})
		}
	}
	for _, f := range data.Fixtures.Npm {
		if !f.NegativeControl {
			npm = append(npm, imagetest.Pkg{Name: f.Package, Version: f.Version})
		}
	}
	all := []imagetest.Files{imagetest.AlpineRoot(apk), {"app/package-lock.json": imagetest.PackageLock(npm)}}
	// Files of 8-64 KiB: half random bytes (binaries, compressed assets),
	// half text (sources, configs), spread over directories.
	rng := rand.New(rand.NewPCG(1, 2))
	per := mb << 20 / layers
	for l := 0; l < layers; l++ {
		files := imagetest.Files{}
		for size, i := 0, 0; size < per; i++ {
			n := 8<<10 + rng.IntN(56<<10)
			b := make([]byte, n)
			if i%2 == 0 {
				for j := range b {
					b[j] = byte(rng.Uint32())
				}
			} else {
				words := []string{"func", "return", "config", "value", "server", "import", "error", "nil", "\n"}
				var sb strings.Builder
				for sb.Len() < n {
					sb.WriteString(words[rng.IntN(len(words))])
					sb.WriteByte(' ')
				}
				b = []byte(sb.String()[:n])
			}
			files[fmt.Sprintf("usr/share/app%d/d%02d/f%05d.dat", l, i%50, i)] = b
			size += n
		}
		all = append(all, files)
	}
	img, err := imagetest.Image(all...)
	if err != nil {
		return err
	}
	tag, err := name.NewTag("bench.local/vouch/bench:1")
	if err != nil {
		return err
	}
	return tarball.WriteToFile(out, tag, img)
}

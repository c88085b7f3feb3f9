package scan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/scan"
)

// FuzzInput feeds arbitrary bytes as an --input archive: the scan returns
// an error (there is no database either) and never panics.
func FuzzInput(f *testing.F) {
	img, err := imagetest.Image(imagetest.AlpineRoot([]imagetest.Pkg{{Name: "zlib", Version: "1.3-r2"}}))
	if err != nil {
		f.Fatal(err)
	}
	var docker bytes.Buffer
	tag, _ := name.NewTag("example.com/a:1")
	if err := tarball.Write(tag, img, &docker); err != nil {
		f.Fatal(err)
	}
	oci, _ := imagetest.Tar(imagetest.Files{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`), "index.json": []byte(`{"schemaVersion":2,"manifests":[]}`)})
	f.Add(docker.Bytes())
	f.Add(oci)
	f.Add([]byte("not a tar"))
	s, err := scan.New(scan.Options{CacheDir: f.TempDir(), Offline: true})
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in.tar")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Image(context.Background(), scan.ImageSource{Input: p}); err == nil {
			t.Fatal("a scan with no database succeeded")
		}
	})
}

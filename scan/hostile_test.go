package scan_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/scan"
)

func appendRawLayer(t *testing.T, img v1.Image, compressed []byte) v1.Image {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(compressed)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.AppendLayers(img, l)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestHostileLayers: a layer with ../ paths and absolute symlinks is
// read without writing anything outside, and the scan still finds what
// the other layers hold; a gzip bomb layer ends the scan with an error.
func TestHostileLayers(t *testing.T) {
	e := newEnv(t)
	base, err := imagetest.Image(imagetest.AlpineRoot([]imagetest.Pkg{{Name: "openssl", Version: "3.1.4-r0"}}))
	if err != nil {
		t.Fatal(err)
	}

	escape := filepath.Join(t.TempDir(), "escaped")
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	evil := []byte("owned\n")
	for _, h := range []*tar.Header{
		{Name: "../../../../../../.." + escape, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(evil))},
		{Name: "/" + escape[1:] + "-abs", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(evil))},
		{Name: "app/shadow", Typeflag: tar.TypeSymlink, Linkname: "/etc/shadow"},
		{Name: "app/up", Typeflag: tar.TypeSymlink, Linkname: "../../../../../../"},
		{Name: "app/hard", Typeflag: tar.TypeLink, Linkname: "../../../../etc/passwd"},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(evil)
		}
	}
	tw.Close()
	gz.Close()
	img := appendRawLayer(t, base, buf.Bytes())
	ref := e.push(t, img, "vouch/hostile:1")

	rs, err := newScanner(t, e.opts).Image(context.Background(), scan.ImageSource{Ref: ref})
	if err != nil {
		t.Fatalf("a layer with traversal entries: %v", err)
	}
	for _, p := range []string{escape, escape + "-abs"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a layer entry was written outside: %s", p)
		}
	}
	if n := len(vulnLines(rs[0].Result)); n != 3 {
		t.Errorf("openssl 3.1.4-r0 findings beside the hostile layer: %d, want 3", n)
	}

	t.Run("gzip bomb", func(t *testing.T) {
		var buf bytes.Buffer
		gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		tw := tar.NewWriter(gz)
		const size = 256 << 20
		if err := tw.WriteHeader(&tar.Header{Name: "app/zeros.env", Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
			t.Fatal(err)
		}
		zeros := make([]byte, 1<<20)
		for i := 0; i < size>>20; i++ {
			tw.Write(zeros)
		}
		tw.Close()
		gz.Close()
		t.Logf("bomb: %d KiB compressed, %d MiB expanded", buf.Len()>>10, size>>20)
		img := appendRawLayer(t, base, buf.Bytes())
		ref := e.push(t, img, "vouch/bomb:1")
		opts := e.opts
		opts.MaxLayerSize = 64 << 20
		_, err := newScanner(t, opts).Image(context.Background(), scan.ImageSource{Ref: ref})
		wantErr(t, err, "expands past 64 MiB")
	})
}

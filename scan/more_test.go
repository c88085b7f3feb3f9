package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/scan"
)

func lodashImage(t *testing.T, version, arch string) v1.Image {
	t.Helper()
	img, err := imagetest.Image(imagetest.AlpineRoot([]imagetest.Pkg{{Name: "zlib", Version: "1.3-r2"}}),
		imagetest.Files{"app/package-lock.json": imagetest.PackageLock([]imagetest.Pkg{{Name: "lodash", Version: version}})})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Architecture = arch
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestPlatforms: an index resolves to the linux/amd64 image by default,
// to the one --platform names, or to every image with AllPlatforms.
func TestPlatforms(t *testing.T) {
	e := newEnv(t)
	amd := lodashImage(t, "4.17.11", "amd64")
	arm := lodashImage(t, "4.17.21", "arm64")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	ref, err := name.ParseReference(e.reg.Host + "/vouch/multi:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref, idx, remote.WithAuth(e.auth), remote.WithTransport(e.reg.Transport())); err != nil {
		t.Fatal(err)
	}
	amdDigest, _ := amd.Digest()
	armDigest, _ := arm.Digest()
	ctx := context.Background()

	rs, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Ref: ref.String()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Result.Target.Digest != amdDigest.String() || len(vulnLines(rs[0].Result)) != 3 {
		t.Errorf("default platform: %d reports, digest %s, want the amd64 image %s with 3 lodash ids", len(rs), rs[0].Result.Target.Digest, amdDigest)
	}

	opts := e.opts
	opts.Platform = "linux/arm64"
	rs, err = newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref.String()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Result.Target.Digest != armDigest.String() || len(vulnLines(rs[0].Result)) != 0 {
		t.Errorf("linux/arm64: digest %s, findings %v", rs[0].Result.Target.Digest, vulnLines(rs[0].Result))
	}

	opts.Platform = "linux/s390x"
	_, err = newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref.String()})
	wantErr(t, err, "no linux/s390x image in the index (has: linux/amd64, linux/arm64)")

	opts = e.opts
	opts.AllPlatforms = true
	opts.SBOM = filepath.Join(t.TempDir(), "sbom.json")
	rs, err = newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref.String()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("all platforms: %d reports", len(rs))
	}
	for _, p := range []string{"sbom-linux-amd64.json", "sbom-linux-arm64.json"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(opts.SBOM), p)); err != nil {
			t.Errorf("per-platform SBOM: %v", err)
		}
	}
}

// TestOCIArchive: a tar of an OCI layout scans like the layout.
func TestOCIArchive(t *testing.T) {
	e := newEnv(t)
	img := lodashImage(t, "4.17.11", "amd64")
	dir := t.TempDir()
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	files := imagetest.Files{}
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := imagetest.Tar(files)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "oci.tar")
	if err := os.WriteFile(archive, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := newScanner(t, e.opts).Image(context.Background(), scan.ImageSource{Input: archive})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	if got := vulnLines(rs[0].Result); len(got) != 3 || rs[0].Result.Target.Digest != d.String() || rs[0].Result.Target.Name != archive {
		t.Errorf("OCI archive: target %+v, findings %v", rs[0].Result.Target, got)
	}
}

// TestConcurrentScanners: scanners sharing one empty cache directory
// download the DB once and agree.
func TestConcurrentScanners(t *testing.T) {
	e := newEnv(t)
	ref := e.push(t, lodashImage(t, "4.17.11", "amd64"), "vouch/conc:1")
	var wg sync.WaitGroup
	got := make([][]string, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := scan.New(e.opts)
			if err != nil {
				errs[i] = err
				return
			}
			rs, err := s.Image(context.Background(), scan.ImageSource{Ref: ref})
			if err != nil {
				errs[i] = err
				return
			}
			got[i] = vulnLines(rs[0].Result)
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Errorf("scanner %d: %v", i, errs[i])
		} else if !slices.Equal(got[i], got[0]) || len(got[i]) != 3 {
			t.Errorf("scanner %d: %v", i, got[i])
		}
	}
}

// TestRedisCache: Trivy's Redis layer cache (Debian's redis-server on
// loopback) gives the same findings and holds the layers for the next
// runner.
func TestRedisCache(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed (apt-get install redis-server)")
		}
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("redis-server", "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not listen on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}

	e := newEnv(t)
	ref := e.push(t, lodashImage(t, "4.17.11", "amd64"), "vouch/redis:1")
	opts := e.opts
	opts.CacheBackend = "redis://" + addr
	var runs [][]string
	for i := 0; i < 2; i++ {
		start := time.Now()
		rs, err := newScanner(t, opts).Image(context.Background(), scan.ImageSource{Ref: ref})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d: %s", i+1, time.Since(start).Round(time.Millisecond))
		runs = append(runs, vulnLines(rs[0].Result))
	}
	if !slices.Equal(runs[0], runs[1]) || len(runs[0]) != 3 {
		t.Errorf("runs differ: %v / %v", runs[0], runs[1])
	}
	if cli, err := exec.LookPath("redis-cli"); err == nil {
		out, err := exec.Command(cli, "-h", "127.0.0.1", "-p", fmt.Sprint(port), "--scan", "--pattern", "fanal::*").Output()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(strings.Fields(string(out))); n < 3 {
			t.Errorf("redis holds %d fanal keys, want the artifact and its layers", n)
		}
	}
}

// TestEnvironmentIgnored: TRIVY_* variables do not change an embedded
// scan, and no call leaves loopback (every proxy points at a dead port, so
// a call to any outside host would fail the scan).
func TestEnvironmentIgnored(t *testing.T) {
	e := newEnv(t)
	ref := e.push(t, lodashImage(t, "4.17.11", "amd64"), "vouch/env:1")
	for k, v := range map[string]string{
		"TRIVY_SEVERITY": "LOW", "TRIVY_SCANNERS": "secret", "TRIVY_IGNORE_UNFIXED": "true",
		"TRIVY_DB_REPOSITORY": "127.0.0.1:1/nope", "TRIVY_CACHE_DIR": t.TempDir(), "TRIVY_NON_SSL": "true",
		"TRIVY_SKIP_DB_UPDATE": "true", "TRIVY_IGNOREFILE": "/nonexistent",
		"HTTPS_PROXY": "http://127.0.0.1:1", "HTTP_PROXY": "http://127.0.0.1:1", "NO_PROXY": "",
	} {
		t.Setenv(k, v)
	}
	rs, err := newScanner(t, e.opts).Image(context.Background(), scan.ImageSource{Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	if got := vulnLines(rs[0].Result); len(got) != 3 {
		t.Errorf("with TRIVY_* set: %v", got)
	}
}

// TestLogging: Trivy's records go to the scan's logger, and slog's
// default is no longer Trivy's buffering handler.
func TestLogging(t *testing.T) {
	if h := fmt.Sprintf("%T", slog.Default().Handler()); strings.Contains(h, "Deferred") {
		t.Errorf("slog's default handler is still Trivy's %s", h)
	}
	e := newEnv(t)
	ref := e.push(t, lodashImage(t, "4.17.11", "amd64"), "vouch/log:1")
	var buf bytes.Buffer
	opts := e.opts
	opts.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := newScanner(t, opts).Image(context.Background(), scan.ImageSource{Ref: ref}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "alpine") {
		t.Errorf("Trivy's log did not reach the scan's logger: %.500s", buf.String())
	}
}

package scan_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vouch-dev/vouch/internal/trivydbtest"
	"github.com/vouch-dev/vouch/scan"
)

// trivyBinary is upstream trivy, for client/server tests: $VOUCH_TRIVY or
// trivy on PATH. Absent, the test skips, except under CI.
func trivyBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("VOUCH_TRIVY"); p != "" {
		return p
	}
	if p, err := exec.LookPath("trivy"); err == nil {
		return p
	}
	msg := "upstream trivy is not installed (make tools, or set VOUCH_TRIVY)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// startTrivyServer runs `trivy server` on loopback with the test DB.
func startTrivyServer(t *testing.T, token string) string {
	t.Helper()
	bin := trivyBinary(t)
	cache := t.TempDir()
	dbDir := filepath.Join(cache, "db")
	if err := trivydbtest.Build(loadData(t), dbDir, time.Now()); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "server", "--listen", addr, "--cache-dir", cache, "--skip-db-update",
		"--token", token, "--quiet")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cache}
	logs, _ := os.Create(filepath.Join(cache, "server.log"))
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(cache, "server.log"))
			t.Fatalf("trivy server did not come up on %s: %s", addr, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServer: the same image scanned through an upstream Trivy server
// gives the same findings as a local scan; a wrong token is an error.
func TestServer(t *testing.T) {
	e := newEnv(t)
	const token = "vouch-test-token"
	url := startTrivyServer(t, token)
	vbin, _ := goBinaries(t)
	fs := fixtures(t, false)
	ref := e.push(t, buildImage(t, fs, vbin, true), "vouch/server:1")
	ctx := context.Background()

	local, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	opts := e.opts
	opts.CacheDir = t.TempDir() // no local DB: the server matches
	opts.Server, opts.ServerToken = url, token
	for run := 1; run <= 2; run++ { // the second run finds its layers in the server's cache
		start := time.Now()
		remote, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		t.Logf("server run %d: %s", run, time.Since(start).Round(time.Millisecond))
		diffLines(t, vulnLines(remote[0].Result), fs.want)
		if got, want := fingerprints(remote[0].Result), fingerprints(local[0].Result); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("run %d: server findings differ from the local scan", run)
		}
	}
	opts.ServerToken = "wrong"
	_, err = newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
	wantErr(t, err, ref)
}

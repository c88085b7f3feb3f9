package scan_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/internal/trivydbtest"
	"github.com/vouch-dev/vouch/scan"
)

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// wantErr checks that err is a one-line error containing each of want.
func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	msg := err.Error()
	t.Logf("error: %s", msg)
	if strings.Contains(msg, "\n") {
		t.Errorf("error has several lines: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
		}
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	img, err := imagetest.Image(imagetest.AlpineRoot([]imagetest.Pkg{{Name: "zlib", Version: "1.3-r2"}}))
	if err != nil {
		t.Fatal(err)
	}
	ref := e.push(t, img, "vouch/small:1")
	ctx := context.Background()

	t.Run("unreachable registry", func(t *testing.T) {
		host := closedPort(t)
		_, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Ref: host + "/vouch/small:1"})
		wantErr(t, err, "registry "+host+":", "connection refused")
	})
	t.Run("refused auth", func(t *testing.T) {
		t.Setenv("DOCKER_CONFIG", t.TempDir())
		_, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Ref: ref})
		wantErr(t, err, "registry "+e.reg.Host+": unauthorized")
	})
	t.Run("untrusted CA", func(t *testing.T) {
		opts := e.opts
		opts.CAFile = ""
		_, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
		wantErr(t, err, "registry "+e.reg.Host+":", "certificate")
	})
	t.Run("unknown tag", func(t *testing.T) {
		_, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Ref: e.reg.Host + "/vouch/small:nope"})
		wantErr(t, err, "registry "+e.reg.Host+": manifest_unknown")
	})
	t.Run("corrupt tar", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bad.tar")
		if err := os.WriteFile(p, []byte("this is not a tar archive at all, just text"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Input: p})
		wantErr(t, err, p+":")
	})
	t.Run("missing tar", func(t *testing.T) {
		_, err := newScanner(t, e.opts).Image(ctx, scan.ImageSource{Input: "/nonexistent/x.tar"})
		wantErr(t, err, "/nonexistent/x.tar:", "no such file")
	})
	t.Run("missing db offline", func(t *testing.T) {
		opts := e.opts
		opts.CacheDir, opts.Offline = t.TempDir(), true
		_, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
		wantErr(t, err, "trivy db at "+filepath.Join(opts.CacheDir, "db"), "--skip-db-update")
	})
	t.Run("db repository unreachable", func(t *testing.T) {
		opts := e.opts
		opts.CacheDir = t.TempDir()
		opts.DBRepositories = []string{closedPort(t) + "/vouch/trivy-db:2"}
		_, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
		wantErr(t, err, "trivy db download: "+opts.DBRepositories[0]+": ", "connection refused")
	})
	t.Run("db repository fallback", func(t *testing.T) {
		opts := e.opts
		opts.CacheDir = t.TempDir()
		opts.DBRepositories = []string{e.reg.Host + "/vouch/no-such-db:2", e.opts.DBRepositories[0]}
		if _, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref}); err != nil {
			t.Fatalf("the second repository should serve the DB: %v", err)
		}
	})
	t.Run("corrupt db", func(t *testing.T) {
		opts := e.opts
		opts.CacheDir, opts.SkipDBUpdate = t.TempDir(), true
		dir := filepath.Join(opts.CacheDir, "db")
		if err := trivydbtest.Build(loadData(t), dir, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "trivy.db"), []byte(strings.Repeat("garbage!", 1024)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
		wantErr(t, err, "trivy db at "+dir, "corrupt")
	})
	t.Run("stale db", func(t *testing.T) {
		opts := e.opts
		opts.CacheDir, opts.SkipDBUpdate = t.TempDir(), true
		dir := filepath.Join(opts.CacheDir, "db")
		if err := trivydbtest.Build(loadData(t), dir, time.Now().Add(-5*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		_, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref})
		wantErr(t, err, "trivy db at "+dir+" is 5d old (max 72h)", "--allow-stale-db")
		var stale *scan.StaleDBError
		if !errors.As(err, &stale) {
			t.Errorf("error %T is not a StaleDBError", err)
		}
		opts.AllowStaleDB = true
		if _, err := newScanner(t, opts).Image(ctx, scan.ImageSource{Ref: ref}); err != nil {
			t.Errorf("allowed stale db: %v", err)
		}
	})
}

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/spf13/pflag"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/gate"
	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/internal/registrytest"
	"github.com/vouch-dev/vouch/internal/trivydbtest"
	"github.com/vouch-dev/vouch/sign"
)

// afterScan wraps the real scanner and runs a function once an image has
// been scanned: the window between the scan and the signature.
type afterScan struct {
	gate.Scanner
	then func()
}

func (a afterScan) ScanImage(ctx context.Context, ref string) (*gate.ImageScan, error) {
	s, err := a.Scanner.ScanImage(ctx, ref)
	a.then()
	return s, err
}

type gateFixture struct {
	reg     *registrytest.Registry
	auth    authn.Authenticator
	scanner gate.Scanner
	signer  gate.Signer
	pub     string
	repo    string
}

func newGateFixture(t *testing.T) *gateFixture {
	t.Helper()
	reg := registrytest.Start(t, registrytest.Options{})
	f := &gateFixture{reg: reg, auth: &authn.Basic{Username: reg.Username, Password: reg.Password}, repo: reg.Host + "/shop/api"}
	docker := t.TempDir()
	if err := reg.WriteDockerConfig(docker); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", docker)

	shared, err := trivydbtest.SharedDir()
	if err != nil {
		t.Fatal(err)
	}
	data, err := trivydbtest.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	dbDir := t.TempDir()
	if err := trivydbtest.Build(data, dbDir, time.Now()); err != nil {
		t.Fatal(err)
	}
	dbRef := reg.Host + "/vouch/trivy-db:2"
	if _, err := trivydbtest.Push(dbDir, dbRef, f.auth, reg.Transport()); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("gate", pflag.ContinueOnError)
	flags := &scanFlags{}
	flags.addFlags(fs)
	flags.DBRepositories = []string{dbRef}
	flags.CacheDir = t.TempDir()
	off := false
	cfg := &config.Config{Scan: config.ScanConfig{Filesystem: &off}}
	if f.scanner, err = newGateScanner(fs, flags, registryFlags{CAFile: reg.CAFile}, cfg); err != nil {
		t.Fatal(err)
	}

	keys, err := sign.GenerateKeys(func() ([]byte, error) { return []byte("pw"), nil })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key, pub := filepath.Join(dir, "k.key"), filepath.Join(dir, "k.pub")
	if err := os.WriteFile(key, keys.Private, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, keys.Public, 0o644); err != nil {
		t.Fatal(err)
	}
	f.pub = pub
	f.signer = &gateSigner{opts: sign.Options{
		Key: key, Password: func() ([]byte, error) { return []byte("pw"), nil },
		SkipTlogUpload: true, Registry: sign.Registry{CAFile: reg.CAFile},
	}}
	return f
}

// push writes a clean Alpine fixture (the packages make it distinct) as
// repo:tag and returns its digest reference.
func (f *gateFixture) push(t *testing.T, tag string, pkgs ...imagetest.Pkg) string {
	t.Helper()
	img, err := imagetest.Image(imagetest.AlpineRoot(pkgs))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.NewTag(f.repo + ":" + tag)
	if err := remote.Write(ref, img, remote.WithAuth(f.auth), remote.WithTransport(f.reg.Transport())); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return f.repo + "@" + d.String()
}

func (f *gateFixture) verify(ref string) error {
	_, err := sign.Verify(context.Background(), ref, sign.VerifyOptions{
		Key: f.pub, IgnoreTlog: true, Registry: sign.Registry{CAFile: f.reg.CAFile},
	})
	return err
}

func repoWithDockerfile(t *testing.T) string {
	dir := t.TempDir()
	df := "FROM alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nUSER 10001\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGateSignsTheScannedDigest moves the tag to another image between the
// scan and the signature: the digest that was scanned is signed, the one
// the tag now names is not.
func TestGateSignsTheScannedDigest(t *testing.T) {
	f := newGateFixture(t)
	scanned := f.push(t, "1", imagetest.Pkg{Name: "zlib", Version: "1.3-r2"})
	var moved string
	out, err := gate.Run(context.Background(), gate.Options{
		Root: repoWithDockerfile(t), Images: []string{f.repo + ":1"},
		Scanner: afterScan{f.scanner, func() {
			moved = f.push(t, "1", imagetest.Pkg{Name: "apk-tools", Version: "2.14.0-r5"})
		}},
		Signer: f.signer, Now: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Verdict != finding.Passed || len(out.Signed) != 1 {
		t.Fatalf("verdict %s, signed %+v, sign error %v", out.Verdict, out.Signed, out.SignErr)
	}
	if out.Signed[0].Ref != scanned || out.Scans[0].Ref != scanned {
		t.Fatalf("signed %s, scanned %s, want %s", out.Signed[0].Ref, out.Scans[0].Ref, scanned)
	}
	if moved == scanned {
		t.Fatal("the tag did not move")
	}
	if err := f.verify(scanned); err != nil {
		t.Errorf("the scanned digest does not verify: %v", err)
	}
	if err := f.verify(f.repo + ":1"); !errors.Is(err, sign.ErrNotVerified) {
		t.Errorf("the image the tag moved to verifies (err %v); it was never scanned", err)
	}
}

// TestGateRegistryOutageWhileSigning: the registry goes away between the
// scan and the signature; the gate cannot decide, and exits 2.
func TestGateRegistryOutageWhileSigning(t *testing.T) {
	f := newGateFixture(t)
	f.push(t, "1", imagetest.Pkg{Name: "zlib", Version: "1.3-r2"})
	out, err := gate.Run(context.Background(), gate.Options{
		Root: repoWithDockerfile(t), Images: []string{f.repo + ":1"},
		Scanner: afterScan{f.scanner, f.reg.Close},
		Signer:  f.signer, Now: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Verdict != finding.Undecided || out.SignErr == nil || len(out.Signed) != 0 {
		t.Fatalf("verdict %s, signed %+v, sign error %v; want an error and nothing signed", out.Verdict, out.Signed, out.SignErr)
	}
	if out.Verdict.ExitCode() != exitError {
		t.Errorf("exit %d", out.Verdict.ExitCode())
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/internal/registrytest"
	"github.com/vouch-dev/vouch/internal/trivydbtest"
)

// scanCLI runs the scan command in-process, as the root command would,
// and returns its exit code and output.
func scanCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := newScanCmd(&globalOptions{cfg: &config.Config{}})
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	code := exitCode(cmd.ExecuteContext(ctx), &stderr)
	return code, stdout.String(), stderr.String()
}

// TestScanCLI scans an image from the TLS+htpasswd registry with the test
// DB downloaded from the same registry, and checks the exit codes.
func TestScanCLI(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{})
	shared, err := trivydbtest.SharedDir()
	if err != nil {
		t.Fatal(err)
	}
	data, err := trivydbtest.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	auth := &authn.Basic{Username: reg.Username, Password: reg.Password}
	dbDir := t.TempDir()
	if err := trivydbtest.Build(data, dbDir, time.Now()); err != nil {
		t.Fatal(err)
	}
	dbRef := reg.Host + "/vouch/trivy-db:2"
	if _, err := trivydbtest.Push(dbDir, dbRef, auth, reg.Transport()); err != nil {
		t.Fatal(err)
	}
	img, err := imagetest.Image(imagetest.AlpineRoot([]imagetest.Pkg{{Name: "zlib", Version: "1.3-r2"}}),
		imagetest.Files{"app/package-lock.json": imagetest.PackageLock([]imagetest.Pkg{{Name: "lodash", Version: "4.17.11"}})})
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.Host + "/vouch/cli:1"
	tag, _ := name.NewTag(ref)
	if err := remote.Write(tag, img, remote.WithAuth(auth), remote.WithTransport(reg.Transport())); err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	cfgDir := t.TempDir()
	if err := reg.WriteDockerConfig(cfgDir); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfgDir)
	cache := t.TempDir()
	common := []string{"--registry-ca", reg.CAFile, "--db-repository", dbRef, "--cache-dir", cache}

	code, stdout, stderr := scanCLI(t, append([]string{"image", ref, "--fail-on", "critical", "-f", "json", "--sbom", filepath.Join(cache, "sbom.json")}, common...)...)
	if code != exitFailed || !strings.Contains(stdout, "CVE-2019-10744") || !strings.Contains(stdout, digest.String()) {
		t.Fatalf("lodash 4.17.11 at --fail-on critical: exit %d\nstdout: %.2000s\nstderr: %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(cache, "sbom.json")); err != nil {
		t.Errorf("no SBOM: %v", err)
	}

	ignore := filepath.Join(t.TempDir(), ".trivyignore")
	if err := os.WriteFile(ignore, []byte("CVE-2019-10744\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = scanCLI(t, append([]string{"image", ref, "--fail-on", "critical", "--ignorefile", ignore, "--offline"}, common...)...)
	if code != exitPassed {
		t.Errorf("critical ignored: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	code, _, stderr = scanCLI(t, "fs", t.TempDir(), "--skip-db-update", "--cache-dir", t.TempDir())
	if code != exitError || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "trivy db at") {
		t.Errorf("no DB with --skip-db-update: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = scanCLI(t, "image", "--input", "a.tar", "--oci-layout", "dir")
	if code != exitError || !strings.Contains(stderr, "one of REF") {
		t.Errorf("two sources: exit %d, stderr %q", code, stderr)
	}
}

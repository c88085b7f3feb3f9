package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/vouch-dev/vouch/internal/registrytest"
	"github.com/vouch-dev/vouch/sign"
)

// cli runs vouch in-process and returns its exit code and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := runWith(ctx, args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func wantCode(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	code, stdout, stderr := cli(t, args...)
	if code != want {
		t.Fatalf("vouch %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// pushRandom pushes a random image as repo:tag and returns it by digest.
func pushRandom(t *testing.T, r *registrytest.Registry, tag string) string {
	t.Helper()
	img, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.NewTag(r.Host + "/app:" + tag)
	if err != nil {
		t.Fatal(err)
	}
	auth := &authn.Basic{Username: r.Username, Password: r.Password}
	if err := remote.Write(ref, img, remote.WithTransport(r.Transport()), remote.WithAuth(auth)); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return r.Host + "/app@" + d.String()
}

func TestSignVerifyKeygenCommands(t *testing.T) {
	r := registrytest.Start(t, registrytest.Options{})
	docker := t.TempDir()
	if err := r.WriteDockerConfig(docker); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", docker)
	const password = "cli-test-password"
	t.Setenv("COSIGN_PASSWORD", password)
	digest := pushRandom(t, r, "v1")
	dir := t.TempDir()
	prefix := filepath.Join(dir, "release")
	key, pub := prefix+".key", prefix+".pub"
	ca := []string{"--registry-ca", r.CAFile}

	wantCode(t, 0, "keygen", "--output-key-prefix", prefix)
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v, %v; want mode 0600", fi, err)
	}
	wantCode(t, 2, "keygen", "--output-key-prefix", prefix)

	verify := append([]string{"verify", "--key", pub, "--insecure-ignore-tlog"}, ca...)
	_, stderr := wantCode(t, 1, append(verify, digest)...)
	if !strings.Contains(stderr, "no signatures found") {
		t.Errorf("unsigned: stderr %q", stderr)
	}

	signArgs := append([]string{"sign", "--key", key, "--tlog-upload=false"}, ca...)
	_, stderr = wantCode(t, 2, append(signArgs, r.Host+"/app:v1")...)
	if !strings.Contains(stderr, "named by tag") {
		t.Errorf("tag: stderr %q", stderr)
	}

	repo, d, _ := strings.Cut(digest, "@")
	verdict, _ := json.Marshal(sign.Verdict{
		Image: sign.VerdictImage{Name: repo, Digest: d}, Passed: true,
		Policy: sign.VerdictPolicy{FailOn: "HIGH"}, Counts: map[string]int{"HIGH": 0},
		Time: time.Now(),
	})
	verdictFile := filepath.Join(dir, "verdict.json")
	if err := os.WriteFile(verdictFile, verdict, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _ := wantCode(t, 0, append(signArgs, "--attest-sbom", "../../testdata/sign/sbom.cdx.json",
		"--attest-vuln", "../../testdata/sign/trivy-report.json", "--attest-verdict", verdictFile, digest)...)
	if !strings.Contains(stdout, "Signed "+digest) || !strings.Contains(stdout, sign.VerdictPredicateType) {
		t.Errorf("sign stdout %q", stdout)
	}
	stdout, _ = wantCode(t, 0, append(verify, "--require-verdict", digest)...)
	if !strings.Contains(stdout, "Verdict passed") {
		t.Errorf("verify stdout %q", stdout)
	}

	other := filepath.Join(dir, "other")
	wantCode(t, 0, "keygen", "--output-key-prefix", other)
	wantCode(t, 1, "verify", "--key", other+".pub", "--insecure-ignore-tlog", "--registry-ca", r.CAFile, digest)
	wantCode(t, 2, "verify", "--key", filepath.Join(dir, "missing.pub"), "--insecure-ignore-tlog", "--registry-ca", r.CAFile, digest)

	t.Setenv("COSIGN_PASSWORD", "wrong-cli-password")
	_, stderr = wantCode(t, 2, append(signArgs, digest)...)
	if !strings.Contains(stderr, "wrong password") || strings.Contains(stderr, "wrong-cli-password") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("wrong password: stderr %q", stderr)
	}
	os.Unsetenv("COSIGN_PASSWORD")
	_, stderr = wantCode(t, 2, append(signArgs, digest)...)
	if !strings.Contains(stderr, "COSIGN_PASSWORD is not set") {
		t.Errorf("no password: stderr %q", stderr)
	}
	for _, s := range []string{password, r.Password} {
		if strings.Contains(stdout+stderr, s) {
			t.Errorf("output leaks %q", s)
		}
	}
}

// Keyless with no token anywhere: exit 2, saying what to configure.
func TestSignKeylessWithoutToken(t *testing.T) {
	for _, v := range []string{"SIGSTORE_ID_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"} {
		t.Setenv(v, "")
	}
	_, stderr := wantCode(t, 2, "sign", "127.0.0.1:1/app@sha256:"+strings.Repeat("0", 64))
	if !strings.Contains(stderr, "SIGSTORE_ID_TOKEN") || !strings.Contains(stderr, "--identity-token") {
		t.Errorf("stderr %q", stderr)
	}
	wantCode(t, 2, "sign", "--tlog-upload=false", "127.0.0.1:1/app@sha256:"+strings.Repeat("0", 64))
}

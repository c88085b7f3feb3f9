package sign

import (
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cosignBinary finds upstream cosign v2.6.5 (a tool dependency in go.mod,
// built by make tools): on PATH, else in $GOPATH/bin. Tests skip without it, unless CI is set.
func cosignBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("cosign"); err == nil {
		return p
	}
	if p := filepath.Join(build.Default.GOPATH, "bin", "cosign"); fileExists(p) {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("cosign is not installed: make tools, or GOEXPERIMENT=jsonv2 go build -o $(go env GOPATH)/bin/cosign github.com/sigstore/cosign/v2/cmd/cosign")
	}
	t.Skip("cosign is not installed (make tools)")
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// runCosign runs cosign against the fixture's registry: its CA, its
// credentials through DOCKER_CONFIG, an empty HOME, no network beyond it.
func (f *fixture) runCosign(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	docker := filepath.Join(home, ".docker")
	if err := f.reg.WriteDockerConfig(docker); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "DOCKER_CONFIG=" + docker,
		"COSIGN_PASSWORD=" + testPassword, "TUF_ROOT=" + filepath.Join(home, "tuf"),
		"SIGSTORE_NO_CACHE=true",
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestInteropCosignVerifiesVouch(t *testing.T) {
	bin := cosignBinary(t)
	f := newFixture(t)
	opts := f.signOpts()
	opts.Attestations = allAttestations(t, f.digest, true, time.Now())
	if _, err := Sign(testContext(t), f.digest, opts); err != nil {
		t.Fatal(err)
	}
	common := []string{"--key", f.pubFile, "--insecure-ignore-tlog=true", "--registry-cacert", f.reg.CAFile}
	if out, err := f.runCosign(t, bin, append(append([]string{"verify"}, common...), f.digest)...); err != nil {
		t.Fatalf("cosign verify: %v\n%s", err, out)
	}
	// The harness can fail: a key that did not sign is refused.
	other, err := GenerateKeys(nil)
	if err != nil {
		t.Fatal(err)
	}
	otherPub := filepath.Join(t.TempDir(), "other.pub")
	writeFile(t, otherPub, other.Public)
	wrong := []string{"verify", "--key", otherPub, "--insecure-ignore-tlog=true", "--registry-cacert", f.reg.CAFile, f.digest}
	if out, err := f.runCosign(t, bin, wrong...); err == nil {
		t.Fatalf("cosign verify accepted a key that did not sign:\n%s", out)
	}
	for _, typ := range []string{"cyclonedx", "vuln", VerdictPredicateType} {
		args := append(append([]string{"verify-attestation", "--type", typ}, common...), f.digest)
		out, err := f.runCosign(t, bin, args...)
		if err != nil {
			t.Fatalf("cosign verify-attestation --type %s: %v\n%s", typ, err, out)
		}
	}
}

func TestInteropVouchVerifiesCosign(t *testing.T) {
	bin := cosignBinary(t)
	f := newFixture(t)
	flags := []string{"--key", f.keyFile, "--tlog-upload=false", "--registry-cacert", f.reg.CAFile, "--yes"}
	if out, err := f.runCosign(t, bin, append(append([]string{"sign"}, flags...), f.digest)...); err != nil {
		t.Fatalf("cosign sign: %v\n%s", err, out)
	}
	pred := filepath.Join(t.TempDir(), "verdict.json")
	v, err := VerdictAttestation(testVerdict(f.digest, true, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, pred, v.Predicate)
	args := append(append([]string{"attest", "--type", VerdictPredicateType, "--predicate", pred}, flags...), f.digest)
	if out, err := f.runCosign(t, bin, args...); err != nil {
		t.Fatalf("cosign attest: %v\n%s", err, out)
	}
	vo := f.verifyOpts()
	vo.RequireVerdict = true
	res, err := Verify(testContext(t), f.digest, vo)
	if err != nil {
		t.Fatalf("vouch verify of cosign's signature: %v", err)
	}
	if res.Signatures != 1 || res.Verdict == nil || !res.Verdict.Passed {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(strings.Join(res.Predicates, " "), VerdictPredicateType) {
		t.Errorf("predicates %v", res.Predicates)
	}
}

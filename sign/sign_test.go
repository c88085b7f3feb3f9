package sign

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
)

func readTestdata(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/sign/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testVerdict(digest string, passed bool, at time.Time) Verdict {
	repo, d, _ := strings.Cut(digest, "@")
	return Verdict{
		Image:    VerdictImage{Name: repo, Digest: d},
		Passed:   passed,
		Policy:   VerdictPolicy{FailOn: "HIGH"},
		Counts:   map[string]int{"CRITICAL": 0, "HIGH": 1, "MEDIUM": 3, "LOW": 7, "UNKNOWN": 0},
		Database: VerdictDatabase{UpdatedAt: at.Add(-6 * time.Hour), AgeSeconds: 6 * 3600},
		Vouch:    VerdictTool{Name: "vouch", Version: "0.1.0"},
		Scanner:  VerdictTool{Name: "trivy", Version: "0.74.0"},
		Time:     at,
	}
}

func allAttestations(t *testing.T, digest string, passed bool, at time.Time) []Attestation {
	t.Helper()
	sbom, err := SBOMAttestation(readTestdata(t, "sbom.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	vuln, err := VulnAttestation(readTestdata(t, "vuln.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	verdict, err := VerdictAttestation(testVerdict(digest, passed, at))
	if err != nil {
		t.Fatal(err)
	}
	return []Attestation{sbom, vuln, verdict}
}

func TestSignAttestVerifyRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	opts := f.signOpts()
	opts.Attestations = allAttestations(t, f.digest, true, time.Now())
	res, err := Sign(ctx, f.digest, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Digest.String() != f.digest {
		t.Errorf("signed %s, want %s", res.Digest, f.digest)
	}
	if res.TlogUploaded {
		t.Error("tlog upload reported with SkipTlogUpload")
	}
	for _, suffix := range []string{"sig", "att"} {
		if !f.tagExists(t, sigTag(f.digest, suffix)) {
			t.Errorf("no %s tag after signing", suffix)
		}
	}

	vo := f.verifyOpts()
	vo.RequireVerdict = true
	vo.RequirePredicates = []string{CycloneDXPredicateType, VulnPredicateType}
	vr, err := Verify(ctx, f.digest, vo)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if vr.Signatures != 1 {
		t.Errorf("%d signatures, want 1", vr.Signatures)
	}
	for _, p := range []string{CycloneDXPredicateType, VulnPredicateType, VerdictPredicateType} {
		if !slices.Contains(vr.Predicates, p) {
			t.Errorf("predicate %s not verified; got %v", p, vr.Predicates)
		}
	}
	if vr.Verdict == nil || !vr.Verdict.Passed || vr.Verdict.Counts["HIGH"] != 1 {
		t.Errorf("verdict %+v", vr.Verdict)
	}

	// Signing again adds no duplicate signature and keeps one attestation
	// per predicate type.
	if _, err := Sign(ctx, f.digest, opts); err != nil {
		t.Fatal(err)
	}
	vr, err = Verify(ctx, f.digest, vo)
	if err != nil {
		t.Fatal(err)
	}
	if vr.Signatures != 1 || len(vr.Predicates) != 3 {
		t.Errorf("after re-signing: %d signatures, predicates %v; want 1 and 3", vr.Signatures, vr.Predicates)
	}
}

func TestSignRefusesTagUnlessResolving(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	tagged := f.repo + ":v1"
	_, err := Sign(ctx, tagged, f.signOpts())
	if !errors.Is(err, ErrTagReference) {
		t.Fatalf("signing a tag: %v, want ErrTagReference", err)
	}
	if f.tagExists(t, sigTag(f.digest, "sig")) {
		t.Fatal("a refused tag left a signature")
	}
	opts := f.signOpts()
	opts.ResolveTag = true
	res, err := Sign(ctx, tagged, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Digest.String() != f.digest {
		t.Errorf("resolved %s, want %s", res.Digest, f.digest)
	}
	if _, err := Verify(ctx, f.digest, f.verifyOpts()); err != nil {
		t.Errorf("verify the resolved digest: %v", err)
	}
}

func TestSignRefusesVerdictAboutAnotherDigest(t *testing.T) {
	f := newFixture(t)
	other := f.push(t, "other")
	opts := f.signOpts()
	opts.Attestations = allAttestations(t, other, true, time.Now())
	_, err := Sign(testContext(t), f.digest, opts)
	if err == nil || !strings.Contains(err.Error(), "verdict is about") {
		t.Fatalf("got %v, want a verdict digest mismatch", err)
	}
	if f.tagExists(t, sigTag(f.digest, "sig")) || f.tagExists(t, sigTag(f.digest, "att")) {
		t.Fatal("a refused sign left a signature or attestation")
	}
}

func TestSignWithEnvKey(t *testing.T) {
	f := newFixture(t)
	t.Setenv("VOUCH_TEST_KEY", string(f.keys.Private))
	t.Setenv("VOUCH_TEST_PUB", string(f.keys.Public))
	opts := f.signOpts()
	opts.Key = "env://VOUCH_TEST_KEY"
	ctx := testContext(t)
	if _, err := Sign(ctx, f.digest, opts); err != nil {
		t.Fatal(err)
	}
	vo := f.verifyOpts()
	vo.Key = "env://VOUCH_TEST_PUB"
	if _, err := Verify(ctx, f.digest, vo); err != nil {
		t.Fatal(err)
	}
}

func TestSignFaults(t *testing.T) {
	f := newFixture(t)
	otherKeys, err := GenerateKeys(nil)
	if err != nil {
		t.Fatal(err)
	}
	unencrypted := t.TempDir() + "/empty-password.key"
	writeFile(t, unencrypted, otherKeys.Private)

	tests := []struct {
		name   string
		image  string
		mutate func(*Options)
		want   string
	}{
		{"wrong password", f.digest, func(o *Options) {
			o.Password = func() ([]byte, error) { return []byte("not-the-password"), nil }
		}, "wrong password"},
		{"password func fails", f.digest, func(o *Options) {
			o.Password = func() ([]byte, error) { return nil, errors.New("COSIGN_PASSWORD is not set") }
		}, "COSIGN_PASSWORD is not set"},
		{"missing key", f.digest, func(o *Options) { o.Key = "/nonexistent/cosign.key" }, "no such file"},
		{"not PEM", f.digest, func(o *Options) { o.Key = "../testdata/sign/garbage.key" }, "not a PEM file"},
		{"public key as private", f.digest, func(o *Options) { o.Key = f.pubFile }, "not an encrypted cosign private key"},
		{"unset env key", f.digest, func(o *Options) { o.Key = "env://VOUCH_TEST_UNSET_KEY" }, "VOUCH_TEST_UNSET_KEY is not set"},
		{"KMS scheme without provider or plugin", f.digest, func(o *Options) { o.Key = "vouchtestkms://key" }, "sigstore-kms-vouchtestkms"},
		{"AWS KMS without credentials", f.digest, func(o *Options) {
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			t.Setenv("AWS_REGION", "us-east-1")
			t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
			o.Key = "awskms:///alias/vouch"
		}, "awskms:///alias/vouch"},
		{"Vault unreachable", f.digest, func(o *Options) {
			t.Setenv("VAULT_ADDR", "http://127.0.0.1:1")
			t.Setenv("VAULT_TOKEN", "vault-test-token-secret")
			t.Setenv("VAULT_MAX_RETRIES", "0")
			o.Key = "hashivault://vouch"
		}, "hashivault://vouch"},
		{"nonexistent digest", f.repo + "@sha256:" + strings.Repeat("ab", 32), nil, "not found"},
		{"wrong registry credentials", f.digest, func(o *Options) {
			o.Registry.Keychain = staticKeychain{&authn.Basic{Username: f.reg.Username, Password: "wrong-registry-pass"}}
		}, "401"},
		{"untrusted registry CA", f.digest, func(o *Options) { o.Registry.CAFile = "" }, "certificate"},
		{"tlog skip without key", f.digest, func(o *Options) { o.Key = "" }, "needs a key"},
		{"key of the empty password with a password", f.digest, func(o *Options) { o.Key = unencrypted }, "wrong password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := f.signOpts()
			if tt.mutate != nil {
				tt.mutate(&opts)
			}
			_, err := Sign(testContext(t), tt.image, opts)
			if err == nil {
				t.Fatal("signed")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if errors.Is(err, ErrNotVerified) {
				t.Errorf("a signing fault is a not-verified error: %v", err)
			}
			noSecret(t, err.Error(), testPassword, "not-the-password", f.reg.Password, "wrong-registry-pass", "vault-test-token-secret",
				pemBody(f.keys.Private), pemBody(otherKeys.Private))
			if f.tagExists(t, sigTag(f.digest, "sig")) {
				t.Fatal("a failed sign left a signature tag")
			}
		})
	}
}

func pemBody(p []byte) string {
	lines := strings.Split(strings.TrimSpace(string(p)), "\n")
	if len(lines) < 3 {
		return ""
	}
	return lines[1]
}

func TestVerdictAttestationNormalizes(t *testing.T) {
	v := testVerdict("r.example/app@sha256:"+strings.Repeat("a", 64), true, time.Date(2026, 12, 4, 13, 0, 0, 0, time.FixedZone("CET", 3600)))
	v.Policy.FailOn = "high"
	v.Counts = map[string]int{"critical": 1, "High": 2}
	a, err := VerdictAttestation(v)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(a.Predicate, &got); err != nil {
		t.Fatal(err)
	}
	if p := got["policy"].(map[string]any); p["failOn"] != "HIGH" {
		t.Errorf("failOn %v", p["failOn"])
	}
	if c := got["counts"].(map[string]any); c["CRITICAL"] != 1.0 || c["HIGH"] != 2.0 || len(c) != 2 {
		t.Errorf("counts %v", c)
	}
	if got["time"] != "2026-12-04T12:00:00Z" {
		t.Errorf("time %v", got["time"])
	}
	if _, err := VerdictAttestation(Verdict{Time: time.Now()}); err == nil {
		t.Error("a verdict without a digest was accepted")
	}
}

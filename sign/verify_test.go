package sign

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/cosign/v2/pkg/oci/empty"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
)

func mustNotVerify(t *testing.T, err error, want string) {
	t.Helper()
	var nv *NotVerifiedError
	if !errors.As(err, &nv) || !errors.Is(err, ErrNotVerified) {
		t.Fatalf("got %v, want a *NotVerifiedError", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	noSecret(t, err.Error())
}

func TestVerifyUnsigned(t *testing.T) {
	f := newFixture(t)
	_, err := Verify(testContext(t), f.digest, f.verifyOpts())
	mustNotVerify(t, err, "no signatures found")
}

func TestVerifyWrongKey(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	if _, err := Sign(ctx, f.digest, f.signOpts()); err != nil {
		t.Fatal(err)
	}
	other, err := GenerateKeys(nil)
	if err != nil {
		t.Fatal(err)
	}
	pub := t.TempDir() + "/other.pub"
	writeFile(t, pub, other.Public)
	vo := f.verifyOpts()
	vo.Key = pub
	_, err = Verify(ctx, f.digest, vo)
	mustNotVerify(t, err, "no valid signature")
}

// A re-pushed tag points at another digest, which vouch never signed.
func TestVerifyRepushedTag(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	if _, err := Sign(ctx, f.digest, f.signOpts()); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, f.repo+":v1", f.verifyOpts()); err != nil {
		t.Fatalf("tag before the re-push: %v", err)
	}
	f.push(t, "v1")
	_, err := Verify(ctx, f.repo+":v1", f.verifyOpts())
	mustNotVerify(t, err, "no signatures found")
	if _, err := Verify(ctx, f.digest, f.verifyOpts()); err != nil {
		t.Errorf("the signed digest itself: %v", err)
	}
}

// A signature layer whose payload was swapped (here: for one naming
// another digest, signed elsewhere) fails, whether or not its signature
// is valid for that payload.
func TestVerifyTamperedSignature(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	other := f.push(t, "other")
	if _, err := Sign(ctx, f.digest, f.signOpts()); err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(ctx, other, f.signOpts()); err != nil {
		t.Fatal(err)
	}
	good := f.signatures(t, f.digest, "sig")[0]
	moved := f.signatures(t, other, "sig")[0]

	// 1. A valid signature copied from another digest.
	f.replaceLayers(t, f.digest, "sig", moved)
	_, err := Verify(ctx, f.digest, f.verifyOpts())
	mustNotVerify(t, err, "no valid signature")

	// 2. This digest's payload with a flipped signature byte.
	payload, err := good.Payload()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := good.Signature()
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0xff
	bad, err := static.NewSignature(payload, base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	f.replaceLayers(t, f.digest, "sig", bad)
	_, err = Verify(ctx, f.digest, f.verifyOpts())
	mustNotVerify(t, err, "no valid signature")
}

func TestVerifyVerdict(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	t0 := time.Now().Add(-time.Hour)
	opts := f.signOpts()
	opts.Attestations = allAttestations(t, f.digest, false, t0)
	if _, err := Sign(ctx, f.digest, opts); err != nil {
		t.Fatal(err)
	}
	vo := f.verifyOpts()
	vr, err := Verify(ctx, f.digest, vo)
	if err != nil {
		t.Fatalf("without RequireVerdict a failed verdict still verifies: %v", err)
	}
	if vr.Verdict == nil || vr.Verdict.Passed {
		t.Fatalf("verdict %+v, want failed", vr.Verdict)
	}
	vo.RequireVerdict = true
	_, err = Verify(ctx, f.digest, vo)
	mustNotVerify(t, err, "says failed")

	// A later passing verdict replaces it.
	opts.Attestations = allAttestations(t, f.digest, true, t0.Add(30*time.Minute))
	if _, err := Sign(ctx, f.digest, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, f.digest, vo); err != nil {
		t.Fatalf("after the passing verdict: %v", err)
	}
}

func TestVerifyRequireVerdictWithoutOne(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	if _, err := Sign(ctx, f.digest, f.signOpts()); err != nil {
		t.Fatal(err)
	}
	vo := f.verifyOpts()
	vo.RequireVerdict = true
	_, err := Verify(ctx, f.digest, vo)
	mustNotVerify(t, err, "attestation")
}

// An attacker who rewrites passed:false to passed:true breaks the DSSE
// signature.
func TestVerifyTamperedVerdict(t *testing.T) {
	f := newFixture(t)
	ctx := testContext(t)
	opts := f.signOpts()
	v, err := VerdictAttestation(testVerdict(f.digest, false, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	opts.Attestations = []Attestation{v}
	if _, err := Sign(ctx, f.digest, opts); err != nil {
		t.Fatal(err)
	}
	att := f.signatures(t, f.digest, "att")[0]
	raw, err := att.Payload()
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	body, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
	forged := strings.Replace(string(body), `"passed":false`, `"passed":true`, 1)
	if forged == string(body) {
		t.Fatal("verdict payload has no passed:false to forge")
	}
	env["payload"] = base64.StdEncoding.EncodeToString([]byte(forged))
	forgedEnv, _ := json.Marshal(env)
	bad, err := static.NewAttestation(forgedEnv, attestationOptions(v)...)
	if err != nil {
		t.Fatal(err)
	}
	f.replaceLayers(t, f.digest, "att", bad)
	vo := f.verifyOpts()
	vo.RequireVerdict = true
	_, err = Verify(ctx, f.digest, vo)
	mustNotVerify(t, err, "attestation")
}

func TestVerifyFaults(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		image  string
		mutate func(*VerifyOptions)
		want   string
	}{
		{"missing key", f.digest, func(o *VerifyOptions) { o.Key = "/nonexistent/cosign.pub" }, "no such file"},
		{"private key as public", f.digest, func(o *VerifyOptions) { o.Key = f.keyFile }, "not a PEM public key"},
		{"no key no identity", f.digest, func(o *VerifyOptions) { o.Key = "" }, "nothing to verify against"},
		{"keyless without issuer", f.digest, func(o *VerifyOptions) {
			o.Key, o.Identity = "", Identity{Subject: "me@example.com"}
		}, "OIDC issuer"},
		{"nonexistent digest", f.repo + "@sha256:" + strings.Repeat("cd", 32), nil, "not found"},
		{"wrong registry credentials", f.digest, func(o *VerifyOptions) {
			o.Registry.Keychain = staticKeychain{&authn.Basic{Username: f.reg.Username, Password: "wrong-registry-pass"}}
		}, "401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := f.verifyOpts()
			if tt.mutate != nil {
				tt.mutate(&opts)
			}
			_, err := Verify(testContext(t), tt.image, opts)
			if err == nil || errors.Is(err, ErrNotVerified) {
				t.Fatalf("got %v, want an error that is not a verification failure", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			noSecret(t, err.Error(), f.reg.Password, "wrong-registry-pass")
		})
	}
}

// signatures reads the signature or attestation layers of digest.
func (f *fixture) signatures(t *testing.T, digest, suffix string) []oci.Signature {
	t.Helper()
	d, err := name.NewDigest(digest)
	if err != nil {
		t.Fatal(err)
	}
	opts := []ociremote.Option{ociremote.WithRemoteOptions(f.remoteOpts()...)}
	tag, err := ociremote.SignatureTag(d, opts...)
	if suffix == "att" {
		tag, err = ociremote.AttestationTag(d, opts...)
	}
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := ociremote.Signatures(tag, opts...)
	if err != nil {
		t.Fatal(err)
	}
	l, err := sigs.Get()
	if err != nil {
		t.Fatal(err)
	}
	if len(l) == 0 {
		t.Fatalf("no %s layers for %s", suffix, digest)
	}
	return l
}

// replaceLayers overwrites the .sig or .att tag of digest with layers, as
// anyone with push rights could.
func (f *fixture) replaceLayers(t *testing.T, digest, suffix string, layers ...oci.Signature) {
	t.Helper()
	sigs, err := mutate.AppendSignatures(empty.Signatures(), false, layers...)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(f.repo + ":" + sigTag(digest, suffix))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, sigs, f.remoteOpts()...); err != nil {
		t.Fatal(err)
	}
}

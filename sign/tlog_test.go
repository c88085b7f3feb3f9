package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// fakeRekor accepts entries and answers like Rekor v1, signing each
// entry's SET with its own key: enough for Sign to upload and attach
// bundles, and for Verify to check them against a trusted root naming the
// key (trustedRootFor). It does not canonicalize dsse entries, so only
// signatures, not attestations, verify through it.
type fakeRekor struct {
	mu    sync.Mutex
	kinds []string
	key   *ecdsa.PrivateKey
	time  int64
}

func (f *fakeRekor) logID() string {
	der, _ := x509.MarshalPKIXPublicKey(&f.key.PublicKey)
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func (f *fakeRekor) serve(t *testing.T) *httptest.Server {
	f.key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f.time = time.Now().Unix()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/log/entries" {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var entry struct {
			Kind string `json:"kind"`
		}
		_ = json.Unmarshal(body, &entry)
		f.mu.Lock()
		f.kinds = append(f.kinds, entry.Kind)
		n := int64(len(f.kinds))
		f.mu.Unlock()
		payload := cbundle.RekorPayload{Body: base64.StdEncoding.EncodeToString(body), IntegratedTime: f.time, LogIndex: n, LogID: f.logID()}
		raw, _ := json.Marshal(payload)
		canonical, err := jsoncanonicalizer.Transform(raw)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		digest := sha256.Sum256(canonical)
		set, _ := ecdsa.SignASN1(rand.Reader, f.key, digest[:])
		resp := map[string]any{fmt.Sprintf("%064x", n): map[string]any{
			"body": payload.Body, "integratedTime": payload.IntegratedTime, "logID": payload.LogID, "logIndex": n,
			"verification": map[string]any{"signedEntryTimestamp": base64.StdEncoding.EncodeToString(set)},
		}}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// trustedRootFor writes a trusted_root.json trusting the fake log and,
// when given, a fake Fulcio CA.
func trustedRootFor(t *testing.T, rekor *fakeRekor, ca *x509.Certificate) string {
	t.Helper()
	id, _ := hex.DecodeString(rekor.logID())
	logs := map[string]*root.TransparencyLog{rekor.logID(): {
		BaseURL: "https://rekor.test", ID: id, ValidityPeriodStart: time.Now().Add(-time.Hour),
		HashFunc: crypto.SHA256, PublicKey: &rekor.key.PublicKey, SignatureHashFunc: crypto.SHA256,
	}}
	var cas []root.CertificateAuthority
	if ca != nil {
		cas = append(cas, &root.FulcioCertificateAuthority{Root: ca, ValidityPeriodStart: time.Now().Add(-time.Hour), URI: "https://fulcio.test"})
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, cas, nil, nil, logs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trusted_root.json")
	writeFile(t, path, b)
	return path
}

func TestSignUploadsToTlog(t *testing.T) {
	f := newFixture(t)
	rekor := &fakeRekor{}
	srv := rekor.serve(t)
	opts := f.signOpts()
	opts.SkipTlogUpload, opts.RekorURL = false, srv.URL
	v, err := VerdictAttestation(testVerdict(f.digest, true, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	opts.Attestations = []Attestation{v}
	res, err := Sign(testContext(t), f.digest, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.TlogUploaded {
		t.Error("TlogUploaded is false")
	}
	if strings.Join(rekor.kinds, ",") != "hashedrekord,dsse" {
		t.Errorf("uploaded %v, want hashedrekord then dsse", rekor.kinds)
	}
	for _, suffix := range []string{"sig", "att"} {
		b, err := f.signatures(t, f.digest, suffix)[0].Bundle()
		if err != nil || b == nil || b.Payload.IntegratedTime != rekor.time {
			t.Errorf("%s: bundle %+v, %v", suffix, b, err)
		}
	}
	// The signature itself still verifies with the key.
	if _, err := Verify(testContext(t), f.digest, f.verifyOpts()); err != nil {
		t.Fatal(err)
	}
}

func TestSignTlogRefusedWritesNothing(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"code":500,"message":"log is read-only"}`, http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	opts := f.signOpts()
	opts.SkipTlogUpload, opts.RekorURL = false, srv.URL
	_, err := Sign(testContext(t), f.digest, opts)
	if err == nil || !strings.Contains(err.Error(), "transparency log") {
		t.Fatalf("got %v, want a transparency log error", err)
	}
	if f.tagExists(t, sigTag(f.digest, "sig")) {
		t.Fatal("a refused tlog upload left a signature")
	}
}

// Keyless end to end against fakes: the token goes to Fulcio, the
// ephemeral key's certificate is attached to the signature and the
// attestation, the certificate goes to the log, and Verify accepts the
// signature for the right identity under a trusted root naming the fakes.
func TestSignKeylessWithFakes(t *testing.T) {
	f := newFixture(t)
	token := fakeJWT(map[string]any{"email": "ci@example.com", "email_verified": true})
	fulcio, ca := fakeFulcio(t, token, "ci@example.com")
	rekor := &fakeRekor{}
	srv := rekor.serve(t)
	opts := f.signOpts()
	opts.Key, opts.SkipTlogUpload, opts.RekorURL = "", false, srv.URL
	opts.Keyless = Keyless{FulcioURL: fulcio.URL, Getenv: envOf(map[string]string{"SIGSTORE_ID_TOKEN": token})}
	v, err := VerdictAttestation(testVerdict(f.digest, true, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	opts.Attestations = []Attestation{v}
	if _, err := Sign(testContext(t), f.digest, opts); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"sig", "att"} {
		l := f.signatures(t, f.digest, suffix)[0]
		cert, err := l.Cert()
		if err != nil || cert == nil || len(cert.EmailAddresses) != 1 || cert.EmailAddresses[0] != "ci@example.com" {
			t.Errorf("%s: certificate %v, %v", suffix, cert, err)
		}
		if chain, err := l.Chain(); err != nil || len(chain) == 0 {
			t.Errorf("%s: chain %v, %v", suffix, chain, err)
		}
	}
	if len(rekor.kinds) != 2 {
		t.Errorf("log entries %v, want 2", rekor.kinds)
	}

	ctx := testContext(t)
	vo := VerifyOptions{
		Identity:    Identity{Subject: "ci@example.com", Issuer: fakeIssuer},
		TrustedRoot: trustedRootFor(t, rekor, ca),
		IgnoreSCT:   true,
		Registry:    f.registry(),
	}
	if _, err := Verify(ctx, f.digest, vo); err != nil {
		t.Fatalf("keyless verify: %v", err)
	}
	for name, id := range map[string]Identity{
		"other subject": {Subject: "someone@example.com", Issuer: fakeIssuer},
		"other issuer":  {Subject: "ci@example.com", Issuer: "https://token.actions.githubusercontent.com"},
	} {
		vo.Identity = id
		_, err := Verify(ctx, f.digest, vo)
		if !errors.Is(err, ErrNotVerified) {
			t.Errorf("%s: got %v, want not verified", name, err)
		}
	}
	// Without the fake CA in the root, the certificate is untrusted.
	vo.Identity, vo.TrustedRoot = Identity{Subject: "ci@example.com", Issuer: fakeIssuer}, trustedRootFor(t, rekor, nil)
	if _, err := Verify(ctx, f.digest, vo); !errors.Is(err, ErrNotVerified) {
		t.Errorf("untrusted CA: got %v, want not verified", err)
	}
	// The key-based verifier does not accept it.
	_, err = Verify(ctx, f.digest, f.verifyOpts())
	mustNotVerify(t, err, "no valid signature")
}

// With the log required, a key-based signature verifies only with its log
// entry: one made with SkipTlogUpload does not.
func TestVerifyRequiresTlogEntry(t *testing.T) {
	f := newFixture(t)
	other := f.push(t, "other")
	rekor := &fakeRekor{}
	srv := rekor.serve(t)
	ctx := testContext(t)
	opts := f.signOpts()
	opts.SkipTlogUpload, opts.RekorURL = false, srv.URL
	if _, err := Sign(ctx, f.digest, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(ctx, other, f.signOpts()); err != nil {
		t.Fatal(err)
	}
	vo := f.verifyOpts()
	vo.IgnoreTlog, vo.TrustedRoot = false, trustedRootFor(t, rekor, nil)
	if _, err := Verify(ctx, f.digest, vo); err != nil {
		t.Fatalf("logged signature: %v", err)
	}
	_, err := Verify(ctx, other, vo)
	mustNotVerify(t, err, "no valid signature")
	vo.TrustedRoot = filepath.Join(t.TempDir(), "missing.json")
	if _, err := Verify(ctx, f.digest, vo); err == nil || errors.Is(err, ErrNotVerified) {
		t.Errorf("missing trusted root: got %v, want an error", err)
	}
}

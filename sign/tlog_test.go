package sign

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRekor accepts entries and answers like Rekor, without a real SET:
// enough to check that Sign uploads and attaches the bundle. Verifying a
// real log entry needs the public-good trusted root and is not tested.
type fakeRekor struct {
	mu    sync.Mutex
	kinds []string
}

func (f *fakeRekor) serve(t *testing.T) *httptest.Server {
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
		n := len(f.kinds)
		f.mu.Unlock()
		resp := map[string]any{strings.Repeat("a", 63) + string(rune('0'+n)): map[string]any{
			"body":           base64.StdEncoding.EncodeToString(body),
			"integratedTime": 1796378400,
			"logID":          strings.Repeat("c", 64),
			"logIndex":       n,
			"verification":   map[string]any{"signedEntryTimestamp": base64.StdEncoding.EncodeToString([]byte("fake-set"))},
		}}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
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
		if err != nil || b == nil || b.Payload.IntegratedTime != 1796378400 {
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
// attestation, and the certificate (not a key) goes to the log. Verifying
// it needs the public-good trusted root, so only the write side is tested.
func TestSignKeylessWithFakes(t *testing.T) {
	f := newFixture(t)
	token := fakeJWT(map[string]any{"email": "ci@example.com", "email_verified": true})
	fulcio := fakeFulcio(t, token, "ci@example.com")
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
	// The key-based verifier does not accept it.
	_, err = Verify(testContext(t), f.digest, f.verifyOpts())
	mustNotVerify(t, err, "no valid signature")
}

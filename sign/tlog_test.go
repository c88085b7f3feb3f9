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

package sign

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// A registry that lets the signer read but refuses every write: the error
// names the refusal on one line, and neither .sig nor .att appears.
func TestSignRegistryRefusesPush(t *testing.T) {
	f := newFixture(t)
	target, _ := url.Parse(f.reg.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = f.reg.Transport()
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			r.Host = target.Host
			proxy.ServeHTTP(w, r)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}`))
		}
	}))
	t.Cleanup(front.Close)
	frontHost := strings.TrimPrefix(front.URL, "http://")
	image := strings.Replace(f.digest, f.reg.Host, frontHost, 1)

	opts := f.signOpts()
	opts.Registry = Registry{Keychain: f.registry().Keychain, Insecure: true}
	opts.Attestations = allAttestations(t, image, true, time.Now())
	_, err := Sign(testContext(t), image, opts)
	if err == nil {
		t.Fatal("signed through a registry that refuses writes")
	}
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode != http.StatusForbidden || !strings.Contains(err.Error(), "403") {
		t.Errorf("error %q (%T), want a 403 transport error", err, err)
	}
	t.Logf("error: %v", err)
	noSecret(t, err.Error(), testPassword, f.reg.Password)
	for _, suffix := range []string{"sig", "att"} {
		if f.tagExists(t, sigTag(f.digest, suffix)) {
			t.Errorf("a refused push left a %s tag", suffix)
		}
	}
}

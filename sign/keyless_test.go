package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// fakeJWT is an unsigned token with the given claims; Fulcio would verify
// it, vouch only reads the subject.
func fakeJWT(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"ES256"}`)) + "." + enc(b) + "." + enc([]byte("sig"))
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// githubServer plays the Actions OIDC endpoint.
func githubServer(t *testing.T, requestToken, idToken string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+requestToken {
			http.Error(w, "bad request token", http.StatusUnauthorized)
			return
		}
		if got := r.URL.Query().Get("audience"); got != "sigstore" {
			http.Error(w, "audience "+got, http.StatusBadRequest)
			return
		}
		if r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "lost the runner's query", http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"value": idToken})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDiscoverToken(t *testing.T) {
	const reqToken = "gh-request-token-secret"
	ghToken := fakeJWT(map[string]any{"sub": "repo:vouch-dev/app:ref:refs/heads/main"})
	gh := githubServer(t, reqToken, ghToken)
	ghEnv := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   gh.URL + "/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": reqToken,
	}
	tests := []struct {
		name       string
		k          Keyless
		wantToken  string
		wantSource string
		wantErr    string
	}{
		{"explicit wins", Keyless{IdentityToken: "explicit-tok", Getenv: envOf(map[string]string{"SIGSTORE_ID_TOKEN": "gl"})}, "explicit-tok", TokenExplicit, ""},
		{"GitLab SIGSTORE_ID_TOKEN", Keyless{Getenv: envOf(map[string]string{"SIGSTORE_ID_TOKEN": "gitlab-tok\n"})}, "gitlab-tok", TokenEnv, ""},
		{"GitHub Actions", Keyless{Getenv: envOf(ghEnv)}, ghToken, TokenGitHub, ""},
		{"GitHub Actions, wrong request token", Keyless{Getenv: envOf(map[string]string{
			"ACTIONS_ID_TOKEN_REQUEST_URL":   ghEnv["ACTIONS_ID_TOKEN_REQUEST_URL"],
			"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "wrong-request-token-secret",
		})}, "", "", "401"},
		{"GitHub Actions, only the URL", Keyless{Getenv: envOf(map[string]string{
			"ACTIONS_ID_TOKEN_REQUEST_URL": ghEnv["ACTIONS_ID_TOKEN_REQUEST_URL"],
		})}, "", "", "id-token: write"},
		{"GitHub Actions, server down", Keyless{Getenv: envOf(map[string]string{
			"ACTIONS_ID_TOKEN_REQUEST_URL":   "http://127.0.0.1:1/token",
			"ACTIONS_ID_TOKEN_REQUEST_TOKEN": reqToken,
		})}, "", "", "token request"},
		{"nothing", Keyless{Getenv: envOf(nil)}, "", "", "no signing key and no OIDC identity token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, src, err := DiscoverToken(testContext(t), tt.k)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				noSecret(t, err.Error(), reqToken, "wrong-request-token-secret", ghToken)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok != tt.wantToken || src != tt.wantSource {
				t.Errorf("got %q from %s, want %q from %s", tok, src, tt.wantToken, tt.wantSource)
			}
		})
	}
}

// With no key and no token, Sign says what to configure and pushes nothing.
func TestSignWithoutKeyOrToken(t *testing.T) {
	f := newFixture(t)
	opts := f.signOpts()
	opts.Key, opts.SkipTlogUpload = "", false
	opts.Keyless = Keyless{Getenv: envOf(nil)}
	_, err := Sign(testContext(t), f.digest, opts)
	if !errors.Is(err, ErrNoSigner) {
		t.Fatalf("got %v, want ErrNoSigner", err)
	}
	for _, want := range []string{"--identity-token", "SIGSTORE_ID_TOKEN", "id-token: write"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if f.tagExists(t, sigTag(f.digest, "sig")) {
		t.Fatal("signature pushed without a signer")
	}
}

func TestTokenSubject(t *testing.T) {
	tests := []struct {
		claims map[string]any
		want   string
	}{
		{map[string]any{"email": "dev@example.com", "email_verified": true, "sub": "123"}, "dev@example.com"},
		{map[string]any{"email": "dev@example.com", "email_verified": "true"}, "dev@example.com"},
		{map[string]any{"email": "dev@example.com", "email_verified": false}, ""},
		{map[string]any{"sub": "repo:vouch-dev/app:ref:refs/heads/main"}, "repo:vouch-dev/app:ref:refs/heads/main"},
		{map[string]any{}, ""},
	}
	for _, tt := range tests {
		got, err := tokenSubject(fakeJWT(tt.claims))
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("%v: got %q, %v; want %q", tt.claims, got, err, tt.want)
		}
	}
	if _, err := tokenSubject("not-a-jwt"); err == nil {
		t.Error("a non-JWT token has a subject")
	}
}

// fakeFulcio issues a certificate for the posted key after checking the
// bearer token and the proof of possession, like Fulcio's legacy API.
func fakeFulcio(t *testing.T, token, subject string) (*httptest.Server, *x509.Certificate) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fake fulcio"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/signingCert" || r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var req struct {
			PublicKey          struct{ Content []byte }
			SignedEmailAddress []byte
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		pub, err := cryptoutils.UnmarshalPEMToPublicKey(req.PublicKey.Content)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		v, _ := signature.LoadVerifier(pub, crypto.SHA256)
		if err := v.VerifySignature(bytes.NewReader(req.SignedEmailAddress), strings.NewReader(subject)); err != nil {
			http.Error(w, "proof of possession: "+err.Error(), http.StatusBadRequest)
			return
		}
		leaf := &x509.Certificate{SerialNumber: big.NewInt(2), NotBefore: time.Now(), NotAfter: time.Now().Add(10 * time.Minute),
			EmailAddresses: []string{subject}, KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
			// Fulcio's OIDC issuer extension (1.3.6.1.4.1.57264.1.1).
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(fakeIssuer)}}}
		der, err := x509.CreateCertificate(rand.Reader, leaf, caTmpl, pub, caKey)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("SCT", "")
		w.WriteHeader(http.StatusCreated)
		_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: der})
		_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	}))
	t.Cleanup(srv.Close)
	return srv, ca
}

const fakeIssuer = "https://issuer.test"

func TestFulcioCertificate(t *testing.T) {
	token := fakeJWT(map[string]any{"email": "dev@example.com", "email_verified": true})
	srv, _ := fakeFulcio(t, token, "dev@example.com")
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sv, _ := signature.LoadECDSASignerVerifier(priv, crypto.SHA256)
	cert, chain, err := fulcioCertificate(sv, token, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := cryptoutils.UnmarshalCertificatesFromPEM(cert)
	if err != nil || len(certs) != 1 || certs[0].EmailAddresses[0] != "dev@example.com" {
		t.Fatalf("certificate %v, %v", certs, err)
	}
	if !bytes.Contains(chain, []byte("BEGIN CERTIFICATE")) {
		t.Error("no chain")
	}
	if pub, _ := sv.PublicKey(); !priv.PublicKey.Equal(certs[0].PublicKey) || pub == nil {
		t.Error("certificate is not for the ephemeral key")
	}

	// A refused token: the error names Fulcio's answer, never the token.
	other := fakeJWT(map[string]any{"email": "dev@example.com", "email_verified": true, "nonce": "x"})
	_, _, err = fulcioCertificate(sv, other, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("got %v, want a 401", err)
	}
	noSecret(t, err.Error(), other)
}

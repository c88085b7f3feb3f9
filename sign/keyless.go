package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sigstore/fulcio/pkg/api"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Keyless configures signing with a short-lived Fulcio certificate bound to
// an OIDC identity, used when Options.Key is empty.
type Keyless struct {
	// IdentityToken is an OIDC token given explicitly (--identity-token).
	// Empty means discover one: SIGSTORE_ID_TOKEN (GitLab id_tokens, or any
	// CI), then GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL and
	// ACTIONS_ID_TOKEN_REQUEST_TOKEN, with 'permissions: id-token: write').
	IdentityToken string
	// FulcioURL is the certificate authority; empty means DefaultFulcioURL.
	FulcioURL string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HTTPClient fetches the GitHub Actions token; nil means a client with
	// a 30-second timeout.
	HTTPClient *http.Client
}

// Token sources DiscoverToken reports.
const (
	TokenExplicit = "explicit"
	TokenEnv      = "SIGSTORE_ID_TOKEN"
	TokenGitHub   = "github-actions"
)

// sigstoreAudience is the audience Fulcio accepts.
const sigstoreAudience = "sigstore"

// DiscoverToken finds an OIDC identity token and says where it came from.
// With none available it returns ErrNoSigner. Errors never contain a token.
func DiscoverToken(ctx context.Context, k Keyless) (token, source string, err error) {
	getenv := k.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if t := strings.TrimSpace(k.IdentityToken); t != "" {
		return t, TokenExplicit, nil
	}
	if t := strings.TrimSpace(getenv("SIGSTORE_ID_TOKEN")); t != "" {
		return t, TokenEnv, nil
	}
	reqURL, reqToken := getenv("ACTIONS_ID_TOKEN_REQUEST_URL"), getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if reqURL != "" && reqToken != "" {
		t, err := githubToken(ctx, k.HTTPClient, reqURL, reqToken)
		if err != nil {
			return "", "", err
		}
		return t, TokenGitHub, nil
	}
	if reqURL != "" || reqToken != "" {
		return "", "", errors.New("GitHub Actions OIDC: only one of ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN is set; " +
			"give the job 'permissions: id-token: write'")
	}
	return "", "", ErrNoSigner
}

// githubToken asks the Actions runtime for a token with audience sigstore.
func githubToken(ctx context.Context, hc *http.Client, reqURL, reqToken string) (string, error) {
	u, err := url.Parse(reqURL)
	if err != nil {
		return "", errors.New("GitHub Actions OIDC: ACTIONS_ID_TOKEN_REQUEST_URL is not a URL")
	}
	q := u.Query()
	q.Set("audience", sigstoreAudience)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("GitHub Actions OIDC: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+reqToken)
	req.Header.Set("Accept", "application/json")
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL carries no secret, but keep the line short
		}
		return "", fmt.Errorf("GitHub Actions OIDC: token request to %s failed: %w", u.Host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("GitHub Actions OIDC: reading the token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GitHub Actions OIDC: token request answered %s", resp.Status)
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Value == "" {
		return "", errors.New("GitHub Actions OIDC: the token response has no value")
	}
	return v.Value, nil
}

// tokenSubject reads the identity Fulcio will certify from the token,
// without verifying it (Fulcio does): the email when verified, else sub.
func tokenSubject(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("identity token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", errors.New("identity token: claims are not base64url")
	}
	var c struct {
		Email    string `json:"email"`
		Verified any    `json:"email_verified"`
		Subject  string `json:"sub"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", errors.New("identity token: claims are not JSON")
	}
	if c.Email != "" {
		if v := fmt.Sprint(c.Verified); v != "true" && v != "True" {
			return "", errors.New("identity token: email is not verified by the identity provider")
		}
		return c.Email, nil
	}
	if c.Subject == "" {
		return "", errors.New("identity token: no subject")
	}
	return c.Subject, nil
}

// newKeylessSigner makes an ephemeral key and has Fulcio certify it for the
// token's identity.
func newKeylessSigner(ctx context.Context, k Keyless) (*signer, error) {
	token, _, err := DiscoverToken(ctx, k)
	if err != nil {
		return nil, err
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	sv, err := signature.LoadECDSASignerVerifier(priv, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	cert, chain, err := fulcioCertificate(sv, token, k.FulcioURL)
	if err != nil {
		return nil, err
	}
	return &signer{sv: sv, cert: cert, chain: chain}, nil
}

// fulcioCertificate asks Fulcio for a certificate for sv's public key,
// proving possession by signing the token's subject.
func fulcioCertificate(sv signature.SignerVerifier, token, fulcioURL string) (cert, chain []byte, err error) {
	sub, err := tokenSubject(token)
	if err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(fulcioURL)
	if err != nil || u.Host == "" {
		return nil, nil, fmt.Errorf("Fulcio URL %q is not a URL", fulcioURL)
	}
	pub, err := sv.PublicKey()
	if err != nil {
		return nil, nil, err
	}
	pubPEM, err := cryptoutils.MarshalPublicKeyToPEM(pub)
	if err != nil {
		return nil, nil, err
	}
	proof, err := sv.SignMessage(strings.NewReader(sub))
	if err != nil {
		return nil, nil, err
	}
	resp, err := api.NewClient(u, api.WithTimeout(30*time.Second)).SigningCert(api.CertificateRequest{
		PublicKey:          api.Key{Content: pubPEM},
		SignedEmailAddress: proof,
	}, token)
	if err != nil {
		return nil, nil, fmt.Errorf("Fulcio %s: certificate request failed: %s", u.Host, redact(err.Error(), token))
	}
	return resp.CertPEM, resp.ChainPEM, nil
}

// redact removes a secret from a message, in case a server echoed it.
func redact(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "[redacted]")
}

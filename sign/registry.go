package sign

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
)

// Registry says how to reach the registry that holds the image and its
// signatures.
type Registry struct {
	// Keychain finds credentials. Nil means authn.DefaultKeychain: the
	// Docker config ($DOCKER_CONFIG/config.json) and its credential helpers.
	Keychain authn.Keychain
	// Transport carries the requests. Nil means a clone of
	// http.DefaultTransport, trusting CAFile if set.
	Transport http.RoundTripper
	// CAFile is a PEM bundle of CAs trusted for the registry, in addition
	// to the system's. Ignored when Transport is set.
	CAFile string
	// Insecure allows plain HTTP registries.
	Insecure bool
	// UserAgent is sent with every request.
	UserAgent string
}

// clientOptions builds the go-containerregistry and cosign options, bound to
// ctx.
func (r Registry) clientOptions(ctx context.Context) ([]ociremote.Option, []name.Option, error) {
	kc := r.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	rt := r.Transport
	if rt == nil {
		t, err := r.transport()
		if err != nil {
			return nil, nil, err
		}
		rt = t
	}
	ropts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(kc),
		remote.WithTransport(rt),
	}
	if r.UserAgent != "" {
		ropts = append(ropts, remote.WithUserAgent(r.UserAgent))
	}
	var nopts []name.Option
	if r.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	return []ociremote.Option{ociremote.WithRemoteOptions(ropts...), ociremote.WithNameOptions(nopts...)}, nopts, nil
}

// reference parses image and builds the client options for it.
func (r Registry) reference(ctx context.Context, image string) (name.Reference, []ociremote.Option, error) {
	ropts, nopts, err := r.clientOptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	ref, err := name.ParseReference(image, nopts...)
	if err != nil {
		return nil, nil, fmt.Errorf("image reference %q: %w", image, err)
	}
	return ref, ropts, nil
}

func (r Registry) transport() (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if r.CAFile == "" {
		return t, nil
	}
	pem, err := os.ReadFile(r.CAFile)
	if err != nil {
		return nil, fmt.Errorf("registry CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("registry CA file %s: no PEM certificates", r.CAFile)
	}
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return t, nil
}

// registryError shortens a registry failure to one line naming the cause,
// keeping the original for errors.As.
func registryError(err error) error {
	var te *transport.Error
	if !errors.As(err, &te) {
		if msg := oneLine(err.Error()); msg != err.Error() {
			return &wrappedError{msg: msg, err: err}
		}
		return err
	}
	var msg string
	switch te.StatusCode {
	case http.StatusUnauthorized:
		msg = "registry refused the credentials (401 Unauthorized); log in (docker login) or set DOCKER_CONFIG"
	case http.StatusForbidden:
		msg = "registry denied access (403 Forbidden); the credentials lack push or pull rights"
	case http.StatusNotFound:
		msg = "not found in the registry (404)"
	default:
		msg = oneLine(err.Error())
	}
	return &wrappedError{msg: msg, err: err}
}

type wrappedError struct {
	msg string
	err error
}

func (e *wrappedError) Error() string { return e.msg }
func (e *wrappedError) Unwrap() error { return e.err }

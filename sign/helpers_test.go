package sign

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/vouch-dev/vouch/internal/registrytest"
)

const testPassword = "correct-horse-battery-staple"

// fixture is a real TLS+htpasswd registry holding one random image, and a
// key pair on disk.
type fixture struct {
	reg     *registrytest.Registry
	repo    string // 127.0.0.1:PORT/app
	digest  string // repo@sha256:...
	keyFile string
	pubFile string
	keys    KeyPair
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	r := registrytest.Start(t, registrytest.Options{})
	f := &fixture{reg: r, repo: r.Host + "/app"}
	f.digest = f.push(t, "v1")
	keys, err := GenerateKeys(func() ([]byte, error) { return []byte(testPassword), nil })
	if err != nil {
		t.Fatal(err)
	}
	f.keys = keys
	dir := t.TempDir()
	f.keyFile, f.pubFile = filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	writeFile(t, f.keyFile, keys.Private)
	writeFile(t, f.pubFile, keys.Public)
	return f
}

// push writes a new random image under tag and returns it by digest.
func (f *fixture) push(t *testing.T, tag string) string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.NewTag(f.repo + ":" + tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, f.remoteOpts()...); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return f.repo + "@" + d.String()
}

func (f *fixture) remoteOpts() []remote.Option {
	return []remote.Option{remote.WithTransport(f.reg.Transport()), remote.WithAuth(f.auth())}
}

func (f *fixture) auth() authn.Authenticator {
	return &authn.Basic{Username: f.reg.Username, Password: f.reg.Password}
}

// registry is how the library reaches the test registry: its CA and
// credentials.
func (f *fixture) registry() Registry {
	return Registry{Keychain: staticKeychain{f.auth()}, CAFile: f.reg.CAFile}
}

func (f *fixture) signOpts() Options {
	return Options{
		Key:            f.keyFile,
		Password:       func() ([]byte, error) { return []byte(testPassword), nil },
		SkipTlogUpload: true,
		Registry:       f.registry(),
	}
}

func (f *fixture) verifyOpts() VerifyOptions {
	return VerifyOptions{Key: f.pubFile, IgnoreTlog: true, Registry: f.registry()}
}

// tagExists says whether repo:tag exists.
func (f *fixture) tagExists(t *testing.T, tag string) bool {
	t.Helper()
	repo, err := name.NewRepository(f.repo)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := remote.List(repo, f.remoteOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tags {
		if tg == tag {
			return true
		}
	}
	return false
}

func sigTag(digest, suffix string) string {
	_, d, _ := strings.Cut(digest, "@")
	return strings.Replace(d, ":", "-", 1) + "." + suffix
}

type staticKeychain struct{ a authn.Authenticator }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) { return k.a, nil }

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// noSecret fails when msg contains any of the secrets.
func noSecret(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("error message leaks a secret: %q", msg)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error message is not one line: %q", msg)
	}
}

// Package registrytest starts a real registry (Debian's docker-registry,
// the CNCF distribution server) on 127.0.0.1 for tests, with TLS from a
// throw-away CA and htpasswd basic auth.
package registrytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Binary is the registry server; tests skip when it is not installed,
// unless CI is set, where its absence is a failure.
const Binary = "docker-registry"

// Options choose the registry's security.
type Options struct {
	// Insecure serves plain HTTP instead of TLS.
	Insecure bool
	// NoAuth turns htpasswd authentication off.
	NoAuth bool
}

// Registry is a running registry.
type Registry struct {
	Host     string // 127.0.0.1:PORT
	Username string
	Password string
	// CAFile is the PEM file of the CA that signed the server certificate.
	CAFile string
	CAPool *x509.CertPool
	Dir    string
	cmd    *exec.Cmd
	logs   *bytes.Buffer
}

// Start starts a registry for the test and stops it when the test ends.
func Start(t testing.TB, opts Options) *Registry {
	t.Helper()
	if _, err := exec.LookPath(Binary); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (apt-get install docker-registry)", Binary)
		}
		t.Skipf("%s is not installed (apt-get install docker-registry)", Binary)
	}
	r, err := New(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// New starts a registry whose files live under dir. Close stops it.
func New(dir string, opts Options) (*Registry, error) {
	r := &Registry{Dir: dir, Username: "vouch", Password: "s3cret-test-pass"}
	if !opts.Insecure {
		if err := r.writeTLS(); err != nil {
			return nil, err
		}
	}
	if !opts.NoAuth {
		hash, err := bcrypt.GenerateFromPassword([]byte(r.Password), bcrypt.MinCost)
		if err != nil {
			return nil, err
		}
		line := fmt.Sprintf("%s:%s\n", r.Username, hash)
		if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(line), 0o600); err != nil {
			return nil, err
		}
	} else {
		r.Username, r.Password = "", ""
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		r.Host = fmt.Sprintf("127.0.0.1:%d", port)
		if lastErr = r.start(opts); lastErr == nil {
			return r, nil
		}
	}
	return nil, lastErr
}

func (r *Registry) start(opts Options) error {
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
  secret: vouch-test-secret
`, filepath.Join(r.Dir, "data"), r.Host)
	if !opts.Insecure {
		cfg += fmt.Sprintf("  tls:\n    certificate: %s\n    key: %s\n",
			filepath.Join(r.Dir, "server.pem"), filepath.Join(r.Dir, "server.key"))
	}
	if !opts.NoAuth {
		cfg += fmt.Sprintf("auth:\n  htpasswd:\n    realm: vouch-test\n    path: %s\n", filepath.Join(r.Dir, "htpasswd"))
	}
	cfgPath := filepath.Join(r.Dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	r.logs = &bytes.Buffer{}
	r.cmd = exec.Command(Binary, "serve", cfgPath)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	// The registry reads REGISTRY_* variables; keep the caller's out.
	r.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + r.Dir}
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", Binary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- r.cmd.Wait() }()
	client := &http.Client{Transport: r.Transport(), Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited: %v: %s", Binary, err, r.logs.String())
		default:
		}
		resp, err := client.Get(r.URL() + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				go func() { <-exited }()
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = r.cmd.Process.Kill()
	return errors.New("registry did not become ready: " + r.logs.String())
}

// URL is the registry's base URL.
func (r *Registry) URL() string {
	if r.CAFile == "" {
		return "http://" + r.Host
	}
	return "https://" + r.Host
}

// Close stops the registry.
func (r *Registry) Close() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
	}
}

// Transport trusts the registry's CA (and nothing else).
func (r *Registry) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if r.CAPool != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: r.CAPool, MinVersion: tls.VersionTLS12}
	}
	return t
}

// WriteDockerConfig writes a Docker config.json holding the registry's
// credentials under dir, for use as DOCKER_CONFIG.
func (r *Registry) WriteDockerConfig(dir string) error {
	auth := base64.StdEncoding.EncodeToString([]byte(r.Username + ":" + r.Password))
	cfg := map[string]any{"auths": map[string]any{r.Host: map[string]string{"auth": auth}}}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600)
}

func (r *Registry) writeTLS() error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "vouch test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	files := map[string][]byte{
		"ca.pem":     caPEM,
		"server.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		"server.key": pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(r.Dir, name), b, 0o600); err != nil {
			return err
		}
	}
	r.CAFile = filepath.Join(r.Dir, "ca.pem")
	r.CAPool = x509.NewCertPool()
	r.CAPool.AddCert(caCert)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

package scan

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy/pkg/db"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	xhttp "github.com/aquasecurity/trivy/pkg/x/http"
)

// Trivy keeps its vulnerability database in a package global: one DB per
// process. dbMu serialises scans in a process; openDir is the DB open now.
var (
	dbMu    sync.Mutex
	openDir string
)

// dbMeta is the database's metadata.json.
type dbMeta struct {
	Version      int       `json:"Version"`
	NextUpdate   time.Time `json:"NextUpdate"`
	UpdatedAt    time.Time `json:"UpdatedAt"`
	DownloadedAt time.Time `json:"DownloadedAt"`
}

func readMeta(dir string) (dbMeta, error) {
	var m dbMeta
	b, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("metadata.json: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "trivy.db")); err != nil {
		return m, err
	}
	return m, nil
}

// openDB makes sure the database in CacheDir/db is present, fresh enough
// and open. The caller holds dbMu.
func (s *Scanner) openDB(ctx context.Context) error {
	dir := db.Dir(s.opts.CacheDir)
	target := "trivy db at " + dir
	meta, err := readMeta(dir)
	now := s.opts.Now()
	need := false
	switch {
	case err != nil && s.opts.SkipDBUpdate:
		return &Error{Target: target, Err: fmt.Errorf("%w; run once without --skip-db-update/--offline", err)}
	case err != nil:
		need = true
	case s.opts.SkipDBUpdate:
	case meta.DownloadedAt.IsZero(), meta.Version != trivydb.SchemaVersion:
		need = true
	case now.After(meta.NextUpdate) && now.After(meta.DownloadedAt.Add(time.Hour)):
		need = true
	}
	downloaded := false
	if need {
		if err := s.downloadDB(ctx, dir); err != nil {
			return err
		}
		downloaded = true
		if meta, err = readMeta(dir); err != nil {
			return &Error{Target: target, Err: err}
		}
	}
	if meta.Version != trivydb.SchemaVersion {
		return &Error{Target: target, Err: fmt.Errorf("schema %d, want %d", meta.Version, trivydb.SchemaVersion)}
	}
	if age := now.Sub(meta.UpdatedAt); age > s.opts.DBMaxAge && !s.opts.AllowStaleDB {
		return &StaleDBError{Dir: dir, Age: age, MaxAge: s.opts.DBMaxAge}
	}
	if openDir == dir && !downloaded {
		return nil
	}
	if openDir != "" {
		_ = trivydb.Close()
		openDir = ""
	}
	if err := db.Init(dir); err != nil {
		return &Error{Target: target, Err: fmt.Errorf("corrupt or unreadable: %s", oneLine(errors.Unwrap(err)))}
	}
	openDir = dir
	return nil
}

// downloadDB fetches the database artifact into a temporary directory
// beside dir and renames it into place, under a lock, so that processes
// sharing the cache never see half a database.
func (s *Scanner) downloadDB(ctx context.Context, dir string) error {
	if err := os.MkdirAll(s.opts.CacheDir, 0o755); err != nil {
		return &Error{Target: "cache dir " + s.opts.CacheDir, Err: err}
	}
	unlock, err := lockFile(filepath.Join(s.opts.CacheDir, "db.lock"))
	if err != nil {
		return &Error{Target: "cache dir " + s.opts.CacheDir, Err: err}
	}
	defer unlock()
	// Another process may have fetched it while we waited for the lock.
	if m, err := readMeta(dir); err == nil && m.Version == trivydb.SchemaVersion &&
		s.opts.Now().Sub(m.DownloadedAt) < time.Minute {
		return nil
	}
	refs := make([]name.Reference, 0, len(s.opts.DBRepositories))
	for _, r := range s.opts.DBRepositories {
		var nopts []name.Option
		if s.opts.Insecure {
			nopts = append(nopts, name.Insecure)
		}
		ref, err := name.ParseReference(r, nopts...)
		if err != nil {
			return &Error{Target: "db repository " + r, Err: err}
		}
		refs = append(refs, ref)
	}
	tmp, err := os.MkdirTemp(s.opts.CacheDir, "db-download-")
	if err != nil {
		return &Error{Target: "cache dir " + s.opts.CacheDir, Err: err}
	}
	defer os.RemoveAll(tmp)
	regOpts, err := s.registryOptions()
	if err != nil {
		return err
	}
	// Trivy's registry client takes its transport from the context.
	ctx = xhttp.WithTransport(ctx, xhttp.NewTransport(xhttp.Options{
		Insecure: s.opts.Insecure, CACerts: regOpts.CACerts, UserAgent: "vouch",
	}))
	// Unlike Trivy, which moves to the next repository only on temporary
	// errors, any failure (unreachable, refused, unknown) tries the next.
	var causes []string
	for i, ref := range refs {
		client := db.NewClient(tmp, !s.opts.DownloadProgress, db.WithDBRepository([]name.Reference{ref}))
		err := client.Download(ctx, tmp, regOpts)
		if err == nil {
			causes = nil
			break
		}
		causes = append(causes, s.opts.DBRepositories[i]+": "+downloadCause(err))
	}
	if len(causes) > 0 {
		return &Error{Target: "trivy db download", Err: errors.New(strings.Join(causes, "; "))}
	}
	if _, err := readMeta(tmp); err != nil {
		return &Error{Target: "trivy db from " + strings.Join(s.opts.DBRepositories, ", "), Err: fmt.Errorf("artifact is not a trivy db: %w", err)}
	}
	if err := os.RemoveAll(dir); err != nil {
		return &Error{Target: "trivy db at " + dir, Err: err}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return &Error{Target: "trivy db at " + dir, Err: err}
	}
	return nil
}

// downloadCause is the cause of a failed download in one line: the
// registry's error code and message, or the innermost error.
func downloadCause(err error) string {
	var terr *transport.Error
	if errors.As(err, &terr) && len(terr.Errors) > 0 {
		d := terr.Errors[0]
		return strings.ToLower(string(d.Code)) + ": " + d.Message
	}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return oneLine(err)
}

// registryOptions are the TLS and auth settings Trivy's own registry
// client (used for the DB download) takes.
func (s *Scanner) registryOptions() (ftypes.RegistryOptions, error) {
	opts := ftypes.RegistryOptions{Insecure: s.opts.Insecure}
	if s.opts.CAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(s.opts.CAFile)
		if err != nil {
			return opts, &Error{Target: "ca file " + s.opts.CAFile, Err: err}
		}
		if !pool.AppendCertsFromPEM(pem) {
			return opts, &Error{Target: "ca file " + s.opts.CAFile, Err: errors.New("no PEM certificate")}
		}
		opts.CACerts = pool
	}
	return opts, nil
}

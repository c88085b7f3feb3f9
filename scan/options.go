package scan

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// DefaultDBRepositories are where Trivy publishes its database, tried in
// order.
var DefaultDBRepositories = []string{"mirror.gcr.io/aquasec/trivy-db:2", "ghcr.io/aquasecurity/trivy-db:2"}

// DefaultDBMaxAge is how old the database may be before a scan fails.
const DefaultDBMaxAge = 72 * time.Hour

// DefaultMaxLayerSize is the largest a layer may expand to.
const DefaultMaxLayerSize = 8 << 30

// Options configure a Scanner. The zero value is usable: New fills the
// defaults.
type Options struct {
	// CacheDir holds the database (CacheDir/db) and, for the "fs" cache
	// backend, the layer cache. Default: the user cache dir + "/vouch".
	CacheDir string
	// DBRepositories are OCI references of the database artifact, tried in
	// order until one answers. Default: DefaultDBRepositories.
	DBRepositories []string
	// SkipDBUpdate uses the database in CacheDir as it is; it must exist.
	SkipDBUpdate bool
	// Offline makes no network call except to fetch the image asked for:
	// it implies SkipDBUpdate.
	Offline bool
	// DBMaxAge is how old (since it was built) the database may be.
	// Default DefaultDBMaxAge.
	DBMaxAge time.Duration
	// AllowStaleDB scans with a database older than DBMaxAge.
	AllowStaleDB bool
	// DownloadProgress draws Trivy's progress bar for the database
	// download on standard error (meant for a terminal).
	DownloadProgress bool

	// Insecure allows plain HTTP and unverified TLS to registries.
	Insecure bool
	// CAFile is a PEM bundle trusted for registries, added to the system
	// roots (for the image and the database download).
	CAFile string
	// Platform picks one image of a multi-platform index ("linux/amd64").
	Platform string
	// AllPlatforms scans every image of an index.
	AllPlatforms bool

	// Vulnerabilities and Secrets choose the scanners; when both are false
	// both run.
	Vulnerabilities bool
	Secrets         bool
	// IgnoreUnfixed drops vulnerabilities with no fixed version, as Trivy
	// does.
	IgnoreUnfixed bool
	// IgnoreFile is a .trivyignore or .trivyignore.yaml file; findings it
	// names are reported as suppressed. A missing file is no error.
	IgnoreFile string
	// VEX are OpenVEX (or CSAF, CycloneDX VEX) documents; vulnerabilities
	// they declare not_affected or fixed are reported as suppressed.
	VEX []string
	// SBOM, when set, is where the CycloneDX SBOM of the same analysis is
	// written. With several platforms, the platform is added to the name.
	SBOM string

	// Server is a Trivy server URL (client/server mode): layers are
	// analysed here, their results cached on the server and matched
	// against the server's database; no local database is needed.
	Server string
	// ServerToken is sent as Trivy-Token to the server.
	ServerToken string

	// CacheBackend is "memory" (default), "fs" (CacheDir/fanal, shared by
	// runs) or a redis:// URL.
	CacheBackend string
	// MaxLayerSize bounds what one layer may expand to, in bytes
	// (default DefaultMaxLayerSize); past it the scan fails.
	MaxLayerSize int64
	// Parallel is how many layers or files are analysed at once (default
	// 5, as Trivy).
	Parallel int
	// Logger receives Trivy's own log records during a scan. Default:
	// discarded.
	Logger *slog.Logger
	// Now is the clock (tests). Default time.Now.
	Now func() time.Time
}

func (o *Options) setDefaults() error {
	if o.CacheDir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("no cache dir: %w; set CacheDir", err)
		}
		o.CacheDir = filepath.Join(d, "vouch")
	}
	if len(o.DBRepositories) == 0 {
		o.DBRepositories = DefaultDBRepositories
	}
	if o.DBMaxAge == 0 {
		o.DBMaxAge = DefaultDBMaxAge
	}
	if o.Offline {
		o.SkipDBUpdate = true
	}
	if !o.Vulnerabilities && !o.Secrets {
		o.Vulnerabilities, o.Secrets = true, true
	}
	if o.Platform == "" {
		o.Platform = "linux/amd64"
	}
	if o.CacheBackend == "" {
		o.CacheBackend = "memory"
	}
	if o.MaxLayerSize == 0 {
		o.MaxLayerSize = DefaultMaxLayerSize
	}
	if o.Parallel == 0 {
		o.Parallel = 5
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// Validate checks options that depend on each other, before any work.
func (o *Options) Validate() error {
	var errs []error
	if o.DBMaxAge < 0 {
		errs = append(errs, errors.New("db max age must not be negative"))
	}
	if o.Parallel < 0 {
		errs = append(errs, errors.New("parallel must not be negative"))
	}
	if o.AllPlatforms && o.Platform != "" && o.Platform != "linux/amd64" {
		errs = append(errs, errors.New("--platform and --all-platforms conflict"))
	}
	if o.Platform != "" {
		if _, err := v1.ParsePlatform(o.Platform); err != nil {
			errs = append(errs, fmt.Errorf("platform %q: %w", o.Platform, err))
		}
	}
	switch b := o.CacheBackend; {
	case b == "", b == "memory", b == "fs", strings.HasPrefix(b, "redis://"), strings.HasPrefix(b, "rediss://"):
	default:
		errs = append(errs, fmt.Errorf("cache backend %q: want memory, fs or redis://HOST", b))
	}
	if o.Server != "" && o.CacheBackend != "" && o.CacheBackend != "memory" {
		errs = append(errs, errors.New("--server caches layers on the server; --cache-backend does not apply"))
	}
	if o.Server != "" && !strings.HasPrefix(o.Server, "http://") && !strings.HasPrefix(o.Server, "https://") {
		errs = append(errs, fmt.Errorf("server %q: want an http:// or https:// URL", o.Server))
	}
	if o.CAFile != "" {
		if _, err := os.Stat(o.CAFile); err != nil {
			errs = append(errs, fmt.Errorf("ca file: %w", err))
		}
	}
	return errors.Join(errs...)
}

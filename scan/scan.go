// Package scan finds known vulnerabilities and secrets in container images
// and directories with Trivy embedded as a library: no trivy binary, no
// global flag state, no TRIVY_* environment, no version check or
// telemetry. An image is resolved to its digest before anything else, and
// one analysis yields the findings, the suppressed findings and the
// CycloneDX SBOM.
package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
	dbtypes "github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy/pkg/cache"
	"github.com/aquasecurity/trivy/pkg/fanal/analyzer"
	"github.com/aquasecurity/trivy/pkg/fanal/applier"
	"github.com/aquasecurity/trivy/pkg/fanal/artifact"
	artimage "github.com/aquasecurity/trivy/pkg/fanal/artifact/image"
	artlocal "github.com/aquasecurity/trivy/pkg/fanal/artifact/local"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/fanal/walker"
	"github.com/aquasecurity/trivy/pkg/report/cyclonedx"
	"github.com/aquasecurity/trivy/pkg/result"
	"github.com/aquasecurity/trivy/pkg/rpc/client"
	tscan "github.com/aquasecurity/trivy/pkg/scan"
	"github.com/aquasecurity/trivy/pkg/scan/langpkg"
	"github.com/aquasecurity/trivy/pkg/scan/local"
	"github.com/aquasecurity/trivy/pkg/scan/ospkg"
	"github.com/aquasecurity/trivy/pkg/types"
	"github.com/aquasecurity/trivy/pkg/vex"
	"github.com/aquasecurity/trivy/pkg/vulnerability"

	"github.com/vouch-dev/vouch/finding"
)

// Scanner scans images and directories. It is safe for concurrent use;
// scans in one process run one at a time, because Trivy's database handle
// is a process global.
type Scanner struct {
	opts Options
}

// New checks opts and fills their defaults.
func New(opts Options) (*Scanner, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Scanner{opts: opts}, nil
}

// ImageSource names the image to scan: exactly one of Ref (a registry
// reference), Input (a docker-archive or OCI archive tar) or OCILayout (an
// OCI layout directory).
type ImageSource struct {
	Ref       string
	Input     string
	OCILayout string
}

// Report is what one analysis of one target produced.
type Report struct {
	Result finding.Result
	// Ref is the scanned image by digest (repository@sha256:…); empty for
	// a filesystem.
	Ref string
	// SBOM is the CycloneDX JSON of the same analysis.
	SBOM []byte
	// Vulnerabilities is Trivy's JSON report (cosign's vuln predicate
	// carries it).
	Vulnerabilities []byte
	// DBUpdatedAt is when the vulnerability database was built.
	DBUpdatedAt time.Time
	// ScannerVersion names the embedded scanner ("trivy v0.74.0").
	ScannerVersion string
}

// ScannerVersion is the embedded Trivy's version.
const ScannerVersion = "trivy v0.74.0"

// Image scans an image. It returns one report per platform scanned.
func (s *Scanner) Image(ctx context.Context, src ImageSource) ([]Report, error) {
	n := 0
	for _, v := range []string{src.Ref, src.Input, src.OCILayout} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("scan one image: a reference, --input FILE or --oci-layout DIR")
	}
	var imgs []*image
	cleanup := func() {}
	var err error
	switch {
	case src.Ref != "":
		imgs, err = s.resolveRemote(ctx, src.Ref)
	case src.Input != "":
		imgs, cleanup, err = s.resolveArchive(src.Input)
	default:
		imgs, err = s.resolveLayout(src.OCILayout)
	}
	if err != nil {
		return nil, err
	}
	defer cleanup()

	dbMu.Lock()
	defer dbMu.Unlock()
	defer setLogTarget(s.opts.Logger.Handler())()
	if err := s.openLocalDB(ctx); err != nil {
		return nil, err
	}
	var out []Report
	for _, img := range imgs {
		img.maxLayer = s.opts.MaxLayerSize
		res, err := s.scanImage(ctx, img, len(imgs) > 1)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

func (s *Scanner) scanImage(ctx context.Context, img *image, several bool) (Report, error) {
	target := finding.Target{Kind: finding.KindImage, Name: img.given, Digest: img.digest}
	sbom := s.opts.SBOM
	if several && sbom != "" && img.platform != "" {
		ext := filepath.Ext(sbom)
		sbom = strings.TrimSuffix(sbom, ext) + "-" + strings.ReplaceAll(img.platform, "/", "-") + ext
	}
	a, err := s.run(ctx, func(c cache.ArtifactCache) (artifact.Artifact, error) {
		return artimage.NewArtifact(img, c, s.artifactOption())
	}, sbom)
	if err != nil {
		// Trivy wraps the cause in six layers of context; a layer that
		// is too large says all that matters itself.
		var big *LayerTooLargeError
		if errors.As(err, &big) {
			err = big
		}
		return Report{}, &Error{Target: img.given, Err: err}
	}
	return s.report(a, convert(a, target, img.repo, img.ref()), img.ref())
}

// FS scans a directory (or a single file): lockfiles, binaries (Go, Rust)
// and secrets.
func (s *Scanner) FS(ctx context.Context, path string) (Report, error) {
	if _, err := os.Stat(path); err != nil {
		return Report{}, &Error{Target: path, Err: err}
	}
	dbMu.Lock()
	defer dbMu.Unlock()
	defer setLogTarget(s.opts.Logger.Handler())()
	if err := s.openLocalDB(ctx); err != nil {
		return Report{}, err
	}
	a, err := s.run(ctx, func(c cache.ArtifactCache) (artifact.Artifact, error) {
		return artlocal.NewArtifact(path, c, walker.NewFS(), s.artifactOption())
	}, s.opts.SBOM)
	if err != nil {
		return Report{}, &Error{Target: path, Err: err}
	}
	return s.report(a, convert(a, finding.Target{Kind: finding.KindFilesystem, Name: path}, "", ""), "")
}

// openLocalDB opens the database unless a server matches for us.
func (s *Scanner) openLocalDB(ctx context.Context) error {
	if s.opts.Server != "" {
		return nil
	}
	return s.openDB(ctx)
}

func (s *Scanner) report(a analysis, res finding.Result, ref string) (Report, error) {
	vulns, err := json.MarshalIndent(a.report, "", "  ")
	if err != nil {
		return Report{}, err
	}
	var meta dbMeta
	if s.opts.Server == "" {
		meta, _ = readMeta(openDir)
	}
	return Report{Result: res, Ref: ref, SBOM: a.sbom, Vulnerabilities: vulns,
		DBUpdatedAt: meta.UpdatedAt, ScannerVersion: ScannerVersion}, nil
}

// analysis is Trivy's filtered report and the expiry dates of the
// ignore-file entries that suppressed findings (keyed by ignore file and
// finding id), which Trivy's filter drops.
type analysis struct {
	report  types.Report
	expires map[string]string
	sbom    []byte
}

// run is one analysis: artifact → Trivy's local scan service → ignore
// file and VEX filtering → SBOM.
func (s *Scanner) run(ctx context.Context, newArtifact func(cache.ArtifactCache) (artifact.Artifact, error), sbomPath string) (analysis, error) {
	c, backend, closeCache, err := s.backend(ctx)
	if err != nil {
		return analysis{}, err
	}
	defer closeCache()
	art, err := newArtifact(c)
	if err != nil {
		return analysis{}, err
	}
	report, err := tscan.NewService(backend, art).ScanArtifact(ctx, s.scanOptions())
	if err != nil {
		return analysis{}, err
	}
	fopts := result.FilterOptions{
		Severities: []dbtypes.Severity{dbtypes.SeverityUnknown, dbtypes.SeverityLow, dbtypes.SeverityMedium, dbtypes.SeverityHigh, dbtypes.SeverityCritical},
		IgnoreFile: s.opts.IgnoreFile,
		CacheDir:   s.opts.CacheDir,
	}
	if s.opts.IgnoreUnfixed {
		for _, st := range dbtypes.Statuses {
			if st != "fixed" {
				fopts.IgnoreStatuses = append(fopts.IgnoreStatuses, dbtypes.NewStatus(st))
			}
		}
	}
	for _, v := range s.opts.VEX {
		if _, err := os.Stat(v); err != nil {
			return analysis{}, fmt.Errorf("vex: %w", err)
		}
		fopts.VEXSources = append(fopts.VEXSources, vex.Source{Type: vex.TypeFile, FilePath: v})
	}
	if err := result.Filter(ctx, report, fopts); err != nil {
		return analysis{}, err
	}
	expires, err := ignoreExpiry(ctx, report, s.opts.IgnoreFile)
	if err != nil {
		return analysis{}, err
	}
	var sbom bytes.Buffer
	if err := cyclonedx.NewWriter(&sbom, "vouch").Write(ctx, report); err != nil {
		return analysis{}, fmt.Errorf("sbom: %w", err)
	}
	if sbomPath != "" {
		// Like the reports, the SBOM's directory is created if missing.
		if err := os.MkdirAll(filepath.Dir(sbomPath), 0o755); err != nil {
			return analysis{}, fmt.Errorf("sbom: %w", err)
		}
		if err := os.WriteFile(sbomPath, sbom.Bytes(), 0o644); err != nil {
			return analysis{}, fmt.Errorf("sbom: %w", err)
		}
	}
	return analysis{report: report, expires: expires, sbom: sbom.Bytes()}, nil
}

// backend is where layers are cached and matched: here (Trivy's local
// service on the local database) or on a Trivy server.
func (s *Scanner) backend(ctx context.Context) (cache.ArtifactCache, tscan.Backend, func(), error) {
	if s.opts.Server != "" {
		headers := http.Header{}
		if s.opts.ServerToken != "" {
			headers.Set("Trivy-Token", s.opts.ServerToken)
		}
		c := cache.NewRemoteCache(ctx, cache.RemoteOptions{ServerAddr: s.opts.Server, CustomHeaders: headers})
		return c, client.NewService(client.ServiceOption{RemoteURL: s.opts.Server, CustomHeaders: headers}), func() {}, nil
	}
	c, closeCache, err := cache.New(cache.Options{Backend: s.opts.CacheBackend, CacheDir: s.opts.CacheDir})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cache: %w", err)
	}
	backend := local.NewService(applier.NewApplier(c), ospkg.NewScanner(), langpkg.NewScanner(), vulnerability.NewClient(db.Config{}))
	return c, backend, closeCache, nil
}

func (s *Scanner) scanOptions() types.ScanOptions {
	var scanners types.Scanners
	if s.opts.Vulnerabilities {
		scanners = append(scanners, types.VulnerabilityScanner)
	}
	if s.opts.Secrets {
		scanners = append(scanners, types.SecretScanner)
	}
	return types.ScanOptions{
		PkgTypes:            []string{types.PkgTypeOS, types.PkgTypeLibrary},
		PkgRelationships:    ftypes.Relationships,
		Scanners:            scanners,
		VulnSeveritySources: []dbtypes.SourceID{"auto"},
	}
}

// artifactOption enables what vouch scans in images and directories
// alike: OS packages, lockfiles and binaries (Trivy's fs scan skips
// binaries, its image scan skips lockfiles; vouch does neither), secrets.
// Off: misconfiguration and licence analysers, jar files (they need the
// Java DB, another download), executables' Rekor lookup.
func (s *Scanner) artifactOption() artifact.Option {
	disabled := []analyzer.Type{analyzer.TypeApkCommand, analyzer.TypeLicenseFile, analyzer.TypeHistoryDockerfile,
		analyzer.TypeExecutable, analyzer.TypeRpmArchive, analyzer.TypeJar}
	disabled = append(disabled, analyzer.TypeConfigFiles...)
	if !s.opts.Secrets {
		disabled = append(disabled, analyzer.TypeSecret)
	}
	if !s.opts.Vulnerabilities {
		disabled = append(disabled, analyzer.TypeLanguages...)
		disabled = append(disabled, analyzer.TypeOSes...)
	}
	return artifact.Option{
		DisabledAnalyzers: disabled,
		Parallel:          s.opts.Parallel,
		NoProgress:        true,
		Offline:           s.opts.Offline,
		Insecure:          s.opts.Insecure,
		// No config path: Trivy's built-in rules, and no trivy-secret.yaml
		// read from the working directory as the trivy CLI does.
		SecretScannerOption: analyzer.SecretScannerOption{},
	}
}

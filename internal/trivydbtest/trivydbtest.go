// Package trivydbtest builds a real trivy-db (bbolt, schema 2) from the
// shared advisory data (../shared/advisories) and publishes it as the OCI
// artifact Trivy downloads, so that scan tests run with no network.
//
// The advisory data is CC-BY-4.0 (GitHub Advisory Database, Go
// Vulnerability Database) and public-domain NVD data; its provenance table
// is ../shared/advisories/README.md, which travels with any DB built here.
package trivydbtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	dbtypes "github.com/aquasecurity/trivy-db/pkg/types"
	bolt "go.etcd.io/bbolt"
)

// Schema is the trivy-db schema version Trivy v0.74.0 reads.
const Schema = 2

// Media types of the DB artifact.
const (
	LayerMediaType  = "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip"
	ConfigMediaType = "application/vnd.aquasec.trivy.config.v1+json"
)

// Bucket names, as trivy-db writes them.
const (
	bucketAlpine   = "alpine 3.19"
	bucketNpm      = "npm::GitHub Security Advisory npm"
	bucketGoGHSA   = "go::GitHub Security Advisory Go"
	bucketGoVulnDB = "go::The Go Vulnerability Database"
)

var dataSources = map[string]dbtypes.DataSource{
	bucketAlpine:   {ID: "alpine", Name: "Alpine Secdb", URL: "https://secdb.alpinelinux.org/"},
	bucketNpm:      {ID: "ghsa", Name: "GitHub Security Advisory npm", URL: "https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm"},
	bucketGoGHSA:   {ID: "ghsa", Name: "GitHub Security Advisory Go", URL: "https://github.com/advisories?query=type%3Areviewed+ecosystem%3Ago"},
	bucketGoVulnDB: {ID: "govulndb", Name: "The Go Vulnerability Database", URL: "https://pkg.go.dev/vuln/"},
}

// Advisory is one record of advisories.json.
type Advisory struct {
	ID                 string   `json:"id"`
	VendorIDs          []string `json:"vendor_ids"`
	Ecosystem          string   `json:"ecosystem"`
	Release            string   `json:"release"`
	Package            string   `json:"package"`
	VulnerableVersions []string `json:"vulnerable_versions"`
	PatchedVersions    []string `json:"patched_versions"`
	FixedVersion       string   `json:"fixed_version"`
}

// Vulnerability is one record of vulnerabilities.json.
type Vulnerability struct {
	ID             string            `json:"id"`
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	VendorSeverity map[string]string `json:"vendor_severity"`
	CVSS           map[string]struct {
		Vector string  `json:"v3_vector"`
		Score  float64 `json:"v3_score"`
	} `json:"cvss"`
	CWEIDs       []string `json:"cwe_ids"`
	References   []string `json:"references"`
	Published    string   `json:"published"`
	LastModified string   `json:"last_modified"`
	Severity     string   `json:"severity"`
}

// Fixture is one package@version of fixtures.json with the ids the data
// set reports for it.
type Fixture struct {
	Package         string   `json:"package"`
	Version         string   `json:"version"`
	ExpectedIDs     []string `json:"expected_ids"`
	NegativeControl bool     `json:"negative_control"`
	Release         string   `json:"release"`
}

// Fixtures is fixtures.json.
type Fixtures struct {
	Go     []Fixture `json:"go"`
	Npm    []Fixture `json:"npm"`
	Alpine []Fixture `json:"alpine"`
}

// Data is the shared advisory data set.
type Data struct {
	Advisories      []Advisory
	Vulnerabilities []Vulnerability
	Fixtures        Fixtures
}

// SharedDir locates the shared data: $VOUCH_SHARED_DIR, else ../shared
// beside the module root found by walking up from the working directory.
func SharedDir() (string, error) {
	if d := os.Getenv("VOUCH_SHARED_DIR"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared")
			if _, err := os.Stat(filepath.Join(d, "advisories")); err != nil {
				return "", fmt.Errorf("shared data not found at %s (set VOUCH_SHARED_DIR)", d)
			}
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Load reads advisories.json, vulnerabilities.json and fixtures.json from
// the shared directory.
func Load(shared string) (*Data, error) {
	dir := filepath.Join(shared, "advisories")
	var adv struct {
		Advisories []Advisory `json:"advisories"`
	}
	var vul struct {
		Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	}
	d := &Data{}
	for name, v := range map[string]any{"advisories.json": &adv, "vulnerabilities.json": &vul, "fixtures.json": &d.Fixtures} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	d.Advisories, d.Vulnerabilities = adv.Advisories, vul.Vulnerabilities
	return d, nil
}

// Metadata is the DB's metadata.json.
type Metadata struct {
	Version      int       `json:"Version"`
	NextUpdate   time.Time `json:"NextUpdate"`
	UpdatedAt    time.Time `json:"UpdatedAt"`
	DownloadedAt time.Time `json:"DownloadedAt"`
}

// Build writes trivy.db and metadata.json into dir. updatedAt is the DB's
// build time (make it old to test the staleness check).
func Build(d *Data, dir string, updatedAt time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "trivy.db")
	_ = os.Remove(path)
	bdb, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		if err := putAdvisories(tx, d.Advisories); err != nil {
			return err
		}
		if err := putDataSources(tx); err != nil {
			return err
		}
		return putVulnerabilities(tx, d.Vulnerabilities)
	})
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	meta := Metadata{Version: Schema, UpdatedAt: updatedAt.UTC(), NextUpdate: updatedAt.UTC().Add(24 * time.Hour)}
	b, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "metadata.json"), b, 0o644)
}

func bucketOf(a Advisory) (string, error) {
	switch a.Ecosystem {
	case "alpine":
		return "alpine " + a.Release, nil
	case "npm":
		return bucketNpm, nil
	case "go":
		if a.Package == "stdlib" || strings.HasPrefix(a.Package, "golang.org/x/") {
			return bucketGoVulnDB, nil
		}
		return bucketGoGHSA, nil
	}
	return "", fmt.Errorf("advisory %s: unknown ecosystem %q", a.ID, a.Ecosystem)
}

func putAdvisories(tx *bolt.Tx, advs []Advisory) error {
	for _, a := range advs {
		bucket, err := bucketOf(a)
		if err != nil {
			return err
		}
		top, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		pkg, err := top.CreateBucketIfNotExists([]byte(a.Package))
		if err != nil {
			return err
		}
		v := dbtypes.Advisory{
			FixedVersion:       a.FixedVersion,
			VulnerableVersions: a.VulnerableVersions,
			PatchedVersions:    a.PatchedVersions,
			VendorIDs:          a.VendorIDs,
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := pkg.Put([]byte(a.ID), b); err != nil {
			return err
		}
	}
	return nil
}

func putDataSources(tx *bolt.Tx) error {
	ds, err := tx.CreateBucketIfNotExists([]byte("data-source"))
	if err != nil {
		return err
	}
	for bucket, src := range dataSources {
		if tx.Bucket([]byte(bucket)) == nil {
			continue
		}
		b, err := json.Marshal(src)
		if err != nil {
			return err
		}
		if err := ds.Put([]byte(bucket), b); err != nil {
			return err
		}
	}
	return nil
}

func putVulnerabilities(tx *bolt.Tx, vulns []Vulnerability) error {
	vb, err := tx.CreateBucketIfNotExists([]byte("vulnerability"))
	if err != nil {
		return err
	}
	for _, v := range vulns {
		rec := dbtypes.Vulnerability{
			Title:       v.Title,
			Description: v.Description,
			Severity:    v.Severity,
			CweIDs:      v.CWEIDs,
			References:  v.References,
		}
		var err error
		if rec.PublishedDate, err = parseDate(v.Published); err != nil {
			return fmt.Errorf("%s: %w", v.ID, err)
		}
		if rec.LastModifiedDate, err = parseDate(v.LastModified); err != nil {
			return fmt.Errorf("%s: %w", v.ID, err)
		}
		for src, sev := range v.VendorSeverity {
			s, err := dbtypes.NewSeverity(sev)
			if err != nil {
				return fmt.Errorf("%s: %w", v.ID, err)
			}
			if rec.VendorSeverity == nil {
				rec.VendorSeverity = dbtypes.VendorSeverity{}
			}
			rec.VendorSeverity[dbtypes.SourceID(src)] = s
		}
		for src, c := range v.CVSS {
			if rec.CVSS == nil {
				rec.CVSS = dbtypes.VendorCVSS{}
			}
			rec.CVSS[dbtypes.SourceID(src)] = dbtypes.CVSS{V3Vector: c.Vector, V3Score: c.Score}
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := vb.Put([]byte(v.ID), b); err != nil {
			return err
		}
	}
	return nil
}

// parseDate reads RFC 3339 dates and NVD's zoneless ones (UTC); empty is
// no date.
func parseDate(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, fmt.Errorf("date %q: not RFC 3339", s)
}

// Archive packs dir's trivy.db and metadata.json as the DB layer: a
// tar.gz, as Trivy downloads it.
func Archive(dir string) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"trivy.db", "metadata.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(b); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

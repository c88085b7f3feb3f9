package scan_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/internal/registrytest"
	"github.com/vouch-dev/vouch/internal/trivydbtest"
	"github.com/vouch-dev/vouch/scan"
)

// fakeToken is a GitHub token shape, built at run time so that no scanner
// flags this file.
var fakeToken = "ghp" + "_" + strings.Repeat("A1b2C3", 6)

var (
	dataOnce sync.Once
	data     *trivydbtest.Data
	dataErr  error
)

func loadData(t *testing.T) *trivydbtest.Data {
	t.Helper()
	dataOnce.Do(func() {
		var shared string
		if shared, dataErr = trivydbtest.SharedDir(); dataErr == nil {
			data, dataErr = trivydbtest.Load(shared)
		}
	})
	if dataErr != nil {
		t.Fatal(dataErr)
	}
	return data
}

// Go fixture modules: the vulnerable set links together without MVS
// raising any of them; the clean set is a negative control.
var (
	vulnModules = []imagetest.Module{
		{Path: "github.com/dgrijalva/jwt-go", Version: "v3.2.0+incompatible", Import: "github.com/dgrijalva/jwt-go"},
		{Path: "github.com/golang-jwt/jwt/v4", Version: "v4.5.0", Import: "github.com/golang-jwt/jwt/v4"},
		{Path: "github.com/gorilla/websocket", Version: "v1.4.0", Import: "github.com/gorilla/websocket"},
		{Path: "github.com/tidwall/gjson", Version: "v1.6.0", Import: "github.com/tidwall/gjson"},
		{Path: "golang.org/x/text", Version: "v0.3.5", Import: "golang.org/x/text/language"},
		{Path: "gopkg.in/yaml.v2", Version: "v2.2.2", Import: "gopkg.in/yaml.v2"},
	}
	cleanModules = []imagetest.Module{
		{Path: "golang.org/x/crypto", Version: "v0.35.0", Import: "golang.org/x/crypto/blake2b"},
	}
)

var (
	binOnce           sync.Once
	vulnBin, cleanBin []byte
	binErr            error
)

func goBinaries(t *testing.T) (vuln, clean []byte) {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vouch-gobin-")
		if err != nil {
			binErr = err
			return
		}
		defer os.RemoveAll(dir)
		for _, d := range []string{"vuln", "clean"} {
			if binErr = os.Mkdir(filepath.Join(dir, d), 0o755); binErr != nil {
				return
			}
		}
		if vulnBin, binErr = imagetest.GoBinary(filepath.Join(dir, "vuln"), vulnModules); binErr != nil {
			return
		}
		cleanBin, binErr = imagetest.GoBinary(filepath.Join(dir, "clean"), cleanModules)
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return vulnBin, cleanBin
}

type fixtureSet struct {
	alpine, npm []imagetest.Pkg
	modules     []imagetest.Module
	// want is "id package version" lines.
	want []string
}

func hasVersion(ms []imagetest.Module, path, version string) bool {
	for _, m := range ms {
		if m.Path == path && m.Version == version {
			return true
		}
	}
	return false
}

// fixtures splits fixtures.json into the vulnerable image's packages and
// the clean image's (negative controls whose name the vulnerable image
// already has at another version), with the ids each must report.
func fixtures(t *testing.T, clean bool) fixtureSet {
	d := loadData(t)
	var fs fixtureSet
	pick := func(list []trivydbtest.Fixture) []trivydbtest.Fixture {
		seen := map[string]bool{}
		var vuln, neg []trivydbtest.Fixture
		for _, f := range list {
			if f.NegativeControl {
				neg = append(neg, f)
			} else {
				vuln = append(vuln, f)
				seen[f.Package] = true
			}
		}
		var out []trivydbtest.Fixture
		if clean {
			for _, f := range neg {
				if seen[f.Package] {
					out = append(out, f)
				}
			}
			return out
		}
		out = vuln
		for _, f := range neg {
			if !seen[f.Package] {
				out = append(out, f)
			}
		}
		return out
	}
	for _, f := range pick(d.Fixtures.Alpine) {
		fs.alpine = append(fs.alpine, imagetest.Pkg{Name: f.Package, Version: f.Version})
		for _, id := range f.ExpectedIDs {
			fs.want = append(fs.want, id+" "+f.Package+" "+f.Version)
		}
	}
	for _, f := range pick(d.Fixtures.Npm) {
		fs.npm = append(fs.npm, imagetest.Pkg{Name: f.Package, Version: f.Version})
		for _, id := range f.ExpectedIDs {
			fs.want = append(fs.want, id+" "+f.Package+" "+f.Version)
		}
	}
	fs.modules = vulnModules
	if clean {
		fs.modules = cleanModules
	}
	found := 0
	for _, f := range d.Fixtures.Go {
		if !hasVersion(fs.modules, f.Package, f.Version) {
			continue
		}
		found++
		for _, id := range f.ExpectedIDs {
			fs.want = append(fs.want, id+" "+f.Package+" "+strings.TrimPrefix(f.Version, "v"))
		}
	}
	if found != len(fs.modules) {
		t.Fatalf("fixtures.json lacks some Go fixture modules: %d of %d", found, len(fs.modules))
	}
	sort.Strings(fs.want)
	return fs
}

func buildImage(t *testing.T, fs fixtureSet, bin []byte, secret bool) v1.Image {
	t.Helper()
	app := imagetest.Files{"app/package-lock.json": imagetest.PackageLock(fs.npm)}
	if secret {
		app["app/config.env"] = []byte("GITHUB_TOKEN=" + fakeToken + "\n")
	}
	img, err := imagetest.Image(imagetest.AlpineRoot(fs.alpine), app, imagetest.Files{"usr/local/bin/app*": bin})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// env is a registry holding the test DB, and scanner options pointing at
// it.
type env struct {
	reg  *registrytest.Registry
	opts scan.Options
	auth authn.Authenticator
}

func newEnv(t *testing.T) *env {
	t.Helper()
	reg := registrytest.Start(t, registrytest.Options{})
	d := loadData(t)
	dbDir := t.TempDir()
	if err := trivydbtest.Build(d, dbDir, time.Now()); err != nil {
		t.Fatal(err)
	}
	auth := &authn.Basic{Username: reg.Username, Password: reg.Password}
	dbRef := reg.Host + "/vouch/trivy-db:2"
	if _, err := trivydbtest.Push(dbDir, dbRef, auth, reg.Transport()); err != nil {
		t.Fatal(err)
	}
	cfg := t.TempDir()
	if err := reg.WriteDockerConfig(cfg); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfg)
	return &env{reg: reg, auth: auth, opts: scan.Options{
		CacheDir:       t.TempDir(),
		DBRepositories: []string{dbRef},
		CAFile:         reg.CAFile,
	}}
}

func (e *env) push(t *testing.T, img v1.Image, repoTag string) string {
	t.Helper()
	ref, err := name.ParseReference(e.reg.Host + "/" + repoTag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, remote.WithAuth(e.auth), remote.WithTransport(e.reg.Transport())); err != nil {
		t.Fatal(err)
	}
	return ref.String()
}

func newScanner(t *testing.T, opts scan.Options) *scan.Scanner {
	t.Helper()
	s, err := scan.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// vulnLines are "id package version" of the unsuppressed vulnerability
// findings.
func vulnLines(r finding.Result) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Category == finding.CategoryVulnerability && !f.Suppressed() {
			v := f.Vulnerability
			out = append(out, v.ID+" "+v.Package+" "+strings.TrimPrefix(v.InstalledVersion, "v"))
		}
	}
	sort.Strings(out)
	return out
}

func diffLines(t *testing.T, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing: %s", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("unexpected: %s", g)
		}
	}
}

func TestImage(t *testing.T) {
	e := newEnv(t)
	vbin, _ := goBinaries(t)
	fs := fixtures(t, false)
	img := buildImage(t, fs, vbin, true)
	ref := e.push(t, img, "vouch/app:1.0")
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}

	archive := filepath.Join(t.TempDir(), "app.tar")
	tag, _ := name.NewTag(ref)
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	oci := filepath.Join(t.TempDir(), "oci")
	lp, err := layout.Write(oci, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img, layout.WithAnnotations(map[string]string{"io.containerd.image.name": ref})); err != nil {
		t.Fatal(err)
	}

	sbom := filepath.Join(t.TempDir(), "sbom.cdx.json")
	opts := e.opts
	opts.SBOM = sbom
	s := newScanner(t, opts)
	var results []finding.Result
	for _, src := range []scan.ImageSource{{Ref: ref}, {Input: archive}, {OCILayout: oci}} {
		start := time.Now()
		rs, err := s.Image(context.Background(), src)
		if err != nil {
			t.Fatalf("%+v: %v", src, err)
		}
		t.Logf("%+v: %d findings in %s", src, len(rs[0].Result.Findings), time.Since(start).Round(time.Millisecond))
		if len(rs) != 1 {
			t.Fatalf("%+v: %d results", src, len(rs))
		}
		diffLines(t, vulnLines(rs[0].Result), fs.want)
		if !strings.HasSuffix(rs[0].Ref, "@"+digest.String()) || len(rs[0].SBOM) == 0 || len(rs[0].Vulnerabilities) == 0 ||
			rs[0].DBUpdatedAt.IsZero() || rs[0].ScannerVersion == "" {
			t.Errorf("%+v: report ref %q, sbom %d bytes, vulns %d bytes, db %s", src, rs[0].Ref, len(rs[0].SBOM), len(rs[0].Vulnerabilities), rs[0].DBUpdatedAt)
		}
		results = append(results, rs[0].Result)
	}
	r := results[0]
	if r.Target.Kind != finding.KindImage || r.Target.Digest != digest.String() || r.Target.OS != "alpine 3.19.1" {
		t.Errorf("target = %+v, want image %s on alpine 3.19.1", r.Target, digest)
	}
	// The same findings whichever way the image came.
	for i, other := range results[1:] {
		if !slices.Equal(fingerprints(r), fingerprints(other)) {
			t.Errorf("source %d: fingerprints differ from the registry scan", i+1)
		}
	}
	checkVulnFields(t, r, ref)
	checkSecret(t, r, "app/config.env", 1)
	if len(r.Rules) == 0 {
		t.Error("no rules")
	}
	b, err := os.ReadFile(sbom)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"bomFormat": "CycloneDX"`, "pkg:apk/alpine/openssl@3.1.4-r0", "pkg:npm/lodash@4.17.11", "pkg:golang/github.com/gorilla/websocket@v1.4.0"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("SBOM lacks %s", want)
		}
	}
}

func fingerprints(r finding.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Fingerprint)
	}
	sort.Strings(out)
	return out
}

func checkVulnFields(t *testing.T, r finding.Result, ref string) {
	t.Helper()
	repo := strings.TrimSuffix(ref, ":1.0")
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Category != finding.CategoryVulnerability {
			continue
		}
		v := f.Vulnerability
		if f.Location.Image != repo+"@"+r.Target.Digest {
			t.Errorf("%s: image %q, want %s@%s", f.RuleID, f.Location.Image, repo, r.Target.Digest)
		}
		if !strings.HasPrefix(f.Location.Layer, "sha256:") {
			t.Errorf("%s: layer %q", f.RuleID, f.Location.Layer)
		}
		if f.Location.Logical != v.Package+"@"+v.InstalledVersion || f.Fingerprint == "" || v.PURL == "" {
			t.Errorf("%s: location %+v, fingerprint %q, purl %q", f.RuleID, f.Location, f.Fingerprint, v.PURL)
		}
		seen[v.PackageType+" "+f.Location.Path] = true
		switch f.RuleID {
		case "CVE-2023-5678": // openssl, NVD severity and CVSS
			if f.Severity != finding.Medium || v.SeveritySource != "nvd" || len(v.CVSS) == 0 || v.FixedVersion != "3.1.4-r1" {
				t.Errorf("CVE-2023-5678: severity %s from %q, cvss %v, fixed %q", f.Severity, v.SeveritySource, v.CVSS, v.FixedVersion)
			}
		case "CVE-2019-10744": // lodash, GHSA critical
			if f.Severity != finding.Critical || v.SeveritySource != "ghsa" || f.Title != "Prototype Pollution in lodash" || f.HelpURL == "" || len(v.References) == 0 {
				t.Errorf("CVE-2019-10744: %+v %+v", f, v)
			}
		}
	}
	for _, want := range []string{"alpine lib/apk/db/installed", "npm app/package-lock.json", "gobinary usr/local/bin/app"} {
		if !seen[want] {
			t.Errorf("no finding from %s (have %v)", want, seen)
		}
	}
}

func checkSecret(t *testing.T, r finding.Result, path string, line int) {
	t.Helper()
	n := 0
	for _, f := range r.Findings {
		if f.Category == finding.CategorySecret {
			n++
			if f.Location.Path != path || f.Location.StartLine != line {
				t.Errorf("secret at %s:%d, want %s:%d", f.Location.Path, f.Location.StartLine, path, line)
			}
			if f.Location.Snippet == "" || f.Fingerprint == "" || f.Severity < finding.High {
				t.Errorf("secret finding %+v", f)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d secret findings, want 1", n)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), fakeToken) || strings.Contains(string(b), fakeToken[4:20]) {
		t.Error("the secret value appears in the findings")
	}
}

func TestCleanImage(t *testing.T) {
	e := newEnv(t)
	_, cbin := goBinaries(t)
	fs := fixtures(t, true)
	if len(fs.want) != 0 || len(fs.alpine) == 0 || len(fs.npm) == 0 {
		t.Fatalf("negative controls: %+v", fs)
	}
	ref := e.push(t, buildImage(t, fs, cbin, false), "vouch/clean:1.0")
	rs, err := newScanner(t, e.opts).Image(context.Background(), scan.ImageSource{Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	if got := vulnLines(rs[0].Result); len(got) != 0 || len(rs[0].Result.Findings) != 0 {
		t.Errorf("negative controls found: %v", got)
	}
}

func TestFS(t *testing.T) {
	e := newEnv(t)
	vbin, _ := goBinaries(t)
	fs := fixtures(t, false)
	dir := t.TempDir()
	files := map[string][]byte{
		"web/package-lock.json": imagetest.PackageLock(fs.npm),
		"bin/app":               vbin,
		"deploy/.env":           []byte("# deploy\nGITHUB_TOKEN=" + fakeToken + "\n"),
	}
	for p, b := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for _, w := range fs.want {
		if !slices.ContainsFunc(fs.alpine, func(p imagetest.Pkg) bool { return strings.HasSuffix(w, " "+p.Name+" "+p.Version) }) {
			want = append(want, w)
		}
	}
	rep, err := newScanner(t, e.opts).FS(context.Background(), dir)
	r := rep.Result
	if err != nil {
		t.Fatal(err)
	}
	diffLines(t, vulnLines(r), want)
	if r.Target.Kind != finding.KindFilesystem || r.Target.Digest != "" {
		t.Errorf("target %+v", r.Target)
	}
	checkSecret(t, r, "deploy/.env", 2)
}

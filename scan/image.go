package scan

import (
	"archive/tar"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// image is one image to scan, resolved to its digest.
type image struct {
	v1.Image
	// given is the target as the user named it; repo the repository
	// (without tag or digest) used in fingerprints; digest the manifest
	// digest; platform the image's platform when it came from an index.
	given, repo, digest, platform string
	// maxLayer bounds a layer's uncompressed size (0: no bound).
	maxLayer int64
}

// ref is repo@digest, the name every finding carries.
func (i *image) ref() string { return i.repo + "@" + i.digest }

// Trivy's image interface on top of a go-containerregistry image.
func (i *image) Name() string       { return i.ref() }
func (i *image) RepoTags() []string { return nil }
func (i *image) RepoDigests() []string {
	// An archive with no image name has only its path: no repo digest.
	if _, err := name.NewDigest(i.ref()); err != nil {
		return nil
	}
	return []string{i.ref()}
}
func (i *image) ID() (string, error) {
	h, err := i.ConfigName()
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (s *Scanner) transport() (http.RoundTripper, error) {
	tr := remote.DefaultTransport.(*http.Transport).Clone()
	regOpts, err := s.registryOptions()
	if err != nil {
		return nil, err
	}
	if regOpts.CACerts != nil || s.opts.Insecure {
		tr.TLSClientConfig = &tls.Config{RootCAs: regOpts.CACerts, InsecureSkipVerify: s.opts.Insecure} //nolint:gosec // asked for with --insecure
	}
	return tr, nil
}

// resolveRemote resolves ref to its digest first, then to the image (or,
// for an index, the images) to scan.
func (s *Scanner) resolveRemote(ctx context.Context, given string) ([]*image, error) {
	var nopts []name.Option
	if s.opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	ref, err := name.ParseReference(given, nopts...)
	if err != nil {
		return nil, &Error{Target: given, Err: err}
	}
	tr, err := s.transport()
	if err != nil {
		return nil, err
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithTransport(tr), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	host := ref.Context().RegistryStr()
	desc, err := remote.Get(ref, ropts...)
	if err != nil {
		return nil, registryError(host, err)
	}
	repo := ref.Context().Name()
	if !desc.MediaType.IsIndex() {
		img, err := desc.Image()
		if err != nil {
			return nil, registryError(host, err)
		}
		return []*image{{Image: img, given: given, repo: repo, digest: desc.Digest.String()}}, nil
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, registryError(host, err)
	}
	imgs, err := s.fromIndex(idx, given, repo)
	if err != nil {
		return nil, err
	}
	return imgs, nil
}

// fromIndex picks the images of an index: the one for the platform asked
// for, or every one with AllPlatforms.
func (s *Scanner) fromIndex(idx v1.ImageIndex, given, repo string) ([]*image, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, &Error{Target: given, Err: err}
	}
	want, err := v1.ParsePlatform(s.opts.Platform)
	if err != nil {
		return nil, &Error{Target: given, Err: err}
	}
	var out []*image
	var have []string
	for _, d := range m.Manifests {
		if !d.MediaType.IsImage() {
			continue
		}
		p := ""
		if d.Platform != nil {
			if d.Platform.OS == "unknown" { // attestation manifests
				continue
			}
			p = d.Platform.String()
			have = append(have, p)
		}
		single := len(m.Manifests) == 1
		if !s.opts.AllPlatforms && !single && (d.Platform == nil || !d.Platform.Satisfies(*want)) {
			continue
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			return nil, &Error{Target: given, Err: err}
		}
		out = append(out, &image{Image: img, given: given, repo: repo, digest: d.Digest.String(), platform: p})
		if !s.opts.AllPlatforms {
			break
		}
	}
	if len(out) == 0 {
		return nil, &Error{Target: given, Err: fmt.Errorf("no %s image in the index (has: %s)", s.opts.Platform, strings.Join(have, ", "))}
	}
	return out, nil
}

// resolveLayout opens an OCI layout directory.
func (s *Scanner) resolveLayout(dir string) ([]*image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, &Error{Target: dir, Err: fmt.Errorf("not an OCI layout: %w", err)}
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, &Error{Target: dir, Err: err}
	}
	repo := dir
	for _, d := range m.Manifests {
		if n := d.Annotations["io.containerd.image.name"]; n != "" {
			repo = repoOf(n, repo)
		} else if n := d.Annotations["org.opencontainers.image.ref.name"]; n != "" {
			repo = repoOf(n, repo)
		}
	}
	return s.fromIndex(idx, dir, repo)
}

func repoOf(n, fallback string) string {
	r, err := name.ParseReference(n)
	if err != nil || !strings.ContainsAny(n, "/:") {
		return fallback
	}
	return r.Context().Name()
}

// resolveArchive opens a docker-archive (docker save) or an OCI archive
// (a tar of an OCI layout).
func (s *Scanner) resolveArchive(path string) ([]*image, func(), error) {
	kind, err := archiveKind(path)
	if err != nil {
		return nil, nil, &Error{Target: path, Err: err}
	}
	if kind == "oci" {
		dir, err := os.MkdirTemp("", "vouch-oci-")
		if err != nil {
			return nil, nil, &Error{Target: path, Err: err}
		}
		cleanup := func() { os.RemoveAll(dir) }
		if err := untar(path, dir); err != nil {
			cleanup()
			return nil, nil, &Error{Target: path, Err: err}
		}
		imgs, err := s.resolveLayout(dir)
		if err != nil {
			cleanup()
			var e *Error
			if errors.As(err, &e) {
				e.Target = path
			}
			return nil, nil, err
		}
		for _, i := range imgs {
			i.given = path
			if i.repo == dir {
				i.repo = path
			}
		}
		return imgs, cleanup, nil
	}
	m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
	if err != nil {
		return nil, nil, &Error{Target: path, Err: fmt.Errorf("not a docker archive: %w", err)}
	}
	if len(m) == 0 {
		return nil, nil, &Error{Target: path, Err: errors.New("docker archive holds no image")}
	}
	repo := path
	var tag *name.Tag
	if len(m[0].RepoTags) > 0 {
		if t, err := name.NewTag(m[0].RepoTags[0]); err == nil {
			tag, repo = &t, t.Context().Name()
		}
	}
	img, err := tarball.ImageFromPath(path, tag)
	if err != nil {
		return nil, nil, &Error{Target: path, Err: err}
	}
	d, err := img.Digest()
	if err != nil {
		return nil, nil, &Error{Target: path, Err: fmt.Errorf("corrupt archive: %w", err)}
	}
	return []*image{{Image: img, given: path, repo: repo, digest: d.String()}}, func() {}, nil
}

// archiveKind reads the tar's entry names: "docker" (manifest.json) or
// "oci" (oci-layout).
func archiveKind(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	kind := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("corrupt tar: %w", err)
		}
		switch filepath.Clean(h.Name) {
		case "manifest.json":
			return "docker", nil
		case "oci-layout":
			kind = "oci"
		}
	}
	if kind == "" {
		return "", errors.New("neither a docker archive (no manifest.json) nor an OCI archive (no oci-layout)")
	}
	return kind, nil
}

// untar extracts regular files and directories of an OCI archive into
// dir, refusing paths that leave it and links of any kind.
func untar(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("corrupt tar: %w", err)
		}
		if !filepath.IsLocal(h.Name) {
			return fmt.Errorf("tar entry %q leaves the archive", h.Name)
		}
		dst := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("corrupt tar: %w", err)
			}
		default:
			return fmt.Errorf("tar entry %q: links and devices are not allowed in an OCI archive", h.Name)
		}
	}
}

// LayerByDiffID bounds what a layer may expand to: Trivy reads layers
// through it.
func (i *image) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	l, err := i.Image.LayerByDiffID(h)
	if err != nil || i.maxLayer <= 0 {
		return l, err
	}
	return &boundedLayer{Layer: l, max: i.maxLayer, diffID: h.String()}, nil
}

// boundedLayer fails a read past max uncompressed bytes, so that a gzip
// bomb ends the scan with an error instead of filling memory or disk.
type boundedLayer struct {
	v1.Layer
	max    int64
	diffID string
}

func (l *boundedLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.Layer.Uncompressed()
	if err != nil {
		return nil, err
	}
	return &boundedReader{rc: rc, left: l.max, max: l.max, diffID: l.diffID}, nil
}

type boundedReader struct {
	rc        io.ReadCloser
	left, max int64
	diffID    string
}

func (r *boundedReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, &LayerTooLargeError{DiffID: r.diffID, Max: r.max}
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.rc.Read(p)
	r.left -= int64(n)
	return n, err
}

func (r *boundedReader) Close() error { return r.rc.Close() }

// LayerTooLargeError is a layer that expands past the allowed size.
type LayerTooLargeError struct {
	DiffID string
	Max    int64
}

func (e *LayerTooLargeError) Error() string {
	return fmt.Sprintf("layer %s expands past %d MiB (--max-layer-size)", e.DiffID, e.Max>>20)
}

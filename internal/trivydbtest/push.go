package trivydbtest

import (
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image is the DB artifact: one tar.gz layer titled db.tar.gz, with
// Trivy's config and layer media types.
func Image(layer []byte) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, ConfigMediaType)
	return mutate.Append(img, mutate.Addendum{
		Layer:       static.NewLayer(layer, LayerMediaType),
		MediaType:   LayerMediaType,
		Annotations: map[string]string{"org.opencontainers.image.title": "db.tar.gz"},
	})
}

// Push builds the artifact from the DB in dir and pushes it to ref (for
// example "127.0.0.1:5000/trivy-db:2").
func Push(dir, ref string, auth authn.Authenticator, tr http.RoundTripper) (v1.Hash, error) {
	layer, err := Archive(dir)
	if err != nil {
		return v1.Hash{}, err
	}
	img, err := Image(layer)
	if err != nil {
		return v1.Hash{}, err
	}
	tag, err := name.ParseReference(ref)
	if err != nil {
		return v1.Hash{}, err
	}
	if auth == nil {
		auth = authn.Anonymous
	}
	if err := remote.Write(tag, img, remote.WithAuth(auth), remote.WithTransport(tr)); err != nil {
		return v1.Hash{}, fmt.Errorf("push %s: %w", ref, err)
	}
	return img.Digest()
}

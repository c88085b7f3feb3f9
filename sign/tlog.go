package sign

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/sigstore/cosign/v2/pkg/cosign"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	rekorclient "github.com/sigstore/rekor/pkg/client"
	"github.com/sigstore/rekor/pkg/generated/client"
)

// tlog uploads entries to a Rekor transparency log. Not exercised by the
// offline tests: they sign with a key and SkipTlogUpload.
type tlog struct {
	url    string
	client *client.Rekor
	pem    []byte
}

func newTlog(url string, s *signer) (*tlog, error) {
	c, err := rekorclient.GetRekorClient(url)
	if err != nil {
		return nil, fmt.Errorf("transparency log %s: %w", url, err)
	}
	pem, err := s.tlogPEM()
	if err != nil {
		return nil, err
	}
	return &tlog{url: url, client: c, pem: pem}, nil
}

// uploadSignature records a hashedrekord entry for a signature over payload.
func (t *tlog) uploadSignature(ctx context.Context, sig, payload []byte) (*cbundle.RekorBundle, error) {
	h := sha256.New()
	h.Write(payload)
	e, err := cosign.TLogUpload(ctx, t.client, sig, h, t.pem)
	if err != nil {
		return nil, fmt.Errorf("upload signature to transparency log %s: %w", t.url, err)
	}
	return cbundle.EntryToBundle(e), nil
}

// uploadDSSE records a dsse entry for an attestation envelope.
func (t *tlog) uploadDSSE(ctx context.Context, envelope []byte) (*cbundle.RekorBundle, error) {
	e, err := cosign.TLogUploadDSSEEnvelope(ctx, t.client, envelope, t.pem)
	if err != nil {
		return nil, fmt.Errorf("upload attestation to transparency log %s: %w", t.url, err)
	}
	return cbundle.EntryToBundle(e), nil
}

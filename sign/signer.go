package sign

import (
	"context"

	"github.com/sigstore/cosign/v2/pkg/oci/static"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// signer is a key, or a keyless ephemeral key with its Fulcio certificate.
type signer struct {
	sv    signature.SignerVerifier
	cert  []byte // PEM leaf certificate, keyless only
	chain []byte // PEM chain, keyless only
}

func newSigner(ctx context.Context, o *Options) (*signer, error) {
	if o.Key != "" {
		sv, err := loadSigner(ctx, o.Key, o.Password)
		if err != nil {
			return nil, err
		}
		return &signer{sv: sv}, nil
	}
	return newKeylessSigner(ctx, o.Keyless)
}

// staticOptions are the layer options every signature and attestation
// carries: the certificate chain when keyless.
func (s *signer) staticOptions() []static.Option {
	if s.cert == nil {
		return nil
	}
	return []static.Option{static.WithCertChain(s.cert, s.chain)}
}

// tlogPEM is what the transparency log records as the signer: the
// certificate when keyless, else the public key.
func (s *signer) tlogPEM() ([]byte, error) {
	if s.cert != nil {
		return s.cert, nil
	}
	pub, err := s.sv.PublicKey()
	if err != nil {
		return nil, err
	}
	return cryptoutils.MarshalPublicKeyToPEM(pub)
}

func (s *signer) close() {}

package sign

import (
	"context"
	"crypto"
	"errors"
	"strings"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/kms"
)

// kmsSchemes are the KMS key URIs cosign understands.
var kmsSchemes = []string{"awskms://", "gcpkms://", "azurekms://", "hashivault://"}

func isKMS(ref string) bool {
	for _, s := range kmsSchemes {
		if strings.HasPrefix(ref, s) {
			return true
		}
	}
	return false
}

// loadKMS resolves a KMS key through sigstore's KMS registry. vouch links
// no cloud KMS SDK (cosign's providers add about a thousand packages and
// their init cost to every vouch start); the registry falls back to
// sigstore's KMS plugin protocol, so a provider is available when its
// plugin binary, sigstore-kms-<scheme> (for example sigstore-kms-awskms), is
// on PATH.
func loadKMS(ctx context.Context, ref string) (signature.SignerVerifier, error) {
	sv, err := kms.Get(ctx, ref, crypto.SHA256)
	if err != nil {
		var nf *kms.ProviderNotFoundError
		if errors.As(err, &nf) {
			scheme, _, _ := strings.Cut(ref, "://")
			return nil, &KeyError{Ref: ref, Reason: "vouch does not link KMS SDKs; put the sigstore KMS plugin sigstore-kms-" +
				scheme + " on PATH, or sign with a cosign key file"}
		}
		return nil, &KeyError{Ref: ref, Reason: "KMS: " + err.Error()}
	}
	return sv, nil
}

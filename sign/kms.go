package sign

import (
	"context"
	"crypto"
	"errors"
	"strings"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/kms"
	sigopts "github.com/sigstore/sigstore/pkg/signature/options"
)

// kmsSchemes are the KMS key URIs cosign understands; their providers are
// linked in kms_providers.go.
var kmsSchemes = []string{"awskms://", "gcpkms://", "azurekms://", "hashivault://"}

// isKMS says whether ref names a KMS key: one of cosign's schemes, or any
// other scheme, served by a sigstore KMS plugin (sigstore-kms-<scheme> on
// PATH). env:// is a key in the environment, not a KMS.
func isKMS(ref string) bool {
	for _, s := range kmsSchemes {
		if strings.HasPrefix(ref, s) {
			return true
		}
	}
	scheme, _, ok := strings.Cut(ref, "://")
	return ok && scheme != "" && scheme+"://" != envScheme && !strings.ContainsAny(scheme, `/\.`)
}

// loadKMS resolves a KMS key through sigstore's KMS registry: cosign's
// four providers, or a plugin for any other scheme. Credentials come from
// each provider's usual environment (AWS_*, GOOGLE_APPLICATION_CREDENTIALS,
// AZURE_*, VAULT_ADDR and VAULT_TOKEN).
func loadKMS(ctx context.Context, ref string) (signature.SignerVerifier, error) {
	sv, err := kms.Get(ctx, ref, crypto.SHA256)
	if err != nil {
		var nf *kms.ProviderNotFoundError
		if errors.As(err, &nf) {
			scheme, _, _ := strings.Cut(ref, "://")
			return nil, &KeyError{Ref: ref, Reason: "no KMS provider for " + scheme + "://; vouch supports " +
				strings.Join(kmsSchemes, ", ") + " and sigstore KMS plugins (sigstore-kms-" + scheme + " on PATH)"}
		}
		return nil, &KeyError{Ref: ref, Reason: "KMS: " + oneLine(err.Error())}
	}
	// Providers connect lazily; reach the key now, so that a missing
	// credential fails here, naming the key, before the registry is touched.
	if _, err := sv.PublicKey(sigopts.WithContext(ctx)); err != nil {
		return nil, &KeyError{Ref: ref, Reason: "KMS: " + oneLine(err.Error())}
	}
	return sv, nil
}

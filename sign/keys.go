package sign

import (
	"context"
	"crypto"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/sigstore/cosign/v2/pkg/cosign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// PassFunc returns the password of an encrypted cosign private key. A nil
// PassFunc means the empty password. The library never prompts: the caller
// decides where a password comes from (COSIGN_PASSWORD, a terminal prompt).
type PassFunc func() ([]byte, error)

// KeyPair is a cosign key pair: the private key encrypted with the password
// (PEM "ENCRYPTED SIGSTORE PRIVATE KEY"), and the public key (PEM "PUBLIC KEY").
type KeyPair struct {
	Private []byte
	Public  []byte
}

// envScheme names a key held in an environment variable: env://VAR.
const envScheme = "env://"

// GenerateKeys makes an ECDSA P-256 cosign key pair, the private key
// encrypted with the password pass returns, in cosign's own format.
func GenerateKeys(pass PassFunc) (KeyPair, error) {
	kb, err := cosign.GenerateKeyPair(cosignPass(pass))
	if err != nil {
		return KeyPair{}, fmt.Errorf("generate key pair: %w", err)
	}
	return KeyPair{Private: kb.PrivateBytes, Public: kb.PublicBytes}, nil
}

func cosignPass(pass PassFunc) cosign.PassFunc {
	if pass == nil {
		return nil
	}
	return func(bool) ([]byte, error) { return pass() }
}

// loadSigner loads a private key: a cosign key file, env://VAR holding one,
// or a KMS URI.
func loadSigner(ctx context.Context, ref string, pass PassFunc) (signature.SignerVerifier, error) {
	if isKMS(ref) {
		return loadKMS(ctx, ref)
	}
	raw, err := readKeyRef(ref)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, &KeyError{Ref: ref, Reason: "not a PEM file"}
	}
	if block.Type != cosign.CosignPrivateKeyPemType && block.Type != cosign.SigstorePrivateKeyPemType {
		return nil, &KeyError{Ref: ref, Reason: fmt.Sprintf("PEM type %q is not an encrypted cosign private key "+
			"(make one with 'vouch keygen', or convert with 'cosign import-key-pair')", block.Type)}
	}
	password := []byte{}
	if pass != nil {
		if password, err = pass(); err != nil {
			return nil, &KeyError{Ref: ref, Reason: "reading password: " + err.Error()}
		}
	}
	sv, err := cosign.LoadPrivateKey(raw, password, nil)
	if err != nil {
		// cosign's error says "decrypt: encrypted: decryption failed"; say
		// what it means, and nothing about the password.
		if strings.Contains(err.Error(), "decrypt") {
			return nil, &KeyError{Ref: ref, Reason: "wrong password (COSIGN_PASSWORD) or corrupt key"}
		}
		return nil, &KeyError{Ref: ref, Reason: "unreadable private key"}
	}
	return sv, nil
}

// loadVerifier loads a public key: a PEM file or env://VAR holding one.
// It uses sigstore's LoadVerifier, not cosign's key-ref plumbing, which
// links every KMS provider.
func loadVerifier(ref string) (signature.Verifier, error) {
	raw, err := readKeyRef(ref)
	if err != nil {
		return nil, err
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(raw)
	if err != nil {
		return nil, &KeyError{Ref: ref, Reason: "not a PEM public key"}
	}
	v, err := signature.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return nil, &KeyError{Ref: ref, Reason: "unsupported public key: " + err.Error()}
	}
	return v, nil
}

// readKeyRef reads a key file or an env://VAR. Errors name the reference
// only.
func readKeyRef(ref string) ([]byte, error) {
	if ref == "" {
		return nil, &KeyError{Ref: `""`, Reason: "empty key reference"}
	}
	if name, ok := strings.CutPrefix(ref, envScheme); ok {
		v, set := os.LookupEnv(name)
		if !set || v == "" {
			return nil, &KeyError{Ref: ref, Reason: "environment variable " + name + " is not set"}
		}
		return []byte(v), nil
	}
	raw, err := os.ReadFile(ref)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &KeyError{Ref: ref, Reason: pe.Err.Error()}
		}
		return nil, &KeyError{Ref: ref, Reason: err.Error()}
	}
	return raw, nil
}

// loadPublic loads a verification key: a KMS URI, or a PEM public key.
func loadPublic(ctx context.Context, ref string) (signature.Verifier, error) {
	if isKMS(ref) {
		return loadKMS(ctx, ref)
	}
	return loadVerifier(ref)
}

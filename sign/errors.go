package sign

import (
	"errors"
	"fmt"
)

// ErrNotVerified is matched (errors.Is) by every *NotVerifiedError: the
// image was reached, but its signatures or attestations do not satisfy the
// check. Anything else Verify returns means it could not decide.
var ErrNotVerified = errors.New("not verified")

// ErrTagReference is returned when an image is named by tag and
// Options.ResolveTag is not set: vouch signs digests, never tags.
var ErrTagReference = errors.New("image is named by tag, not digest")

// ErrNoSigner is returned when there is neither a key nor an OIDC identity
// token to sign with.
var ErrNoSigner = errors.New("no signing key and no OIDC identity token: pass a key (a cosign key file, env://VAR or a KMS URI), " +
	"or an identity token (--identity-token, SIGSTORE_ID_TOKEN, or GitHub Actions with 'permissions: id-token: write')")

// NotVerifiedError says why an image failed verification.
type NotVerifiedError struct {
	Image  string // the reference verified, by digest when it resolved
	Reason string
}

func (e *NotVerifiedError) Error() string {
	return fmt.Sprintf("%s: not verified: %s", e.Image, e.Reason)
}

// Is makes errors.Is(err, ErrNotVerified) true.
func (e *NotVerifiedError) Is(target error) bool { return target == ErrNotVerified }

// KeyError is a key that could not be loaded. It names the key reference
// (a path, env://VAR or KMS URI), never the key or its password.
type KeyError struct {
	Ref    string
	Reason string
}

func (e *KeyError) Error() string { return fmt.Sprintf("key %s: %s", e.Ref, e.Reason) }

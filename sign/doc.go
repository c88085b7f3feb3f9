// Package sign binds a gate's verdict to the image it scanned: it signs an
// image by digest and attaches in-toto attestations (the SBOM, the
// vulnerability report and vouch's own verdict) with cosign's formats, and
// verifies them at deploy time.
//
// Signatures and attestations are stored the way cosign stores them
// (sha256-<hex>.sig and .att tags next to the image), so upstream cosign
// verifies what vouch signs and vouch verifies what cosign signs.
//
// The package never prompts, prints or exits: passwords come from a
// PassFunc, errors are typed (a failed verification is a *NotVerifiedError),
// and no error carries a key, password or token.
package sign

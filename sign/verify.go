package sign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sigstore/cosign/v2/pkg/cosign"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// VerifyOptions configure Verify. Exactly one of Key or Identity is needed.
type VerifyOptions struct {
	// Key is the signer's public key: a PEM file, env://VAR holding one,
	// or a KMS URI.
	Key string
	// Identity is the keyless signer's expected certificate identity.
	Identity Identity
	// IgnoreTlog skips the transparency log check, for key-based
	// signatures made without a tlog upload. Verification is then offline.
	IgnoreTlog bool
	// TrustedRoot is a Sigstore trusted_root.json (Fulcio CAs, Rekor and CT
	// log keys) for a private Sigstore or an air-gapped check. Empty means
	// the public-good root, fetched through TUF.
	TrustedRoot string
	// IgnoreSCT skips the certificate transparency check of keyless
	// certificates, for a private Fulcio without a CT log. Key-based
	// checks never need one.
	IgnoreSCT bool
	// Registry says how to reach the registry.
	Registry Registry
	// RequirePredicates are predicate types that must each have at least
	// one verified attestation.
	RequirePredicates []string
	// RequireVerdict requires a verified vouch verdict attestation about
	// this digest whose newest says passed.
	RequireVerdict bool
}

// Identity is what a keyless signature's certificate must say (cosign's
// --certificate-identity[-regexp], --certificate-oidc-issuer[-regexp]).
type Identity struct {
	Subject, SubjectRegexp string
	Issuer, IssuerRegexp   string
}

func (i Identity) empty() bool { return i == Identity{} }

// VerifyResult is what Verify checked.
type VerifyResult struct {
	// Digest is the image verified; a tag is resolved once.
	Digest name.Digest
	// Signatures is the number of valid signatures.
	Signatures int
	// Predicates are the predicate types of the verified attestations.
	Predicates []string
	// Verdict is the newest verified vouch verdict, if any.
	Verdict *Verdict
}

func (o *VerifyOptions) validate() error {
	switch {
	case o.Key != "" && !o.Identity.empty():
		return errors.New("verify with a key or a keyless identity, not both")
	case o.Key == "" && o.Identity.empty():
		return errors.New("nothing to verify against: pass a public key, or a keyless certificate identity and OIDC issuer")
	case o.Key == "" && ((o.Identity.Subject == "" && o.Identity.SubjectRegexp == "") || (o.Identity.Issuer == "" && o.Identity.IssuerRegexp == "")):
		return errors.New("keyless verification needs both a certificate identity and an OIDC issuer")
	case o.Key == "" && o.IgnoreTlog:
		return errors.New("keyless signatures can only be verified through the transparency log")
	}
	return nil
}

// Verify checks that image carries a valid signature by the key or
// identity, and the required attestations. A failed check returns a
// *NotVerifiedError (errors.Is(err, ErrNotVerified)); any other error means
// Verify could not decide.
func Verify(ctx context.Context, image string, opts VerifyOptions) (*VerifyResult, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	ref, ropts, err := opts.Registry.reference(ctx, image)
	if err != nil {
		return nil, err
	}
	co, err := checkOpts(ctx, &opts, ropts)
	if err != nil {
		return nil, err
	}
	digest, _, err := resolve(ref, ropts)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Digest: digest}

	co.ClaimVerifier = cosign.SimpleClaimVerifier
	sigs, _, err := cosign.VerifyImageSignatures(ctx, digest, co)
	if err != nil {
		return nil, classify(digest, "signature", err)
	}
	res.Signatures = len(sigs)

	need := append([]string(nil), opts.RequirePredicates...)
	if opts.RequireVerdict {
		need = append(need, VerdictPredicateType)
	}
	statements, err := verifiedStatements(ctx, digest, co, need)
	if err != nil {
		return nil, err
	}
	for _, st := range statements {
		res.Predicates = append(res.Predicates, st.PredicateType)
	}
	if res.Verdict, err = newestVerdict(digest, statements); err != nil {
		return nil, err
	}
	if opts.RequireVerdict && !res.Verdict.Passed {
		return res, &NotVerifiedError{Image: digest.String(), Reason: fmt.Sprintf(
			"the vouch verdict of %s says failed (fail-on %s)", res.Verdict.Time.UTC().Format("2006-01-02T15:04:05Z"), res.Verdict.Policy.FailOn)}
	}
	return res, nil
}

// verifiedStatements verifies the attestations of digest and returns their
// statements, requiring one of each predicate type in need.
func verifiedStatements(ctx context.Context, digest name.Digest, co *cosign.CheckOpts, need []string) ([]*statement, error) {
	co.ClaimVerifier = cosign.IntotoSubjectClaimVerifier
	atts, _, err := cosign.VerifyImageAttestations(ctx, digest, co)
	if err != nil {
		var none *cosign.ErrNoMatchingAttestations
		if !errors.As(err, &none) || len(need) > 0 {
			return nil, classify(digest, "attestation", err)
		}
	}
	statements := make([]*statement, 0, len(atts))
	for _, a := range atts {
		st, err := decodeStatement(a)
		if err != nil {
			return nil, fmt.Errorf("verified attestation: %w", err)
		}
		statements = append(statements, st)
	}
	for _, p := range need {
		if !hasPredicate(statements, p) {
			return nil, &NotVerifiedError{Image: digest.String(), Reason: "no verified attestation of type " + p}
		}
	}
	return statements, nil
}

// checkOpts builds cosign's check options. Key-based checks with
// IgnoreTlog run offline; otherwise the Sigstore trusted root (Rekor, and
// for keyless Fulcio and the CT log) comes from the public-good TUF
// repository.
func checkOpts(ctx context.Context, o *VerifyOptions, ropts []ociremote.Option) (*cosign.CheckOpts, error) {
	co := &cosign.CheckOpts{
		RegistryClientOpts: ropts,
		IgnoreTlog:         o.IgnoreTlog,
		Offline:            true,
	}
	co.IgnoreSCT = o.Key != "" || o.IgnoreSCT
	if o.Key != "" {
		v, err := loadPublic(ctx, o.Key)
		if err != nil {
			return nil, err
		}
		co.SigVerifier = v
	} else {
		co.Identities = []cosign.Identity{{
			Subject: o.Identity.Subject, SubjectRegExp: o.Identity.SubjectRegexp,
			Issuer: o.Identity.Issuer, IssuerRegExp: o.Identity.IssuerRegexp,
		}}
	}
	if !o.IgnoreTlog {
		tm, err := trustedRoot(o.TrustedRoot)
		if err != nil {
			return nil, err
		}
		co.TrustedMaterial = tm
	}
	return co, nil
}

// trustedRoot loads a trusted_root.json, or the public-good one via TUF.
func trustedRoot(path string) (root.TrustedMaterial, error) {
	if path != "" {
		tr, err := root.NewTrustedRootFromPath(path)
		if err != nil {
			return nil, fmt.Errorf("trusted root %s: %s", path, oneLine(err.Error()))
		}
		return tr, nil
	}
	tm, err := cosign.TrustedRoot()
	if err != nil {
		return nil, fmt.Errorf("loading the public-good Sigstore trusted root through TUF (needed to check the transparency log; "+
			"offline, pass a trusted root file): %s", oneLine(err.Error()))
	}
	return tm, nil
}

// classify turns cosign's verification failures into a *NotVerifiedError;
// anything else (registry, network) stays an error.
func classify(digest name.Digest, what string, err error) error {
	var (
		noMatch *cosign.ErrNoMatchingSignatures
		noSigs  *cosign.ErrNoSignaturesFound
		noAtts  *cosign.ErrNoMatchingAttestations
		failure *cosign.VerificationFailure
		verr    *cosign.VerificationError
	)
	switch {
	case errors.As(err, &noSigs):
		return &NotVerifiedError{Image: digest.String(), Reason: "no " + what + "s found"}
	case errors.As(err, &noMatch), errors.As(err, &noAtts), errors.As(err, &failure), errors.As(err, &verr):
		return &NotVerifiedError{Image: digest.String(), Reason: "no valid " + what + ": " + oneLine(err.Error())}
	}
	return fmt.Errorf("verify %s %s: %w", digest, what, registryError(err))
}

func hasPredicate(sts []*statement, p string) bool {
	for _, st := range sts {
		if st.PredicateType == p {
			return true
		}
	}
	return false
}

// newestVerdict decodes the verified verdicts about digest and returns the
// newest; nil when there is none. A verdict about another digest under a
// valid signature is a forgery attempt or a bug: not verified.
func newestVerdict(digest name.Digest, sts []*statement) (*Verdict, error) {
	var newest *Verdict
	for _, st := range sts {
		if st.PredicateType != VerdictPredicateType {
			continue
		}
		var v Verdict
		if err := json.Unmarshal(st.Predicate, &v); err != nil {
			return nil, &NotVerifiedError{Image: digest.String(), Reason: "malformed vouch verdict: " + err.Error()}
		}
		if v.Image.Digest != digest.DigestStr() {
			return nil, &NotVerifiedError{Image: digest.String(), Reason: "vouch verdict is about " + v.Image.Digest}
		}
		if newest == nil || v.Time.After(newest.Time) {
			newest = &v
		}
	}
	return newest, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	cremote "github.com/sigstore/cosign/v2/pkg/cosign/remote"
	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	sigopts "github.com/sigstore/sigstore/pkg/signature/options"
	"github.com/sigstore/sigstore/pkg/signature/payload"
)

// Public-good Sigstore instances, the defaults for keyless signing and the
// transparency log.
const (
	DefaultFulcioURL = "https://fulcio.sigstore.dev"
	DefaultRekorURL  = "https://rekor.sigstore.dev"
)

// Options configure Sign. The zero value uploads to the public-good
// transparency log and needs a Key or an OIDC identity token.
type Options struct {
	// Key is a cosign private key: a file, env://VAR holding the PEM, or a
	// KMS URI (awskms://, gcpkms://, azurekms://, hashivault://; see kms.go).
	// Empty means keyless signing with Keyless.
	Key string
	// Password returns the key's password; nil means the empty password.
	Password PassFunc
	// Keyless configures Fulcio and the OIDC token when Key is empty.
	Keyless Keyless
	// ResolveTag allows a tag reference: it is resolved once, and the
	// digest it pointed to is signed and returned. Without it a tag is
	// refused with ErrTagReference.
	ResolveTag bool
	// SkipTlogUpload keeps the signature out of the transparency log. Only
	// allowed with a Key.
	SkipTlogUpload bool
	// RekorURL is the transparency log; empty means DefaultRekorURL.
	RekorURL string
	// Registry says how to reach the registry.
	Registry Registry
	// Annotations are signed into the signature payload (cosign sign -a).
	Annotations map[string]string
	// Attestations are signed as in-toto statements about the digest and
	// attached next to the signature. An attestation replaces earlier ones
	// of the same predicate type.
	Attestations []Attestation
}

// Result is what Sign wrote.
type Result struct {
	// Digest is the image signed, by digest.
	Digest name.Digest
	// SignatureTag and AttestationTag are where cosign-format signatures
	// and attestations were written (AttestationTag is empty when there
	// were no attestations).
	SignatureTag   name.Tag
	AttestationTag name.Tag
	// TlogUploaded says whether entries went to the transparency log.
	TlogUploaded bool
}

// validate rejects conflicting options before any work starts.
func (o *Options) validate() error {
	if o.SkipTlogUpload && o.Key == "" {
		return errors.New("skipping the transparency log upload needs a key: keyless signatures are only verifiable through the log")
	}
	for _, a := range o.Attestations {
		if a.PredicateType == "" {
			return errors.New("attestation with an empty predicate type")
		}
	}
	return nil
}

// withDefaults fills in the defaults, in one place.
func (o Options) withDefaults() Options {
	if o.RekorURL == "" {
		o.RekorURL = DefaultRekorURL
	}
	if o.Keyless.FulcioURL == "" {
		o.Keyless.FulcioURL = DefaultFulcioURL
	}
	return o
}

// Sign signs image by digest and attaches opts.Attestations. Everything is
// signed before anything is written; attestations are written before the
// signature, so a failed run never leaves a signature without its
// attestations, and a failure before the write leaves the registry as it was.
func Sign(ctx context.Context, image string, opts Options) (*Result, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	ref, ropts, err := opts.Registry.reference(ctx, image)
	if err != nil {
		return nil, err
	}
	if _, ok := ref.(name.Digest); !ok && !opts.ResolveTag {
		return nil, fmt.Errorf("%s: %w; sign IMAGE@sha256:<digest> (the digest vouch scanned), or allow resolving the tag once", image, ErrTagReference)
	}

	s, err := newSigner(ctx, &opts)
	if err != nil {
		return nil, err
	}
	defer s.close()

	digest, se, err := resolve(ref, ropts)
	if err != nil {
		return nil, err
	}
	if err := checkVerdictDigests(digest, opts.Attestations); err != nil {
		return nil, err
	}

	var tl *tlog
	if !opts.SkipTlogUpload {
		if tl, err = newTlog(opts.RekorURL, s); err != nil {
			return nil, err
		}
	}
	sig, atts, err := s.signAll(ctx, digest, &opts, tl)
	if err != nil {
		return nil, err
	}
	res := &Result{Digest: digest, TlogUploaded: tl != nil}
	if err := write(res, se, s, sig, atts, ropts); err != nil {
		return nil, err
	}
	return res, nil
}

// signAll signs the image and every attestation, writing nothing.
func (s *signer) signAll(ctx context.Context, digest name.Digest, opts *Options, tl *tlog) (oci.Signature, []oci.Signature, error) {
	sig, err := s.signImage(ctx, digest, opts.Annotations, tl)
	if err != nil {
		return nil, nil, err
	}
	atts := make([]oci.Signature, 0, len(opts.Attestations))
	for _, a := range opts.Attestations {
		att, err := s.attest(ctx, digest, a, tl)
		if err != nil {
			return nil, nil, err
		}
		atts = append(atts, att)
	}
	return sig, atts, nil
}

// write publishes the attestations, then the signature, and records the
// tags in res.
func write(res *Result, se oci.SignedEntity, s *signer, sig oci.Signature, atts []oci.Signature, ropts []ociremote.Option) error {
	var err error
	digest := res.Digest
	if res.SignatureTag, err = ociremote.SignatureTag(digest, ropts...); err != nil {
		return err
	}
	if len(atts) > 0 {
		if res.AttestationTag, err = ociremote.AttestationTag(digest, ropts...); err != nil {
			return err
		}
		if err := writeAttestations(digest, se, s, atts, ropts); err != nil {
			return err
		}
	}
	withSig, err := mutate.AttachSignatureToEntity(se, sig, mutate.WithDupeDetector(cremote.NewDupeDetector(s.sv)))
	if err != nil {
		return err
	}
	if err := ociremote.WriteSignatures(digest.Repository, withSig, ropts...); err != nil {
		return fmt.Errorf("write signature to %s: %w", res.SignatureTag, registryError(err))
	}
	return nil
}

// resolve finds the digest ref names and the entity there. A digest that
// does not exist is an error: vouch signs only what it can see.
func resolve(ref name.Reference, ropts []ociremote.Option) (name.Digest, oci.SignedEntity, error) {
	digest, err := ociremote.ResolveDigest(ref, ropts...)
	if err != nil {
		return name.Digest{}, nil, fmt.Errorf("resolve %s: %w", ref, registryError(err))
	}
	se, err := ociremote.SignedEntity(digest, ropts...)
	if err != nil {
		var nf *ociremote.EntityNotFoundError
		if errors.As(err, &nf) {
			return name.Digest{}, nil, fmt.Errorf("image %s not found in the registry", digest)
		}
		return name.Digest{}, nil, fmt.Errorf("read %s: %w", digest, registryError(err))
	}
	return digest, se, nil
}

// checkVerdictDigests refuses a verdict about another image.
func checkVerdictDigests(digest name.Digest, atts []Attestation) error {
	for _, a := range atts {
		if a.PredicateType != VerdictPredicateType {
			continue
		}
		var v Verdict
		if err := json.Unmarshal(a.Predicate, &v); err != nil {
			return fmt.Errorf("verdict predicate: %w", err)
		}
		if v.Image.Digest != digest.DigestStr() {
			return fmt.Errorf("verdict is about %s, not the digest being signed %s", v.Image.Digest, digest.DigestStr())
		}
	}
	return nil
}

func writeAttestations(digest name.Digest, se oci.SignedEntity, s *signer, atts []oci.Signature, ropts []ociremote.Option) error {
	var err error
	for _, att := range atts {
		se, err = mutate.AttachAttestationToEntity(se, att,
			mutate.WithDupeDetector(cremote.NewDupeDetector(s.sv)), mutate.WithReplaceOp(replaceSameType{}))
		if err != nil {
			return err
		}
	}
	if err := ociremote.WriteAttestations(digest.Repository, se, ropts...); err != nil {
		return fmt.Errorf("write attestations for %s: %w", digest, registryError(err))
	}
	return nil
}

// signImage signs cosign's simple-signing payload for digest.
func (s *signer) signImage(ctx context.Context, digest name.Digest, annotations map[string]string, tl *tlog) (oci.Signature, error) {
	ann := make(map[string]any, len(annotations))
	for k, v := range annotations {
		ann[k] = v
	}
	if len(ann) == 0 {
		ann = nil
	}
	pl, err := payload.Cosign{Image: digest, Annotations: ann}.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("signature payload: %w", err)
	}
	raw, err := s.sv.SignMessage(bytes.NewReader(pl), sigopts.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", digest, err)
	}
	sopts := s.staticOptions()
	if tl != nil {
		b, err := tl.uploadSignature(ctx, raw, pl)
		if err != nil {
			return nil, err
		}
		sopts = append(sopts, static.WithBundle(b))
	}
	return static.NewSignature(pl, base64.StdEncoding.EncodeToString(raw), sopts...)
}

// attest signs one attestation about digest.
func (s *signer) attest(ctx context.Context, digest name.Digest, a Attestation, tl *tlog) (oci.Signature, error) {
	envelope, err := attestationEnvelope(ctx, s.sv, digest, a)
	if err != nil {
		return nil, err
	}
	sopts := append(s.staticOptions(), attestationOptions(a)...)
	if tl != nil {
		b, err := tl.uploadDSSE(ctx, envelope)
		if err != nil {
			return nil, err
		}
		sopts = append(sopts, static.WithBundle(b))
	}
	return static.NewAttestation(envelope, sopts...)
}

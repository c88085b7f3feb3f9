package sign

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sigstore/cosign/v2/pkg/cosign/attestation"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	"github.com/sigstore/cosign/v2/pkg/types"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/dsse"
	sigopts "github.com/sigstore/sigstore/pkg/signature/options"
)

// Predicate types vouch attaches besides its verdict.
const (
	// CycloneDXPredicateType is in-toto's CycloneDX SBOM predicate, the one
	// `cosign attest --type cyclonedx` writes.
	CycloneDXPredicateType = "https://cyclonedx.org/bom"
	// VulnPredicateType is cosign's vulnerability scan predicate.
	VulnPredicateType = attestation.CosignVulnProvenanceV01
)

// inTotoStatementType is the statement type cosign writes and checks.
const inTotoStatementType = "https://in-toto.io/Statement/v0.1"

// Attestation is an in-toto predicate to attach to the signed digest.
type Attestation struct {
	PredicateType string
	Predicate     json.RawMessage
}

// SBOMAttestation attests a CycloneDX JSON SBOM.
func SBOMAttestation(cyclonedx []byte) (Attestation, error) {
	var head struct {
		BOMFormat string `json:"bomFormat"`
	}
	if err := json.Unmarshal(cyclonedx, &head); err != nil {
		return Attestation{}, fmt.Errorf("SBOM is not JSON: %w", err)
	}
	if head.BOMFormat != "CycloneDX" {
		return Attestation{}, fmt.Errorf("SBOM is not CycloneDX JSON (bomFormat %q)", head.BOMFormat)
	}
	return Attestation{PredicateType: CycloneDXPredicateType, Predicate: compact(cyclonedx)}, nil
}

// VulnAttestation attests a vulnerability report in cosign's vuln predicate
// (https://cosign.sigstore.dev/attestation/vuln/v1: invocation, scanner with
// its result, metadata), as `trivy --format cosign-vuln` writes it. Any
// other JSON report is wrapped as the predicate's scanner.result, with
// scanner naming trivy.
func VulnAttestation(report []byte, scannerVersion string) (Attestation, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(report, &probe); err != nil {
		return Attestation{}, fmt.Errorf("vulnerability report is not a JSON object: %w", err)
	}
	if _, ok := probe["scanner"]; ok {
		var p attestation.CosignVulnPredicate
		if err := json.Unmarshal(report, &p); err != nil {
			return Attestation{}, fmt.Errorf("vulnerability predicate: %w", err)
		}
		if p.Scanner.URI == "" {
			return Attestation{}, errors.New("vulnerability predicate: scanner.uri is empty")
		}
		return Attestation{PredicateType: VulnPredicateType, Predicate: compact(report)}, nil
	}
	p := attestation.CosignVulnPredicate{
		Scanner: attestation.Scanner{
			URI:     "pkg:github/aquasecurity/trivy",
			Version: scannerVersion,
			Result:  json.RawMessage(compact(report)),
		},
	}
	b, err := json.Marshal(p)
	if err != nil {
		return Attestation{}, fmt.Errorf("vulnerability predicate: %w", err)
	}
	return Attestation{PredicateType: VulnPredicateType, Predicate: b}, nil
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

// statement is an in-toto v0.1 statement about one digest.
type statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subject       []subject       `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

type subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// attestationEnvelope wraps the predicate in a statement about digest and
// signs it as a DSSE envelope, the way `cosign attest` does.
func attestationEnvelope(ctx context.Context, sv signature.Signer, digest name.Digest, a Attestation) ([]byte, error) {
	if !json.Valid(a.Predicate) {
		return nil, fmt.Errorf("attestation %s: predicate is not JSON", a.PredicateType)
	}
	hex, err := digestHex(digest)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(statement{
		Type:          inTotoStatementType,
		PredicateType: a.PredicateType,
		Subject:       []subject{{Name: digest.Context().String(), Digest: map[string]string{"sha256": hex}}},
		Predicate:     a.Predicate,
	})
	if err != nil {
		return nil, fmt.Errorf("attestation %s: %w", a.PredicateType, err)
	}
	envelope, err := dsse.WrapSigner(sv, types.IntotoPayloadType).SignMessage(bytes.NewReader(payload), sigopts.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("attestation %s: signing: %w", a.PredicateType, err)
	}
	return envelope, nil
}

// attestationOptions are the layer options cosign gives an attestation.
func attestationOptions(a Attestation) []static.Option {
	return []static.Option{
		static.WithLayerMediaType(types.DssePayloadType),
		static.WithAnnotations(map[string]string{"predicateType": a.PredicateType}),
	}
}

func digestHex(d name.Digest) (string, error) {
	algo, hex, ok := bytes.Cut([]byte(d.DigestStr()), []byte(":"))
	if !ok || string(algo) != "sha256" {
		return "", fmt.Errorf("%s: only sha256 digests are supported", d)
	}
	return string(hex), nil
}

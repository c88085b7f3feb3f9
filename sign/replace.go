package sign

import (
	"encoding/base64"
	"encoding/json"

	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
)

// replaceSameType is a mutate.ReplaceOp that drops the attestations of the
// new one's predicate type, so a digest carries one current SBOM, vuln
// report and verdict. cosign's own ReplaceOp prints to stderr.
type replaceSameType struct{}

var _ mutate.ReplaceOp = replaceSameType{}

func (replaceSameType) Replace(base oci.Signatures, att oci.Signature) (oci.Signatures, error) {
	existing, err := base.Get()
	if err != nil {
		return nil, err
	}
	want := predicateTypeOf(att)
	kept := []oci.Signature{att}
	for _, s := range existing {
		if want != "" && predicateTypeOf(s) == want {
			continue
		}
		kept = append(kept, s)
	}
	return &fixedSignatures{Signatures: base, list: kept}, nil
}

type fixedSignatures struct {
	oci.Signatures
	list []oci.Signature
}

func (f *fixedSignatures) Get() ([]oci.Signature, error) { return f.list, nil }

// predicateTypeOf reads the predicate type of a DSSE attestation; "" when
// it is not one.
func predicateTypeOf(att oci.Signature) string {
	if ann, err := att.Annotations(); err == nil && ann["predicateType"] != "" {
		return ann["predicateType"]
	}
	st, err := decodeStatement(att)
	if err != nil {
		return ""
	}
	return st.PredicateType
}

// decodeStatement decodes the in-toto statement inside a DSSE attestation
// layer. It does not verify anything.
func decodeStatement(att oci.Signature) (*statement, error) {
	raw, err := att.Payload()
	if err != nil {
		return nil, err
	}
	var env struct {
		Payload string `json:"payload"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, err
	}
	body, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, err
	}
	var st statement
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

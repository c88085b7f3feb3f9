package sign

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzTokenSubject: any token string yields a subject or an error, never a
// panic, and an error never repeats the token.
func FuzzTokenSubject(f *testing.F) {
	f.Add(fakeJWT(map[string]any{"email": "a@b.c", "email_verified": true}))
	f.Add(fakeJWT(map[string]any{"sub": "x"}))
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		_, err := tokenSubject(tok)
		if err != nil && len(tok) > 8 && strings.Contains(err.Error(), tok) {
			t.Errorf("error repeats the token: %v", err)
		}
	})
}

// FuzzAttestationInputs: SBOM and vulnerability files either become a
// predicate that is valid JSON or are refused.
func FuzzAttestationInputs(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6"}`))
	f.Add([]byte(`{"scanner":{"uri":"pkg:github/aquasecurity/trivy","result":{}}}`))
	f.Add([]byte(`{"Results":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mk := range []func([]byte) (Attestation, error){
			SBOMAttestation,
			func(b []byte) (Attestation, error) { return VulnAttestation(b, "") },
		} {
			a, err := mk(b)
			if err == nil && !json.Valid(a.Predicate) {
				t.Errorf("accepted %q as a predicate that is not JSON: %q", b, a.Predicate)
			}
		}
	})
}

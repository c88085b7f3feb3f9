package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vouch-dev/vouch/sign"
)

// registryFlags reach the registry for sign and verify.
type registryFlags struct {
	CAFile   string
	Insecure bool
}

func (r *registryFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&r.CAFile, "registry-ca", "", "PEM file of extra CAs trusted for the registry")
	fs.BoolVar(&r.Insecure, "allow-insecure-registry", false, "allow a plain-HTTP registry")
}

func (r *registryFlags) registry() sign.Registry {
	return sign.Registry{CAFile: r.CAFile, Insecure: r.Insecure, UserAgent: "vouch/" + vouchVersion()}
}

type signOptions struct {
	Key           string
	ResolveTag    bool
	TlogUpload    bool
	RekorURL      string
	FulcioURL     string
	IdentityToken string
	SBOM          string
	Vuln          string
	Verdict       string
	Annotations   []string
	Registry      registryFlags
}

func newSignCmd() *cobra.Command {
	o := &signOptions{}
	cmd := &cobra.Command{
		Use:   "sign IMAGE@sha256:DIGEST",
		Short: "Sign an image by digest and attach the SBOM, vulnerability report and verdict",
		Long: `sign signs the digest vouch scanned, in cosign's format, and attaches
attestations about the same digest. It refuses a tag unless --resolve-tag.

Keys: a cosign key file (password from COSIGN_PASSWORD), env://VAR, or a KMS
URI served by a sigstore-kms-<scheme> plugin on PATH. Without --key it signs
keyless with Fulcio, using --identity-token, SIGSTORE_ID_TOKEN (GitLab) or the
GitHub Actions OIDC token.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSign(cmd, args[0], o)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Key, "key", "", "cosign private key: file, env://VAR, or KMS URI; empty for keyless")
	fs.BoolVar(&o.ResolveTag, "resolve-tag", false, "allow IMAGE:TAG: resolve it once and sign the digest")
	fs.BoolVar(&o.TlogUpload, "tlog-upload", true, "upload to the transparency log (false only with --key)")
	fs.StringVar(&o.RekorURL, "rekor-url", sign.DefaultRekorURL, "transparency log")
	fs.StringVar(&o.FulcioURL, "fulcio-url", sign.DefaultFulcioURL, "certificate authority for keyless signing")
	fs.StringVar(&o.IdentityToken, "identity-token", "", "OIDC identity token for keyless signing (or a file holding it)")
	fs.StringVar(&o.SBOM, "attest-sbom", "", "attest this CycloneDX JSON SBOM")
	fs.StringVar(&o.Vuln, "attest-vuln", "", "attest this vulnerability report (cosign vuln predicate or Trivy JSON)")
	fs.StringVar(&o.Verdict, "attest-verdict", "", "attest this vouch verdict (JSON, docs/verdict-predicate.md)")
	fs.StringArrayVarP(&o.Annotations, "annotation", "a", nil, "KEY=VALUE signed into the signature payload; repeatable")
	o.Registry.addFlags(fs)
	return cmd
}

// options turns the flags into the library's options; files are read here.
func (o *signOptions) options(cmd *cobra.Command) (sign.Options, error) {
	opts := sign.Options{
		Key:            o.Key,
		Password:       passwordFunc(cmd.InOrStdin(), cmd.ErrOrStderr(), false),
		ResolveTag:     o.ResolveTag,
		SkipTlogUpload: !o.TlogUpload,
		RekorURL:       o.RekorURL,
		Registry:       o.Registry.registry(),
		Keyless:        sign.Keyless{IdentityToken: o.IdentityToken, FulcioURL: o.FulcioURL},
	}
	if !o.TlogUpload && o.Key == "" {
		return opts, usagef("--tlog-upload=false needs --key: keyless signatures are only verifiable through the transparency log")
	}
	if tok := o.IdentityToken; tok != "" {
		if b, err := os.ReadFile(tok); err == nil {
			opts.Keyless.IdentityToken = strings.TrimSpace(string(b))
		}
	}
	for _, a := range o.Annotations {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return opts, usagef("--annotation %q: want KEY=VALUE", a)
		}
		if opts.Annotations == nil {
			opts.Annotations = map[string]string{}
		}
		opts.Annotations[k] = v
	}
	atts, err := o.attestations()
	opts.Attestations = atts
	return opts, err
}

func (o *signOptions) attestations() ([]sign.Attestation, error) {
	var atts []sign.Attestation
	add := func(file string, make func([]byte) (sign.Attestation, error)) error {
		if file == "" {
			return nil
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		a, err := make(b)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		atts = append(atts, a)
		return nil
	}
	if err := add(o.SBOM, sign.SBOMAttestation); err != nil {
		return nil, err
	}
	if err := add(o.Vuln, func(b []byte) (sign.Attestation, error) { return sign.VulnAttestation(b, "") }); err != nil {
		return nil, err
	}
	err := add(o.Verdict, func(b []byte) (sign.Attestation, error) {
		var v sign.Verdict
		if err := json.Unmarshal(b, &v); err != nil {
			return sign.Attestation{}, err
		}
		return sign.VerdictAttestation(v)
	})
	return atts, err
}

func runSign(cmd *cobra.Command, image string, o *signOptions) error {
	opts, err := o.options(cmd)
	if err != nil {
		return err
	}
	res, err := sign.Sign(cmd.Context(), image, opts)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if !strings.Contains(image, "@") {
		fmt.Fprintf(w, "Resolved %s to %s\n", image, res.Digest)
	}
	fmt.Fprintf(w, "Signed %s\n", res.Digest)
	for _, a := range opts.Attestations {
		fmt.Fprintf(w, "Attested %s\n", a.PredicateType)
	}
	return nil
}

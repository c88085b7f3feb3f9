package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/sign"
)

type verifyOptions struct {
	Key            string
	Identity       sign.Identity
	IgnoreTlog     bool
	IgnoreSCT      bool
	TrustedRoot    string
	RequireVerdict bool
	Require        []string
	Registry       registryFlags
}

func newVerifyCmd() *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify IMAGE",
		Short: "Verify an image's signature and attestations (exit 0 verified, 1 not verified, 2 error)",
		Long: `verify checks that IMAGE carries a valid signature by --key (or by a keyless
identity), and with --require-verdict that a vouch verdict attestation for
its digest says passed. A tag is resolved once; the digest is what is checked.

Exit codes: 0 verified, 1 not verified, 2 could not decide.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd, args[0], o)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Key, "key", "", "public key: PEM file, env://VAR or KMS URI")
	fs.StringVar(&o.Identity.Subject, "certificate-identity", "", "keyless: expected certificate identity")
	fs.StringVar(&o.Identity.SubjectRegexp, "certificate-identity-regexp", "", "keyless: expected certificate identity, as a regexp")
	fs.StringVar(&o.Identity.Issuer, "certificate-oidc-issuer", "", "keyless: expected OIDC issuer")
	fs.StringVar(&o.Identity.IssuerRegexp, "certificate-oidc-issuer-regexp", "", "keyless: expected OIDC issuer, as a regexp")
	fs.BoolVar(&o.IgnoreTlog, "insecure-ignore-tlog", false, "do not require a transparency log entry (key-based signatures made with --tlog-upload=false)")
	fs.BoolVar(&o.IgnoreSCT, "insecure-ignore-sct", false, "keyless: do not require a certificate transparency proof (private Fulcio without a CT log)")
	fs.StringVar(&o.TrustedRoot, "trusted-root", "", "Sigstore trusted_root.json (private Sigstore, or offline); default: the public-good root via TUF")
	fs.BoolVar(&o.RequireVerdict, "require-verdict", false, "require a verified vouch verdict that says passed")
	fs.StringArrayVar(&o.Require, "require-attestation", nil, "require a verified attestation of this predicate type; repeatable")
	o.Registry.addFlags(fs)
	return cmd
}

func runVerify(cmd *cobra.Command, image string, o *verifyOptions) error {
	res, err := sign.Verify(cmd.Context(), image, sign.VerifyOptions{
		Key:               o.Key,
		Identity:          o.Identity,
		IgnoreTlog:        o.IgnoreTlog,
		IgnoreSCT:         o.IgnoreSCT,
		TrustedRoot:       o.TrustedRoot,
		Registry:          o.Registry.registry(),
		RequirePredicates: o.Require,
		RequireVerdict:    o.RequireVerdict,
	})
	if errors.Is(err, sign.ErrNotVerified) {
		fmt.Fprintf(cmd.ErrOrStderr(), "vouch: %s\n", oneLine(err.Error()))
		return &verdictError{finding.Failed}
	}
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "Verified %s: %d signature(s)\n", res.Digest, res.Signatures)
	for _, p := range res.Predicates {
		fmt.Fprintf(w, "Attestation %s\n", p)
	}
	if v := res.Verdict; v != nil {
		state := "failed"
		if v.Passed {
			state = "passed"
		}
		fmt.Fprintf(w, "Verdict %s at %s (fail-on %s)\n", state, v.Time.UTC().Format("2006-01-02T15:04:05Z"), v.Policy.FailOn)
	}
	return nil
}

package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/gate"
	"github.com/vouch-dev/vouch/sign"
)

// gateSigner signs for the gate with the sign library: the digest the gate
// scanned, with the SBOM, the vulnerability report and the verdict attached.
type gateSigner struct {
	opts     sign.Options
	maxDBAge string
}

func (o *gateOptions) signer(cmd *cobra.Command, cfg *config.Config) (gate.Signer, error) {
	key := firstNonEmpty(o.Key, cfg.Sign.Key)
	tlog := o.Tlog
	if !cmd.Flags().Changed("tlog-upload") && cfg.Sign.TlogUpload != nil {
		tlog = *cfg.Sign.TlogUpload
	}
	if !tlog && key == "" {
		return nil, usagef("--tlog-upload=false needs a key: keyless signatures are only verifiable through the transparency log")
	}
	opts := sign.Options{
		Key:            key,
		Password:       passwordFunc(cmd.InOrStdin(), cmd.ErrOrStderr(), false),
		SkipTlogUpload: !tlog,
		RekorURL:       o.Keyless.RekorURL,
		Registry:       o.Registry.registry(),
		Keyless:        sign.Keyless{IdentityToken: o.Keyless.IdentityToken, FulcioURL: o.Keyless.FulcioURL},
	}
	if key == "" {
		// Keyless: find the token now, so that a gate that cannot sign
		// says so before it scans anything.
		if _, _, err := sign.DiscoverToken(cmd.Context(), opts.Keyless); err != nil {
			return nil, err
		}
	}
	return &gateSigner{opts: opts, maxDBAge: o.Scan.maxAge(cfg)}, nil
}

func (s *gateSigner) Sign(ctx context.Context, req gate.SignRequest) (string, error) {
	opts := s.opts
	var atts []sign.Attestation
	if len(req.Scan.SBOM) > 0 {
		a, err := sign.SBOMAttestation(req.Scan.SBOM)
		if err != nil {
			return "", err
		}
		atts = append(atts, a)
	}
	if len(req.Scan.Vulnerabilities) > 0 {
		a, err := sign.VulnAttestation(req.Scan.Vulnerabilities, req.Scan.ScannerVersion)
		if err != nil {
			return "", err
		}
		atts = append(atts, a)
	}
	repo, digest, _ := strings.Cut(req.Scan.Ref, "@")
	counts := map[string]int{}
	for _, sev := range finding.Severities {
		counts[strings.ToUpper(sev.String())] = req.Counts[sev]
	}
	v := sign.Verdict{
		Image:  sign.VerdictImage{Name: repo, Digest: digest},
		Passed: true,
		Policy: sign.VerdictPolicy{
			FailOn: req.Threshold.String(), IgnoreUnfixed: req.IgnoreUnfixed,
			Ignored: req.Waived, MaxDatabaseAge: s.maxDBAge,
		},
		Counts:  counts,
		Vouch:   sign.VerdictTool{Name: "vouch", Version: vouchVersion()},
		Scanner: sign.VerdictTool{Name: "trivy", Version: req.Scan.ScannerVersion},
		Time:    req.Time,
	}
	if !req.Scan.DBUpdatedAt.IsZero() {
		v.Database = sign.VerdictDatabase{UpdatedAt: req.Scan.DBUpdatedAt, AgeSeconds: int64(req.Time.Sub(req.Scan.DBUpdatedAt).Seconds())}
	}
	a, err := sign.VerdictAttestation(v)
	if err != nil {
		return "", err
	}
	opts.Attestations = append(atts, a)
	res, err := sign.Sign(ctx, req.Scan.Ref, opts)
	if err != nil {
		return "", err
	}
	return res.Digest.String(), nil
}

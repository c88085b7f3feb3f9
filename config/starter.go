package config

import (
	"fmt"
	"strings"
)

// Starter is a commented vouch.yaml for a repository with these Dockerfiles
// and compose project directories. It parses as a valid config.
func Starter(dockerfiles, composeDirs []string) string {
	var b strings.Builder
	b.WriteString(`# vouch.yaml: the policy vouch gate enforces, the same in CI and in the
# pre-push hook. Flags override it. Schema: docs/schemas/vouch.schema.json
# (add "# yaml-language-server: $schema=<url of that file>" for completion).

# Fail on findings at or above this severity: critical, high, medium, low, info.
fail-on: high

# Per-category thresholds override fail-on.
thresholds:
  secret: low            # any committed secret fails
  # vulnerability: critical

# Leave out vulnerabilities that have no fixed version yet.
ignore-unfixed: false

# Images to scan and, when the gate passes and signing is on, to sign. Best
# by digest: the digest your build step pushed.
images: []
#  - registry.example.com/team/app@sha256:...

`)
	b.WriteString("# Files the gate lints (globs; empty: the usual names anywhere). Found now:\n")
	for _, d := range dockerfiles {
		fmt.Fprintf(&b, "#   %s\n", d)
	}
	for _, d := range composeDirs {
		fmt.Fprintf(&b, "#   %s/ (compose project)\n", d)
	}
	if len(dockerfiles)+len(composeDirs) == 0 {
		b.WriteString("#   (none)\n")
	}
	b.WriteString(`dockerfiles: []
compose: []

# Accepted findings, each with a reason and an end date. An expired
# exception stops applying; one about to expire is warned about.
exceptions: []
#  - id: CVE-2023-5678              # a vulnerability or rule id (or rule name)
#    images: ["registry.example.com/team/*"]
#    paths: ["deploy/**"]
#    reason: not reachable: we never parse untrusted DH parameters
#    expires: 2027-01-31
expiry-warning: 14d

# Findings in this file (vouch baseline write) do not fail the gate.
# baseline: .vouch-baseline.json

# Rules not to run (ids or names); their findings are kept as suppressed.
disable: []

scan:
  filesystem: true       # scan the repository for vulnerable lockfiles and secrets
  db-max-age: 72h        # an older vulnerability database fails the gate (exit 2)
  # db-repository: [ghcr.io/aquasecurity/trivy-db:2]

sign:
  enabled: false         # sign and attest the images that passed
  # key: cosign.key      # or env://VAR, a KMS URI; empty: keyless from CI's OIDC token

# Reports written on every run.
outputs: []
#  - sarif=vouch.sarif
#  - json=vouch.json
`)
	return b.String()
}

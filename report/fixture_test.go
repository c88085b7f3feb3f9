package report

import (
	"time"

	"github.com/vouch-dev/vouch/finding"
)

var (
	fixedStart = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	fixedEnd   = fixedStart.Add(3 * time.Second)
)

var ruleRoot = finding.Rule{
	ID: "VCH-DF-001", Name: "final-stage-runs-as-root", Category: finding.CategoryDockerfile,
	Severity: finding.High, Title: "Final stage runs as root",
	Rationale: "A container that runs as root turns an application bug into a host compromise.",
	Fix:       "Add `USER 10001` (a non-root uid) as the last USER instruction of the final stage.",
	Aliases:   []finding.Alias{{Tool: "hadolint", ID: "DL3002"}, {Tool: "trivy", ID: "DS-0002"}},
}

var ruleLatest = finding.Rule{
	ID: "VCH-DF-010", Name: "base-image-latest", Category: finding.CategoryDockerfile,
	Severity: finding.Medium, Title: "Base image uses the latest tag",
	Rationale: "latest moves: the build is not reproducible.", Fix: "Pin a version and a digest.",
}

var rulePriv = finding.Rule{
	ID: "VCH-DC-005", Name: "privileged", Category: finding.CategoryCompose,
	Severity: finding.Critical, Title: "Service runs privileged",
	Rationale: "privileged gives the container every capability and every device.", Fix: "Remove `privileged: true`.",
}

func dockerfileResult() finding.Result {
	return finding.Result{
		Target: finding.Target{Kind: finding.KindDockerfile, Name: "app/Dockerfile"},
		Rules:  []finding.Rule{ruleRoot, ruleLatest},
		Findings: []finding.Finding{
			{
				RuleID: ruleRoot.ID, Category: finding.CategoryDockerfile, Severity: finding.High,
				Title: ruleRoot.Title, Message: "stage runtime runs as root (USER root)",
				Location:    finding.Location{Path: "app/Dockerfile", StartLine: 9, EndLine: 9, Snippet: "USER root", Logical: "stage runtime"},
				Fingerprint: finding.Fingerprint(ruleRoot.ID, "app/Dockerfile", "runtime", "USER root"),
				HelpURL:     ruleRoot.HelpURL(),
			},
			{
				RuleID: ruleLatest.ID, Category: finding.CategoryDockerfile, Severity: finding.Medium,
				Title: ruleLatest.Title, Message: "FROM node:latest: the tag latest moves",
				Location:    finding.Location{Path: "app/Dockerfile", StartLine: 1, EndLine: 2, Snippet: "FROM node:latest \\\n    AS build", Logical: "stage build"},
				Fingerprint: finding.Fingerprint(ruleLatest.ID, "app/Dockerfile", "build", "FROM node:latest AS build"),
				HelpURL:     ruleLatest.HelpURL(),
			},
			{
				RuleID: ruleLatest.ID, Category: finding.CategoryDockerfile, Severity: finding.Medium,
				Title: ruleLatest.Title, Message: "FROM alpine:latest: the tag latest moves",
				Location:    finding.Location{Path: "app/Dockerfile", StartLine: 5, EndLine: 5, Snippet: "FROM alpine:latest AS runtime", Logical: "stage runtime"},
				Fingerprint: finding.Fingerprint(ruleLatest.ID, "app/Dockerfile", "runtime", "FROM alpine:latest AS runtime"),
				HelpURL:     ruleLatest.HelpURL(),
				Suppression: &finding.Suppression{Kind: finding.SuppressedInline, Reason: "vouch:ignore=VCH-DF-010"},
			},
		},
	}
}

func composeResult() finding.Result {
	return finding.Result{
		Target: finding.Target{Kind: finding.KindCompose, Name: "compose.yaml"},
		Rules:  []finding.Rule{rulePriv},
		Findings: []finding.Finding{{
			RuleID: rulePriv.ID, Category: finding.CategoryCompose, Severity: finding.Critical,
			Title: rulePriv.Title, Message: "service db sets privileged: true",
			Location:    finding.Location{Path: "compose.yaml", StartLine: 7, EndLine: 7, StartColumn: 5, EndColumn: 21, Snippet: "    privileged: true", Logical: "service db"},
			Fingerprint: finding.Fingerprint(rulePriv.ID, "compose.yaml", "db", "privileged"),
			HelpURL:     rulePriv.HelpURL(),
		}},
	}
}

const imageDigest = "sha256:4f5e2a1c9b0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"

func imageResult() finding.Result {
	img := "127.0.0.1:5000/shop/api@" + imageDigest
	return finding.Result{
		Target: finding.Target{Kind: finding.KindImage, Name: "127.0.0.1:5000/shop/api:1.4", Digest: imageDigest, OS: "alpine 3.19.0"},
		Findings: []finding.Finding{
			{
				RuleID: "CVE-2023-5678", Category: finding.CategoryVulnerability, Severity: finding.Medium,
				Title:       "openssl: Generating excessively long X9.42 DH keys or checking excessively long X9.42 DH keys or parameters may be very slow",
				Message:     "openssl 3.1.4-r0 is affected by CVE-2023-5678; fixed in 3.1.4-r1",
				Location:    finding.Location{Path: "lib/apk/db/installed", Image: img, Layer: "sha256:1111111111111111111111111111111111111111111111111111111111111111", Logical: "libcrypto3@3.1.4-r0"},
				Fingerprint: finding.Fingerprint("CVE-2023-5678", "libcrypto3", "3.1.4-r0", "lib/apk/db/installed", "127.0.0.1:5000/shop/api"),
				HelpURL:     "https://avd.aquasec.com/nvd/cve-2023-5678",
				Vulnerability: &finding.Vulnerability{
					ID: "CVE-2023-5678", Package: "libcrypto3", InstalledVersion: "3.1.4-r0", FixedVersion: "3.1.4-r1",
					PURL: "pkg:apk/alpine/libcrypto3@3.1.4-r0?arch=x86_64&distro=3.19.0", PackageType: "alpine",
					SeveritySource: "nvd", OS: "alpine 3.19.0",
					CVSS:       []finding.CVSS{{Source: "nvd", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", Score: 5.3}},
					References: []string{"https://www.openssl.org/news/secadv/20231106.txt"},
				},
			},
			{
				RuleID: "GHSA-8hc4-vh64-cxmj", Category: finding.CategoryVulnerability, Severity: finding.High,
				Title:       "Server-Side Request Forgery in axios",
				Message:     "axios 1.6.0 is affected by GHSA-8hc4-vh64-cxmj; fixed in 1.7.4",
				Location:    finding.Location{Path: "app/package-lock.json", Image: img, Layer: "sha256:2222222222222222222222222222222222222222222222222222222222222222", Logical: "axios@1.6.0"},
				Fingerprint: finding.Fingerprint("GHSA-8hc4-vh64-cxmj", "axios", "1.6.0", "app/package-lock.json", "127.0.0.1:5000/shop/api"),
				Vulnerability: &finding.Vulnerability{
					ID: "GHSA-8hc4-vh64-cxmj", Package: "axios", InstalledVersion: "1.6.0", FixedVersion: "1.7.4",
					PURL: "pkg:npm/axios@1.6.0", PackageType: "npm", SeveritySource: "ghsa",
				},
				Suppression: &finding.Suppression{Kind: finding.SuppressedException, Reason: "SSRF path not reachable: no user-supplied URLs", Expires: "2027-01-31"},
			},
		},
	}
}

func errorResult() finding.Result {
	return finding.Result{
		Target: finding.Target{Kind: finding.KindDockerfile, Name: "broken/Dockerfile"},
		Error:  "broken/Dockerfile: no FROM instruction",
	}
}

// fixture is a report over every kind of target, a suppressed finding of
// each suppression family, and no error: it fails on high.
func fixture() *Report {
	return New(DefaultTool("0.3.0"), []finding.Result{dockerfileResult(), composeResult(), imageResult()},
		finding.At(finding.High), fixedStart, fixedEnd)
}

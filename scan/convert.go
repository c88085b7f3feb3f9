package scan

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aquasecurity/trivy/pkg/result"
	"github.com/aquasecurity/trivy/pkg/types"

	"github.com/vouch-dev/vouch/finding"
)

// osPackageDB is the file in the image an OS family's packages come from.
var osPackageDB = map[string]string{
	"alpine": "lib/apk/db/installed", "wolfi": "lib/apk/db/installed", "chainguard": "lib/apk/db/installed",
	"debian": "var/lib/dpkg/status", "ubuntu": "var/lib/dpkg/status",
	"redhat": "var/lib/rpm/Packages", "centos": "var/lib/rpm/Packages", "rocky": "var/lib/rpm/Packages",
	"alma": "var/lib/rpm/Packages", "amazon": "var/lib/rpm/Packages", "oracle": "var/lib/rpm/Packages",
	"fedora": "var/lib/rpm/Packages", "opensuse.leap": "usr/lib/sysimage/rpm/Packages.db",
	"sles": "usr/lib/sysimage/rpm/Packages.db", "azurelinux": "var/lib/rpm/rpmdb.sqlite",
	"cbl-mariner": "var/lib/rpm/rpmdb.sqlite", "photon": "var/lib/rpm/rpmdb.sqlite",
}

// convert maps Trivy's report onto the finding model. repo (without tag)
// goes into fingerprints, image (repo@digest) into locations.
func convert(a analysis, target finding.Target, repo, image string) finding.Result {
	r := a.report
	osName := ""
	if r.Metadata.OS != nil && r.Metadata.OS.Family != "" {
		osName = strings.TrimSpace(string(r.Metadata.OS.Family) + " " + r.Metadata.OS.Name)
	}
	target.OS = osName
	c := converter{repo: repo, image: image, os: osName, rules: map[string]finding.Rule{}}
	res := finding.Result{Target: target, Findings: []finding.Finding{}}
	for _, tr := range r.Results {
		for _, v := range tr.Vulnerabilities {
			res.Findings = append(res.Findings, c.vuln(tr, v, nil))
		}
		for _, sec := range tr.Secrets {
			res.Findings = append(res.Findings, c.secret(tr, sec, nil))
		}
		for _, m := range tr.ModifiedFindings {
			sup := &finding.Suppression{Kind: finding.SuppressedVEX, Reason: m.Statement}
			if m.Status == types.FindingStatusIgnored {
				sup.Kind = finding.SuppressedIgnore
			}
			if ex, ok := a.expires[m.Source+"\x00"+findingID(m.Finding)]; ok {
				sup.Expires = ex
			}
			if sup.Reason == "" {
				sup.Reason = string(m.Status)
			}
			if m.Source != "" {
				sup.Reason += " (" + m.Source + ")"
			}
			switch f := m.Finding.(type) {
			case types.DetectedVulnerability:
				res.Findings = append(res.Findings, c.vuln(tr, f, sup))
			case types.DetectedSecret:
				res.Findings = append(res.Findings, c.secret(tr, f, sup))
			}
		}
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Fingerprint < b.Fingerprint
	})
	for _, id := range slices.Sorted(mapsKeys(c.rules)) {
		res.Rules = append(res.Rules, c.rules[id])
	}
	return res
}

func mapsKeys(m map[string]finding.Rule) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

type converter struct {
	repo, image, os string
	rules           map[string]finding.Rule
}

func severity(s string) finding.Severity {
	sev, err := finding.ParseSeverity(s)
	if err != nil {
		return finding.Info
	}
	return sev
}

func (c *converter) vuln(tr types.Result, v types.DetectedVulnerability, sup *finding.Suppression) finding.Finding {
	path := v.PkgPath
	if path == "" && tr.Class == types.ClassLangPkg {
		path = tr.Target
	}
	if path == "" && tr.Class == types.ClassOSPkg {
		path = osPackageDB[string(tr.Type)]
	}
	title := v.Title
	if title == "" {
		title = v.VulnerabilityID
	}
	sev := severity(v.Severity)
	fv := &finding.Vulnerability{
		ID:               v.VulnerabilityID,
		Package:          v.PkgName,
		InstalledVersion: v.InstalledVersion,
		FixedVersion:     v.FixedVersion,
		PackageType:      string(tr.Type),
		SeveritySource:   string(v.SeveritySource),
		References:       v.References,
		OS:               c.os,
	}
	if v.PkgIdentifier.PURL != nil {
		fv.PURL = v.PkgIdentifier.PURL.String()
	}
	for src, cv := range v.CVSS {
		x := finding.CVSS{Source: string(src), Vector: cv.V3Vector, Score: cv.V3Score}
		if x.Vector == "" {
			x.Vector, x.Score = cv.V40Vector, cv.V40Score
		}
		if x.Vector == "" {
			x.Vector, x.Score = cv.V2Vector, cv.V2Score
		}
		fv.CVSS = append(fv.CVSS, x)
	}
	sort.Slice(fv.CVSS, func(i, j int) bool { return fv.CVSS[i].Source < fv.CVSS[j].Source })
	msg := fmt.Sprintf("%s %s has %s", v.PkgName, v.InstalledVersion, v.VulnerabilityID)
	if v.FixedVersion != "" {
		msg += "; fixed in " + v.FixedVersion
	} else {
		msg += "; no fixed version"
	}
	if _, ok := c.rules[v.VulnerabilityID]; !ok {
		c.rules[v.VulnerabilityID] = finding.Rule{
			ID: v.VulnerabilityID, Name: strings.ToLower(v.VulnerabilityID), Category: finding.CategoryVulnerability,
			Severity: sev, Title: title, Rationale: v.Description,
			Fix: "Upgrade the package to a fixed version.",
		}
	}
	path = strings.TrimPrefix(path, "/")
	return finding.Finding{
		RuleID:   v.VulnerabilityID,
		Category: finding.CategoryVulnerability,
		Severity: sev,
		Title:    title,
		Message:  msg,
		Location: finding.Location{
			Path:    path,
			Logical: v.PkgName + "@" + v.InstalledVersion,
			Image:   c.image,
			Layer:   layerDigest(v.Layer.Digest, v.Layer.DiffID),
		},
		Fingerprint:   finding.Fingerprint(v.VulnerabilityID, v.PkgName, v.InstalledVersion, path, c.repo),
		HelpURL:       v.PrimaryURL,
		Suppression:   sup,
		Vulnerability: fv,
	}
}

func layerDigest(digest, diffID string) string {
	if digest != "" {
		return digest
	}
	return diffID
}

// secret maps a secret finding. The secret's value never leaves: Trivy's
// Match is masked with '*', and the code lines around it are not kept.
func (c *converter) secret(tr types.Result, s types.DetectedSecret, sup *finding.Suppression) finding.Finding {
	sev := severity(s.Severity)
	path := strings.TrimPrefix(tr.Target, "/")
	if _, ok := c.rules[s.RuleID]; !ok {
		c.rules[s.RuleID] = finding.Rule{
			ID: s.RuleID, Name: s.RuleID, Category: finding.CategorySecret, Severity: sev, Title: s.Title,
			Rationale: "A credential committed to an image or a repository can be read by anyone who can pull or clone it.",
			Fix:       "Remove the secret, rotate it, and pass it at run time instead.",
		}
	}
	return finding.Finding{
		RuleID:   s.RuleID,
		Category: finding.CategorySecret,
		Severity: sev,
		Title:    s.Title,
		Message:  fmt.Sprintf("%s in %s line %d", s.Title, path, s.StartLine),
		Location: finding.Location{
			Path: path, StartLine: s.StartLine, EndLine: s.EndLine,
			Snippet: masked(s.Match),
			Image:   c.image,
			Layer:   layerDigest(s.Layer.Digest, s.Layer.DiffID),
		},
		Fingerprint: finding.Fingerprint("secret", s.RuleID, path, finding.NormalizeText(masked(s.Match)), c.repo),
		Suppression: sup,
	}
}

// masked keeps Trivy's masked match only when it is masked; otherwise it
// says nothing.
func masked(match string) string {
	if !strings.Contains(match, "***") {
		return ""
	}
	return match
}

func findingID(f types.Finding) string {
	switch v := f.(type) {
	case types.DetectedVulnerability:
		return v.VulnerabilityID
	case types.DetectedSecret:
		return v.RuleID
	}
	return ""
}

// ignoreExpiry finds the expiry dates of the ignore-file entries that
// suppressed findings.
func ignoreExpiry(ctx context.Context, r types.Report, file string) (map[string]string, error) {
	expiry := map[string]string{}
	if file == "" {
		return expiry, nil
	}
	conf, err := result.ParseIgnoreFile(ctx, file)
	if err != nil {
		return nil, err
	}
	for _, tr := range r.Results {
		for _, m := range tr.ModifiedFindings {
			if m.Status != types.FindingStatusIgnored {
				continue
			}
			var ig *result.IgnoreFinding
			switch f := m.Finding.(type) {
			case types.DetectedVulnerability:
				ig = conf.MatchVulnerability(f.VulnerabilityID, tr.Target, f.PkgPath, f.PkgIdentifier.PURL)
			case types.DetectedSecret:
				ig = conf.MatchSecret(f.RuleID, tr.Target)
			}
			if ig != nil && !ig.ExpiredAt.IsZero() {
				expiry[m.Source+"\x00"+findingID(m.Finding)] = ig.ExpiredAt.Format("2006-01-02")
			}
		}
	}
	return expiry, nil
}

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// GitLab container-scanning report schema versions vouch can write. 15.0.x
// is the default: GitLab 17.1 and 17.2 reject 15.2.x reports.
var GitLabSchemaVersions = []string{"15.0.7", "15.1.4", "15.2.4"}

// DefaultGitLabSchemaVersion is written unless another is asked for.
const DefaultGitLabSchemaVersion = "15.0.7"

func validGitLabVersion(v string) bool { return slices.Contains(GitLabSchemaVersions, v) }

// ContainerScanningWriter writes GitLab's container-scanning report: every
// unsuppressed vulnerability finding of an image target.
type ContainerScanningWriter struct {
	SchemaVersion string
}

type csReport struct {
	Version         string            `json:"version"`
	Schema          string            `json:"schema,omitempty"`
	Scan            csScan            `json:"scan"`
	Vulnerabilities []csVulnerability `json:"vulnerabilities"`
	Remediations    []any             `json:"remediations"`
}

type csScan struct {
	Analyzer  csComponent `json:"analyzer"`
	Scanner   csComponent `json:"scanner"`
	Type      string      `json:"type"`
	StartTime string      `json:"start_time"`
	EndTime   string      `json:"end_time"`
	Status    string      `json:"status"`
	Messages  []csMessage `json:"messages,omitempty"`
}

type csComponent struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	URL     string   `json:"url,omitempty"`
	Version string   `json:"version"`
	Vendor  csVendor `json:"vendor"`
}

type csVendor struct {
	Name string `json:"name"`
}

type csMessage struct {
	Level string `json:"level"`
	Value string `json:"value"`
}

type csVulnerability struct {
	ID          string         `json:"id"`
	Name        string         `json:"name,omitempty"`
	Description string         `json:"description,omitempty"`
	Severity    string         `json:"severity"`
	Solution    string         `json:"solution,omitempty"`
	Identifiers []csIdentifier `json:"identifiers"`
	Links       []csLink       `json:"links,omitempty"`
	Location    csLocation     `json:"location"`
}

type csIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type csLink struct {
	URL string `json:"url"`
}

type csLocation struct {
	Dependency      csDependency `json:"dependency"`
	OperatingSystem string       `json:"operating_system"`
	Image           string       `json:"image"`
}

type csDependency struct {
	Package csPackage `json:"package"`
	Version string    `json:"version"`
}

type csPackage struct {
	Name string `json:"name"`
}

func (cw *ContainerScanningWriter) Write(w io.Writer, r *Report) error {
	scanner := csComponent{ID: "trivy", Name: "Trivy", URL: "https://github.com/aquasecurity/trivy",
		Version: orUnknown(r.Tool.ScannerVersion), Vendor: csVendor{Name: "Aqua Security"}}
	if r.Tool.ScannerName != "" {
		scanner.Name = r.Tool.ScannerName
	}
	out := csReport{
		Version: cw.SchemaVersion,
		Schema: "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" +
			cw.SchemaVersion + "/dist/container-scanning-report-format.json",
		Scan: csScan{
			Analyzer: csComponent{ID: "vouch", Name: "vouch", URL: r.Tool.InformationURI,
				Version: orUnknown(r.Tool.Version), Vendor: csVendor{Name: "vouch"}},
			Scanner:   scanner,
			Type:      "container_scanning",
			StartTime: r.StartedAt.UTC().Format("2006-01-02T15:04:05"),
			EndTime:   r.FinishedAt.UTC().Format("2006-01-02T15:04:05"),
			Status:    "success",
		},
		Vulnerabilities: []csVulnerability{},
		Remediations:    []any{},
	}
	for i := range r.Results {
		res := &r.Results[i]
		if res.Error != "" {
			out.Scan.Status = "failure"
			out.Scan.Messages = append(out.Scan.Messages, csMessage{Level: "fatal", Value: res.Target.Name + ": " + res.Error})
		}
		for _, f := range sortedFindings(res) {
			if f.Vulnerability == nil || f.Suppressed() {
				continue
			}
			out.Vulnerabilities = append(out.Vulnerabilities, csVuln(f, res.Target))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func csVuln(f *finding.Finding, t finding.Target) csVulnerability {
	v := f.Vulnerability
	image := f.Location.Image
	if image == "" {
		image = t.Name
		if t.Digest != "" && !strings.Contains(image, "@") {
			image += "@" + t.Digest
		}
	}
	osName := v.OS
	if osName == "" {
		osName = t.OS
	}
	if osName == "" {
		osName = "unknown"
	}
	out := csVulnerability{
		// A UUID derived from the fingerprint: stable across runs, so
		// GitLab tracks one vulnerability, not a new one per pipeline.
		ID:          guidFromFingerprint(f.Fingerprint + image),
		Name:        truncate(firstNonEmpty(f.Title, v.ID), 255),
		Description: truncate(f.Message, 1<<20),
		Severity:    csSeverity(f.Severity),
		Identifiers: csIdentifiers(v),
		Location: csLocation{
			Dependency:      csDependency{Package: csPackage{Name: v.Package}, Version: v.InstalledVersion},
			OperatingSystem: osName,
			Image:           image,
		},
	}
	if v.FixedVersion != "" {
		out.Solution = truncate(fmt.Sprintf("Upgrade %s to %s.", v.Package, v.FixedVersion), 7000)
	}
	for _, ref := range v.References {
		if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
			out.Links = append(out.Links, csLink{URL: ref})
		}
	}
	return out
}

func csIdentifiers(v *finding.Vulnerability) []csIdentifier {
	id := v.ID
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return []csIdentifier{{Type: "cve", Name: id, Value: id, URL: "https://nvd.nist.gov/vuln/detail/" + id}}
	case strings.HasPrefix(id, "GHSA-"):
		return []csIdentifier{{Type: "ghsa", Name: id, Value: id, URL: "https://github.com/advisories/" + id}}
	case strings.HasPrefix(id, "GO-"):
		return []csIdentifier{{Type: "go", Name: id, Value: id, URL: "https://pkg.go.dev/vuln/" + id}}
	}
	return []csIdentifier{{Type: "vouch", Name: id, Value: id}}
}

func csSeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "Critical"
	case finding.High:
		return "High"
	case finding.Medium:
		return "Medium"
	case finding.Low:
		return "Low"
	}
	return "Info"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/vouch-dev/vouch/finding"
)

// srcRoot is the uriBaseId for file locations: every path vouch reports is
// relative to the repository root.
const srcRoot = "%SRCROOT%"

// sarifHead is the SARIF log around its runs, which are streamed one at a
// time (one run per target).
type sarifHead struct {
	Version string          `json:"version"`
	Schema  string          `json:"$schema"`
	Runs    json.RawMessage `json:"runs"`
}

func writeSARIF(w io.Writer, r *Report) error {
	head := sarifHead{
		Version: string(sarif.Version210),
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Runs:    json.RawMessage(placeholder),
	}
	return streamJSON(w, head, len(r.Results), func(i int) (any, error) {
		return sarifRun(r, &r.Results[i]), nil
	})
}

func sarifRun(r *Report, res *finding.Result) *sarif.Run {
	version := strings.TrimPrefix(r.Tool.Version, "v")
	driver := &sarif.ToolComponent{
		Name:            r.Tool.Name,
		Version:         &version,
		SemanticVersion: &version,
		InformationURI:  ptr(r.Tool.InformationURI),
		Rules:           []*sarif.ReportingDescriptor{},
	}
	run := &sarif.Run{
		Tool:    sarif.Tool{Driver: driver},
		Results: []*sarif.Result{},
		AutomationDetails: &sarif.RunAutomationDetails{
			ID: ptr(SARIFCategory(res.Target) + "/"),
		},
		OriginalUriBaseIDs: map[string]*sarif.ArtifactLocation{
			srcRoot: {Description: &sarif.Message{Text: ptr("The root of the repository.")}},
		},
		ColumnKind: "unicodeCodePoints",
	}
	invocation := &sarif.Invocation{ExecutionSuccessful: ptr(res.Error == "")}
	if res.Error != "" {
		invocation.ToolExecutionNotifications = []*sarif.Notification{{
			Level:   "error",
			Message: &sarif.Message{Text: ptr(res.Error)},
		}}
	}
	run.Invocations = []*sarif.Invocation{invocation}

	index := map[string]uint{}
	fs := sortedFindings(res)
	occ := occurrences(fs)
	for i, f := range fs {
		idx, ok := index[f.RuleID]
		if !ok {
			idx = uint(len(driver.Rules))
			index[f.RuleID] = idx
			driver.Rules = append(driver.Rules, sarifRule(r.Rule(f), f))
		}
		run.Results = append(run.Results, sarifResult(f, occ[i], idx, res.Target))
	}
	return run
}

// SARIFCategory is the code-scanning category of a target: stable across
// runs, distinct per target, so several images in one upload never collide.
func SARIFCategory(t finding.Target) string {
	return "vouch/" + string(t.Kind) + "/" + categoryUnsafe.ReplaceAllString(t.Name, "-")
}

var categoryUnsafe = regexp.MustCompile(`[^A-Za-z0-9._/:-]+`)

func sarifRule(rule finding.Rule, f *finding.Finding) *sarif.ReportingDescriptor {
	title := rule.Title
	if title == "" {
		title = f.Title
	}
	if title == "" {
		title = rule.ID
	}
	helpURI := f.HelpURL
	if helpURI == "" && rule.Rationale != "" {
		helpURI = rule.HelpURL()
	}
	text, markdown := ruleHelp(rule, title, helpURI)
	desc := &sarif.ReportingDescriptor{
		ID:               rule.ID,
		Name:             ptr(pascalCase(rule.Name, rule.ID)),
		ShortDescription: &sarif.MultiformatMessageString{Text: ptr(sentence(title))},
		FullDescription:  &sarif.MultiformatMessageString{Text: ptr(sentence(fullDescription(rule, title)))},
		Help:             &sarif.MultiformatMessageString{Text: &text, Markdown: &markdown},
		DefaultConfiguration: &sarif.ReportingConfiguration{
			Level: sarifLevel(rule.Severity),
		},
		Properties: sarif.Properties{
			"security-severity": rule.Severity.SecuritySeverity(),
			"tags":              []string{"security", string(rule.Category)},
			"precision":         "high",
			"problem.severity":  problemSeverity(rule.Severity),
		},
	}
	if helpURI != "" {
		desc.HelpURI = &helpURI
	}
	return desc
}

func fullDescription(rule finding.Rule, title string) string {
	if rule.Rationale != "" {
		return rule.Rationale
	}
	return title
}

func ruleHelp(rule finding.Rule, title, helpURI string) (text, markdown string) {
	var t, m strings.Builder
	t.WriteString(sentence(title))
	fmt.Fprintf(&m, "**%s**\n\n", title)
	if rule.Rationale != "" {
		fmt.Fprintf(&t, "\n\nWhy: %s", rule.Rationale)
		fmt.Fprintf(&m, "%s\n\n", rule.Rationale)
	}
	if rule.Fix != "" {
		fmt.Fprintf(&t, "\n\nFix: %s", rule.Fix)
		fmt.Fprintf(&m, "**Fix:** %s\n\n", rule.Fix)
	}
	if helpURI != "" {
		fmt.Fprintf(&t, "\n\nMore: %s", helpURI)
		fmt.Fprintf(&m, "[Documentation](%s)\n", helpURI)
	}
	return t.String(), strings.TrimSpace(m.String())
}

func sarifResult(f *finding.Finding, occurrence int, ruleIndex uint, target finding.Target) *sarif.Result {
	level := sarifLevel(f.Severity)
	res := &sarif.Result{
		RuleID:    ptr(f.RuleID),
		RuleIndex: &ruleIndex,
		Level:     &level,
		Message:   sarif.Message{Text: ptr(sentence(resultMessage(f)))},
		Locations: []*sarif.Location{sarifLocation(f, target)},
		PartialFingerprints: map[string]interface{}{
			"primaryLocationLineHash": fmt.Sprintf("%s:%d", f.Fingerprint, occurrence),
		},
		Fingerprints: map[string]interface{}{"vouch/v1": fmt.Sprintf("%s:%d", f.Fingerprint, occurrence)},
		PropertyBag:  sarif.PropertyBag{Properties: sarif.Properties{"security-severity": f.Severity.SecuritySeverity()}},
	}
	if s := f.Suppression; s != nil {
		justification := string(s.Kind)
		if s.Reason != "" {
			justification += ": " + s.Reason
		}
		if s.Expires != "" {
			justification += " (expires " + s.Expires + ")"
		}
		kind := "external"
		if s.Kind == finding.SuppressedInline {
			kind = "inSource"
		}
		res.Suppressions = []*sarif.Suppression{{
			Kind:          kind,
			Status:        ptr("accepted"),
			Guid:          ptr(guidFromFingerprint(f.Fingerprint + string(s.Kind))),
			Justification: &justification,
			Location:      sarifLocation(f, target),
		}}
	}
	return res
}

func resultMessage(f *finding.Finding) string {
	if f.Message != "" {
		return f.Message
	}
	return f.Title
}

func sarifLocation(f *finding.Finding, target finding.Target) *sarif.Location {
	loc := f.Location
	uri := loc.Path
	if uri == "" {
		uri = target.Name
	}
	artifact := &sarif.ArtifactLocation{URI: ptr(uriPath(uri))}
	if target.Kind != finding.KindImage {
		artifact.URIBaseId = ptr(srcRoot)
	}
	start := loc.StartLine
	if start <= 0 {
		start = 1
	}
	region := &sarif.Region{StartLine: &start}
	if loc.EndLine >= start {
		region.EndLine = ptr(loc.EndLine)
	}
	if loc.StartColumn > 0 {
		region.StartColumn = ptr(loc.StartColumn)
		if loc.EndColumn > loc.StartColumn {
			region.EndColumn = ptr(loc.EndColumn)
		}
	}
	if loc.Snippet != "" {
		region.Snippet = &sarif.ArtifactContent{Text: ptr(loc.Snippet)}
	}
	out := &sarif.Location{PhysicalLocation: &sarif.PhysicalLocation{ArtifactLocation: artifact, Region: region}}
	if loc.Logical != "" || loc.Image != "" {
		name := loc.Logical
		if name == "" {
			name = loc.Image
		}
		fq := name
		if loc.Image != "" && loc.Logical != "" {
			fq = loc.Image + "/" + loc.Logical
		}
		out.LogicalLocations = []*sarif.LogicalLocation{{Name: ptr(name), FullyQualifiedName: ptr(fq)}}
	}
	return out
}

// uriPath turns a slash-separated relative path into a relative URI
// reference, escaping what a URI cannot hold.
func uriPath(p string) string {
	p = strings.TrimPrefix(p, "./")
	p = strings.TrimPrefix(p, "/")
	var b strings.Builder
	for _, c := range []byte(p) {
		if c < 0x80 && (isUnreserved(c) || c == '/') {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '@' || c == ':' || c == '+'
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "note"
}

func problemSeverity(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "recommendation"
}

// pascalCase turns a kebab-case rule name into the PascalCase SARIF expects
// of reportingDescriptor.name.
func pascalCase(name, fallback string) string {
	if name == "" {
		name = fallback
	}
	var b strings.Builder
	upper := true
	for _, c := range name {
		switch {
		case c == '-' || c == '_' || c == ' ' || c == '.' || c == ':':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(c)))
			upper = false
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// sentence makes s end with a period, as SARIF messages should.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

func guidFromFingerprint(s string) string {
	h := finding.Fingerprint(s) // 32 hex digits
	return fmt.Sprintf("%s-%s-4%s-8%s-%s", h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])
}

func ptr[T any](v T) *T { return &v }

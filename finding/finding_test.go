package finding

import (
	"encoding/json"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{
		"critical": Critical, "HIGH": High, " medium ": Medium, "moderate": Medium,
		"low": Low, "info": Info, "UNKNOWN": Info, "negligible": Info,
	} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "severe", "5"} {
		if _, err := ParseSeverity(bad); err == nil {
			t.Errorf("ParseSeverity(%q) accepted", bad)
		}
	}
}

func TestSeverityJSONRoundTrip(t *testing.T) {
	for _, s := range Severities {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%s -> %s -> %v, %v", s, b, back, err)
		}
	}
	if _, err := json.Marshal(Severity(9)); err == nil {
		t.Error("invalid severity marshalled")
	}
}

func TestSeverityOrder(t *testing.T) {
	for i := 1; i < len(Severities); i++ {
		if Severities[i-1] <= Severities[i] {
			t.Errorf("Severities not ordered high to low at %d", i)
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint("VCH-DF-001", "Dockerfile", "USER root")
	if a != Fingerprint("VCH-DF-001", "Dockerfile", "USER root") {
		t.Error("not deterministic")
	}
	// Parts are separated: moving a boundary changes the fingerprint.
	if a == Fingerprint("VCH-DF-001", "DockerfileUSER root", "") {
		t.Error("part boundaries ignored")
	}
	if len(a) != 32 {
		t.Errorf("length %d", len(a))
	}
	if NormalizeText("RUN  apt-get \\\n\t install x") != "RUN apt-get \\ install x" {
		t.Errorf("NormalizeText: %q", NormalizeText("RUN  apt-get \\\n\t install x"))
	}
}

func TestDecide(t *testing.T) {
	high := Finding{RuleID: "a", Severity: High}
	low := Finding{RuleID: "b", Severity: Low}
	supp := Finding{RuleID: "c", Severity: Critical, Suppression: &Suppression{Kind: SuppressedBaseline}}
	tests := []struct {
		name    string
		results []Result
		failOn  Severity
		want    Verdict
	}{
		{"nothing", nil, Info, Passed},
		{"below threshold", []Result{{Findings: []Finding{low}}}, Medium, Passed},
		{"at threshold", []Result{{Findings: []Finding{high}}}, High, Failed},
		{"suppressed critical", []Result{{Findings: []Finding{supp}}}, Info, Passed},
		{"error beats failure", []Result{{Findings: []Finding{high}}, {Error: "boom"}}, High, Undecided},
		{"error beats pass", []Result{{Error: "boom"}}, Critical, Undecided},
	}
	for _, tt := range tests {
		if got := Decide(tt.results, At(tt.failOn)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	if Passed.ExitCode() != 0 || Failed.ExitCode() != 1 || Undecided.ExitCode() != 2 {
		t.Error("exit codes off the contract")
	}
	c := Count([]Result{{Findings: []Finding{high, low, supp}}})
	if c.Total != 3 || c.Suppressed != 1 || c.BySeverity[High] != 1 || c.BySeverity[Critical] != 0 {
		t.Errorf("Count = %+v", c)
	}
}

func TestRuleMatches(t *testing.T) {
	r := Rule{ID: "VCH-DF-001", Name: "root-user", Aliases: []Alias{{Tool: "hadolint", ID: "DL3002"}}}
	for _, s := range []string{"VCH-DF-001", "vch-df-001", "root-user", "dl3002"} {
		if !r.Matches(s) {
			t.Errorf("%q does not match", s)
		}
	}
	if r.Matches("VCH-DF-0011") || r.Matches("") {
		t.Error("matches too much")
	}
	if r.HelpURL() != DocsBaseURL+"VCH-DF-001.md" {
		t.Error(r.HelpURL())
	}
}

func TestTargetID(t *testing.T) {
	d := "sha256:" + "ab"
	if got := (Target{Kind: KindImage, Name: "reg/app:1", Digest: d}).ID(); got != "image:reg/app:1@"+d {
		t.Error(got)
	}
	if got := (Target{Kind: KindImage, Name: "reg/app@" + d, Digest: d}).ID(); got != "image:reg/app@"+d {
		t.Error(got)
	}
}

func TestThresholdPerCategory(t *testing.T) {
	th := Threshold{Default: High, ByCategory: map[Category]Severity{CategorySecret: Low, CategoryVulnerability: Critical}}
	for _, tt := range []struct {
		f    Finding
		want bool
	}{
		{Finding{Category: CategorySecret, Severity: Low}, true},
		{Finding{Category: CategoryVulnerability, Severity: High}, false},
		{Finding{Category: CategoryVulnerability, Severity: Critical}, true},
		{Finding{Category: CategoryDockerfile, Severity: High}, true},
		{Finding{Category: CategoryDockerfile, Severity: Medium}, false},
		{Finding{Category: CategorySecret, Severity: Critical, Suppression: &Suppression{Kind: SuppressedInline}}, false},
	} {
		if got := th.Fails(&tt.f); got != tt.want {
			t.Errorf("%s/%s: Fails = %v", tt.f.Category, tt.f.Severity, got)
		}
	}
	if got := th.String(); got != "high (secret: low, vulnerability: critical)" {
		t.Errorf("String = %q", got)
	}
}

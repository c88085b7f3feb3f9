package dockerlint

import (
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
)

func TestSuppression(t *testing.T) {
	base := "FROM alpine:3.20" + pin + "\n"
	tests := []struct {
		name   string
		src    string
		cfg    Config
		kind   finding.SuppressionKind // "" = not suppressed
		reason string
	}{
		{"none", base + "USER root\n", Config{}, "", ""},
		{"by id", base + "# vouch:ignore=VCH-DF-001 init needs root\nUSER root\n", Config{}, finding.SuppressedInline, "init needs root"},
		{"by name in a list", base + "# vouch:ignore=sudo,root-user\nUSER root\n", Config{}, finding.SuppressedInline, "# vouch:ignore=sudo,root-user"},
		{"comment block above", base + "# vouch:ignore=root-user\n# more words\n\nUSER root\n", Config{}, finding.SuppressedInline, ""},
		{"other rule", base + "# vouch:ignore=VCH-DF-003\nUSER root\n", Config{}, "", ""},
		{"not the line above", base + "# vouch:ignore=VCH-DF-001\nRUN true\nUSER root\n", Config{}, "", ""},
		{"hadolint alias", base + "# hadolint ignore=DL3002,DL3008\nUSER root\n", Config{}, finding.SuppressedInline, ""},
		{"trivy alias", base + "# vouch:ignore=AVD-DS-0002\nUSER root\n", Config{}, finding.SuppressedInline, ""},
		{"file wide", "# vouch:ignore-file=root-user accepted risk\n" + base + "USER root\n", Config{}, finding.SuppressedInline, "accepted risk"},
		{"hadolint global", "# hadolint global ignore=DL3002\n" + base + "USER root\n", Config{}, finding.SuppressedInline, ""},
		{"config by name", base + "USER root\n", Config{Disable: []string{"root-user"}}, finding.SuppressedConfig, ""},
		{"config by alias", base + "USER root\n", Config{Disable: []string{"dl3002"}}, finding.SuppressedConfig, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Lint("Dockerfile", []byte(tt.src), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var f *finding.Finding
			for i := range res.Findings {
				if res.Findings[i].RuleID == "VCH-DF-001" {
					f = &res.Findings[i]
				}
			}
			if f == nil {
				t.Fatal("suppressed finding was dropped")
			}
			switch {
			case tt.kind == "" && f.Suppression != nil:
				t.Errorf("suppressed: %+v", f.Suppression)
			case tt.kind != "" && (f.Suppression == nil || f.Suppression.Kind != tt.kind):
				t.Errorf("suppression = %+v, want kind %s", f.Suppression, tt.kind)
			case tt.reason != "" && f.Suppression.Reason != tt.reason:
				t.Errorf("reason = %q, want %q", f.Suppression.Reason, tt.reason)
			}
		})
	}
}

func TestFindingFields(t *testing.T) {
	src := "FROM alpine:3.20" + pin + " AS app\nRUN sudo \\\n  true\n"
	res, err := Lint("svc/Dockerfile", []byte(src), Config{})
	if err != nil {
		t.Fatal(err)
	}
	var f finding.Finding
	for _, x := range res.Findings {
		if x.RuleID == "VCH-DF-003" {
			f = x
		}
	}
	want := finding.Location{Path: "svc/Dockerfile", StartLine: 2, EndLine: 3, Snippet: "RUN sudo \\\n  true", Logical: "stage app"}
	if f.Location != want {
		t.Errorf("location = %+v, want %+v", f.Location, want)
	}
	if f.HelpURL != ruleSudo.HelpURL() || f.Severity != finding.Medium || f.Title == "" || f.Message == "" {
		t.Errorf("finding = %+v", f)
	}
	if res.Target.Kind != finding.KindDockerfile || len(res.Rules) != len(rules) {
		t.Errorf("target %+v, %d rules", res.Target, len(res.Rules))
	}
}

// TestFingerprintStable: moving an instruction or re-wrapping it keeps the
// fingerprint; another file, stage or text changes it.
func TestFingerprintStable(t *testing.T) {
	fp := func(path, src string) string {
		t.Helper()
		res, err := Lint(path, []byte(src), Config{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.RuleID == "VCH-DF-003" {
				return f.Fingerprint
			}
		}
		t.Fatal("no finding")
		return ""
	}
	from := "FROM alpine:3.20" + pin + " AS app\n"
	a := fp("Dockerfile", from+"RUN sudo true\n")
	if b := fp("Dockerfile", from+"\n\nRUN echo a\nRUN   sudo    true\n"); a != b {
		t.Error("fingerprint changed when lines moved")
	}
	for _, other := range []string{
		fp("other/Dockerfile", from+"RUN sudo true\n"),
		fp("Dockerfile", strings.Replace(from, "app", "web", 1)+"RUN sudo true\n"),
		fp("Dockerfile", from+"RUN sudo false\n"),
	} {
		if other == a {
			t.Error("fingerprint did not change with file, stage or text")
		}
	}
}

// TestNoSecretInOutput: no snippet or message carries a secret value.
func TestNoSecretInOutput(t *testing.T) {
	secrets := []string{"hunter2hunter2", "AKIAIOSFODNN7EXAMPLE", "s3cr3tpass", "ab1", "ghp_0123456789abcdefghijABCDEFGHIJ012345"}
	src := "ARG API_TOKEN=ab1\nFROM alpine:3.20" + pin + "\n" +
		"ENV DB_PASSWORD=hunter2hunter2 OTHER=1\n" +
		"ENV LEGACY_SECRET hunter2hunter2\n" +
		"ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n" +
		"RUN sudo wget https://deploy:s3cr3tpass@git.example.com/x && echo hunter2hunter2\n" +
		"ADD https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/x.tgz /x\n"
	res, err := Lint("Dockerfile", []byte(src), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) < 6 {
		t.Fatalf("%d findings", len(res.Findings))
	}
	for _, f := range res.Findings {
		for _, s := range secrets {
			if strings.Contains(f.Location.Snippet, s) || strings.Contains(f.Message, s) {
				t.Errorf("%s leaks %q: %q / %q", f.RuleID, s, f.Location.Snippet, f.Message)
			}
		}
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "MYSQL_ROOT_PASSWORD": true, "GITHUB_TOKEN": true, "API_KEY": true, "apiKey": true,
		"AWS_SECRET_ACCESS_KEY": true, "NPM_TOKEN": true, "CLIENT_SECRET": true, "SIGNING_KEY": true, "PRIVATE_KEY": true,
		"DB_PASSWORD_FILE": false, "GPG_KEY": false, "PUBLIC_KEY": false, "TOKEN_URL": false, "KEYCLOAK_URL": false,
		"PATH": false, "HOME": false, "SECRET_NAME": false, "AWS_ACCESS_KEY_ID": false, "PWD": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestPrivateKeyRedacted(t *testing.T) {
	src := "FROM alpine:3.20" + pin + "\nCOPY <<EOF /root/.ssh/id_rsa\n-----BEGIN RSA PRIVATE KEY-----\n" +
		"MIIEowIBAAKCAQEAsecretbody\nabcdefsecretbody2\n-----END RSA PRIVATE KEY-----\nEOF\nUSER app\n"
	res, err := Lint("Dockerfile", []byte(src), Config{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		if f.RuleID == "VCH-DF-019" {
			found = true
			if f.Location.StartLine != 2 || f.Location.EndLine != 7 {
				t.Errorf("lines %d-%d", f.Location.StartLine, f.Location.EndLine)
			}
		}
		if strings.Contains(f.Location.Snippet, "secretbody") {
			t.Errorf("%s snippet leaks the key: %q", f.RuleID, f.Location.Snippet)
		}
	}
	if !found {
		t.Error("private key not reported")
	}
}

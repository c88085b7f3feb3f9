package composelint

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Secrets written into the compose file. The value of a secret never
// leaves this file: messages name the variable, snippets are redacted.

// secretWords are the name parts that make a variable a secret.
var secretWords = []string{"PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIALS", "CREDENTIAL", "PRIVATEKEY"}

// secretPairs are two-part names that make a variable a secret.
var secretPairs = []string{"API_KEY", "ACCESS_KEY", "PRIVATE_KEY", "SECRET_KEY", "AUTH_KEY", "SIGNING_KEY", "ENCRYPTION_KEY", "MASTER_KEY"}

// notSecretSuffixes end names that are about a secret without holding one.
var notSecretSuffixes = []string{"FILE", "PATH", "URL", "URI", "HOST", "PORT", "NAME", "USER", "USERNAME", "LENGTH", "ENABLED", "EXPIRY", "TTL", "TIMEOUT", "TYPE", "ID", "HEADER", "POLICY", "DIR"}

// secretName reports whether an environment variable name holds a secret.
func secretName(name string) bool {
	n := strings.ToUpper(name)
	if n == "PWD" || n == "OLDPWD" {
		return false // the shell's working directory
	}
	parts := strings.FieldsFunc(n, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(parts) == 0 || slices.Contains(notSecretSuffixes, parts[len(parts)-1]) {
		return false
	}
	for _, p := range parts {
		if slices.Contains(secretWords, p) {
			return true
		}
	}
	joined := strings.Join(parts, "_")
	for _, p := range secretPairs {
		if strings.Contains(joined, p) {
			return true
		}
	}
	return false
}

// secretValues are formats of well-known credentials.
var secretValues = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an AWS access key", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})`)},
	{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`)},
	{"a Slack token", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
	{"a Stripe key", regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{20,}`)},
	{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`)},
	{"an npm token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}`)},
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY`)},
	{"a JSON web token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
	{"a URL with a password", regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@$]+@`)},
}

// secretValue names the kind of credential value looks like, or "".
func secretValue(value string) string {
	for _, sv := range secretValues {
		if sv.re.MatchString(value) {
			return sv.what
		}
	}
	return ""
}

// isReference reports whether text as written takes its value from a
// variable (${VAR}, $VAR) rather than holding it.
func isReference(text string) bool {
	return strings.Contains(strings.ReplaceAll(text, "$$", ""), "$")
}

var ruleEnvSecret = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-016", Name: "secret-in-environment", Category: finding.CategoryCompose, Severity: finding.High,
		Title: "Secret written into the service's environment",
		Rationale: "A password, token or key written in the compose file is in the repository's history, " +
			"in every clone and CI log that prints the config, and in `docker inspect` for anyone who " +
			"can reach the Docker API. Variables are found by name (`*_PASSWORD`, `*_TOKEN`, " +
			"`*_API_KEY`, ...) and by value (cloud keys, tokens, private keys, passwords in URLs). " +
			"References such as `${DB_PASSWORD}` and `*_FILE` variables pass.",
		Fix: "Move the value to a `secrets:` entry and read it from `/run/secrets/<name>` (many images " +
			"accept a `*_FILE` variable for this), or at least reference a variable, `${DB_PASSWORD}`, " +
			"set outside the repository.",
		Bad: "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: hunter2\n",
		Good: "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n" +
			"    secrets:\n      - db_password\nsecrets:\n  db_password:\n    file: ./db_password.txt\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "a88baa34-e2ad-44ea-ad6f-8cac87bc7c71"}},
	},
	check: func(s *service) []issue {
		names := make([]string, 0, len(s.cfg.Environment))
		for k := range s.cfg.Environment {
			names = append(names, k)
		}
		sort.Strings(names)
		var out []issue
		for _, name := range names {
			v := s.cfg.Environment[name]
			if v == nil || *v == "" {
				continue
			}
			why := secretValue(*v)
			if why == "" && secretName(name) {
				why = "a secret (by its name)"
			}
			if why == "" {
				continue
			}
			match := func(it item) bool { return envName(it) == name }
			st, ok := s.src.locate(s.name, []string{"environment"}, match)
			if !ok || st.raw == nil || isReference(st.raw.Value) {
				continue // from env_file or the environment, or a reference
			}
			out = append(out, entry(fmt.Sprintf("environment variable %s is %s written in the compose file", name, why),
				name, match, "environment"))
		}
		return out
	},
}

// envName is the variable name of an environment entry (KEY=VALUE, KEY,
// or a mapping entry).
func envName(it item) string {
	if it.key != "" {
		return it.key
	}
	name, _, _ := strings.Cut(it.str(), "=")
	return strings.TrimSpace(name)
}

// redactLine hides secret values in one line of a compose file: values of
// variables with secret names, and anything that looks like a credential.
func redactLine(line string) string {
	for _, sv := range secretValues {
		line = sv.re.ReplaceAllString(line, "****")
	}
	// KEY: value, KEY=value, - KEY=value, "KEY": "value"
	m := assignment.FindStringSubmatchIndex(line)
	if m == nil {
		return line
	}
	name := line[m[2]:m[3]]
	if !secretName(name) {
		return line
	}
	val := line[m[4]:m[5]]
	if val == "" || isReference(val) {
		return line
	}
	return line[:m[4]] + "****" + line[m[5]:]
}

var assignment = regexp.MustCompile(`^\s*(?:-\s*)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(.*?)\s*(?:\s#.*)?$`)

package dockerlint

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/vouch-dev/vouch/finding"
)

// forEachPair calls fn with the name and the value, as written, of every
// pair of an ENV or ARG instruction (an ARG without a value gets "").
func forEachPair(in *instr, fn func(k, v string)) {
	switch c := in.cmd.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			fn(kv.Key, kv.Value)
		}
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			fn(kv.Key, kv.ValueString())
		}
	}
}

// nameWords splits a variable name into lower-case words at _, -, . and
// camelCase boundaries.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	prevLower := false
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.':
			if len(cur) > 0 {
				words = append(words, string(cur))
			}
			cur, prevLower = nil, false
			continue
		case unicode.IsUpper(r) && prevLower:
			words = append(words, string(cur))
			cur = nil
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		cur = append(cur, unicode.ToLower(r))
	}
	if len(cur) > 0 {
		words = append(words, string(cur))
	}
	return words
}

// secretName reports whether a variable name says it holds a secret:
// *PASSWORD*, *SECRET*, *_TOKEN, *_KEY, *API_KEY, *CREDENTIALS. Names
// that point at a secret (*_FILE, *_PATH, *_DIR) and public keys pass.
func secretName(name string) bool {
	w := nameWords(name)
	if len(w) == 0 {
		return false
	}
	last := w[len(w)-1]
	switch last {
	case "file", "path", "dir", "name", "url", "id", "length", "len", "enabled", "type":
		return false
	case "token", "apikey", "credentials", "credential", "passphrase":
		return true
	case "key":
		if len(w) >= 2 {
			switch w[len(w)-2] {
			case "gpg", "pub", "public", "signing", "primary", "sort", "cache", "partition":
				return w[len(w)-2] == "signing"
			}
		}
		return true
	}
	for _, x := range w {
		if x == "password" || x == "passwd" || x == "secret" || x == "secrets" {
			return true
		}
	}
	return false
}

// isReference reports whether a value only refers to something else (a
// variable), so it holds no literal secret.
func isReference(v string) bool {
	v = strings.Trim(v, `"' `)
	return strings.HasPrefix(v, "$")
}

func secretNameRule(kind string) func(f *file, r *reporter) {
	return func(f *file, r *reporter) {
		ins := f.lintedInstrs(kind)
		if kind == "arg" {
			ins = append(append([]*instr(nil), f.metaArgs...), ins...)
		}
		for _, in := range ins {
			forEachPair(in, func(k, v string) {
				if !secretName(k) || kind == "env" && strings.Trim(v, `"' `) == "" {
					return
				}
				msg := secretMessage(kind, k, v)
				r.add(in, k, msg)
			})
		}
	}
}

func secretMessage(kind, name, value string) string {
	v := strings.Trim(value, `"' `)
	switch {
	case kind == "arg" && v == "":
		return "ARG " + name + " looks like a secret: build arguments are recorded in the image history and provenance"
	case kind == "arg":
		return "ARG " + name + " looks like a secret and has a default in the Dockerfile"
	case isReference(v):
		return "ENV " + name + " looks like a secret and copies " + v + " into the image configuration"
	}
	return "ENV " + name + " looks like a secret and is stored in the image configuration"
}

var ruleSecretEnv = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-017", Name: "secret-in-env", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "Secret in ENV",
		Rationale: "ENV values are part of the image configuration: `docker inspect` shows them to anyone who can " +
			"pull the image, and every container and child image inherits them. A variable named like a " +
			"password, token or key is a secret published with the image, even when it is copied from an ARG.",
		Fix:  "Mount the secret at build time (`RUN --mount=type=secret,id=token`) or inject it at run time; point to it with a *_FILE variable.",
		Bad:  "FROM alpine:3.20\nENV DB_PASSWORD=hunter2hunter2",
		Good: "FROM alpine:3.20\nENV DB_PASSWORD_FILE=/run/secrets/db_password",
		Aliases: []finding.Alias{
			{Tool: "trivy", ID: "DS-0031"}, {Tool: "trivy", ID: "AVD-DS-0031"},
			{Tool: "kics", ID: "781e75f7-bf43-4ab7-bae7-a08ad6607af3"},
		},
	},
	check: secretNameRule("env"),
}

var ruleSecretArg = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-018", Name: "secret-in-arg", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "Secret passed as a build argument",
		Rationale: "Build arguments are recorded in the image history (`docker history`) and in build provenance, " +
			"and their defaults sit in the Dockerfile. An ARG named like a password, token or key leaks the " +
			"secret to anyone who can pull the image or read its attestations.",
		Fix:  "Use a secret mount: `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci` and `docker build --secret id=npm_token,...`.",
		Bad:  "FROM node:22-alpine\nARG NPM_TOKEN\nRUN echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" > .npmrc && npm ci",
		Good: "FROM node:22-alpine\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci",
		Aliases: []finding.Alias{
			{Tool: "trivy", ID: "DS-0031"}, {Tool: "trivy", ID: "AVD-DS-0031"},
		},
	},
	check: secretNameRule("arg"),
}

// secretPatterns match values that are credentials whatever they are
// called. A pattern runs only on text that holds all of its hints.
var secretPatterns = []struct {
	what      string
	hints     []string // the expression runs on lines holding one of these
	re        *regexp.Regexp
	multiline bool // runs on the whole text
}{
	{"an AWS access key id", []string{"AKIA", "ASIA"}, regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`), false},
	{"a GitHub token", []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}, regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})\b`), false},
	{"a GitLab token", []string{"glpat-"}, regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`), false},
	{"a Slack token", []string{"xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"}, regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}`), false},
	{"a Stripe live key", []string{"k_live_"}, regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{20,}`), false},
	{"a Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`), false},
	{"an npm token", []string{"npm_"}, regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), false},
	{"a private key", []string{"PRIVATE KEY-----"}, regexp.MustCompile(`-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----(?:[^-]*-----END (?:[A-Z]+ )?PRIVATE KEY-----)?`), true},
}

func findSecrets(text string, fn func(what, match string)) {
	for _, p := range secretPatterns {
		if p.multiline {
			if strings.Contains(text, p.hints[0]) {
				for _, m := range p.re.FindAllString(text, -1) {
					fn(p.what, m)
				}
			}
			continue
		}
		// Run the expression only on the lines that hold a hint.
		for _, h := range p.hints {
			for off := 0; off < len(text); {
				i := strings.Index(text[off:], h)
				if i < 0 {
					break
				}
				i += off
				start := strings.LastIndexByte(text[:i], '\n') + 1
				end := strings.IndexByte(text[i:], '\n')
				if end < 0 {
					end = len(text)
				} else {
					end += i
				}
				for _, m := range p.re.FindAllString(text[start:end], -1) {
					fn(p.what, m)
				}
				off = end + 1
			}
		}
	}
	urlPasswords(text, func(userinfo string) { fn("a password in a URL", userinfo) })
}

// urlPasswords calls fn with the user:password of every URL in text that
// has a literal password (not a $variable).
func urlPasswords(text string, fn func(userinfo string)) {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], "://")
		if i < 0 {
			return
		}
		rest := text[off+i+3:]
		off += i + 3
		end := strings.IndexAny(rest, "/ \t\r\n'\"`")
		if end < 0 {
			end = len(rest)
		}
		auth := rest[:end]
		at := strings.LastIndexByte(auth, '@')
		if at <= 0 {
			continue
		}
		userinfo := auth[:at]
		user, pass, ok := strings.Cut(userinfo, ":")
		if ok && user != "" && pass != "" && !strings.ContainsAny(userinfo, "${}") {
			fn(userinfo)
		}
	}
}

var ruleHardcodedSecret = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-019", Name: "hardcoded-secret", Category: finding.CategoryDockerfile, Severity: finding.Critical,
		Title: "Credential written in the Dockerfile",
		Rationale: "A value shaped like a cloud key, an access token, a private key or a password in a URL is a " +
			"live credential in the Dockerfile, its git history, the build logs and the image history. " +
			"Whatever the variable is called, it must be revoked.",
		Fix:  "Revoke the credential now. Then pass it with a secret mount (`RUN --mount=type=secret`) and never write it in the file.",
		Bad:  "FROM alpine:3.20\nRUN wget -q https://deploy:s3cr3tpass@git.example.com/app.tar.gz",
		Good: "FROM alpine:3.20\nRUN --mount=type=secret,id=netrc,target=/root/.netrc wget -q https://git.example.com/app.tar.gz",
	},
	check: func(f *file, r *reporter) {
		if r.redact.patternHits == 0 {
			return
		}
		ins := append(append([]*instr(nil), f.metaArgs...), f.lintedInstrs(allKinds...)...)
		for _, in := range ins {
			text := strings.Join(f.lines[max(0, in.node.StartLine-1):min(len(f.lines), in.node.EndLine)], "\n")
			seen := map[string]bool{}
			findSecrets(text, func(what, _ string) {
				if !seen[what] {
					seen[what] = true
					r.add(in, what, fmt.Sprintf("%s %s contains %s", strings.ToUpper(in.kind), "instruction", what))
				}
			})
		}
	},
}

var allKinds = []string{"run", "env", "arg", "label", "add", "copy", "cmd", "entrypoint", "healthcheck", "onbuild", "user", "workdir", "volume", "expose", "shell", "stopsignal", "maintainer"}

// redactor removes secrets from snippets and messages: the literal values
// of secret-named ENV and ARG pairs, wherever they appear, and every match
// of a secret pattern.
type redactor struct {
	values      []string
	names       []string // secret-named variables: NAME=value is redacted
	patternHits int
}

func newRedactor(f *file) *redactor {
	rd := &redactor{}
	findSecrets(f.src, func(_, m string) {
		rd.values = append(rd.values, m)
		rd.patternHits++
	})
	add := func(in *instr) {
		forEachPair(in, func(k, v string) {
			if !secretName(k) || isReference(v) {
				return
			}
			if v = strings.Trim(v, `"' `); len(v) >= 4 {
				rd.values = append(rd.values, v)
			}
			if !contains(rd.names, k) {
				rd.names = append(rd.names, k)
			}
		})
	}
	for _, in := range f.metaArgs {
		add(in)
	}
	for _, s := range f.stages {
		for _, in := range s.instrs {
			if in.kind == "env" || in.kind == "arg" {
				add(in)
			}
		}
	}
	return rd
}

// scrub removes secret values from s.
func (rd *redactor) scrub(s string) string {
	for _, v := range rd.values {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return s
}

// scrubSnippet removes secret values from source text and the values of
// secret-named assignments, however short: NAME=value, NAME="a b", and the
// legacy form ENV NAME value.
func (rd *redactor) scrubSnippet(s string) string {
	s = rd.scrub(s)
	if len(rd.names) == 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		for _, k := range rd.names {
			l = redactAssignments(l, k)
			if f := strings.Fields(l); len(f) >= 3 && strings.EqualFold(f[0], "ENV") && f[1] == k {
				l = l[:strings.Index(l, k)+len(k)] + " " + redacted
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// redactAssignments replaces the value of every k=value in line.
func redactAssignments(line, k string) string {
	var b strings.Builder
	for {
		i := strings.Index(line, k+"=")
		if i < 0 {
			b.WriteString(line)
			return b.String()
		}
		if i > 0 && !strings.ContainsRune(" \t", rune(line[i-1])) {
			b.WriteString(line[:i+len(k)+1])
			line = line[i+len(k)+1:]
			continue
		}
		b.WriteString(line[:i+len(k)+1])
		b.WriteString(redacted)
		line = line[i+len(k)+1:]
		end := strings.IndexAny(line, " \t")
		if len(line) > 0 && (line[0] == '"' || line[0] == '\'') {
			if j := strings.IndexByte(line[1:], line[0]); j >= 0 {
				end = j + 2
			}
		}
		if end < 0 {
			end = len(line)
		}
		line = line[end:]
	}
}

const redacted = "<redacted>"

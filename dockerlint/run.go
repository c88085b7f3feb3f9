package dockerlint

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/vouch-dev/vouch/finding"
)

var interpreters = map[string]bool{
	"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true,
	"python": true, "python3": true, "perl": true, "ruby": true, "node": true, "php": true,
	"eval": true, "source": true, ".": true,
}

var ruleCurlPipeShell = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-011", Name: "curl-pipe-shell", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "Downloaded script piped into a shell",
		Rationale: "curl … | sh runs whatever the server sends, as the build user, with no review, no checksum " +
			"and no record of what ran. A compromised server, DNS or mirror becomes code execution in your " +
			"build and a backdoor in your image; a truncated download runs half a script.",
		Fix:  "Download to a file, verify its checksum or signature, then run it; or use ADD --checksum, or the tool's package.",
		Bad:  "FROM debian:12-slim\nRUN curl -fsSL https://example.com/install.sh | sh",
		Good: "FROM debian:12-slim\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/install.sh /tmp/install.sh\nRUN sh /tmp/install.sh",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run") {
			if how := pipedDownload(in.runOf()); how != "" {
				r.add(in, "", how)
			}
		}
	},
}

// pipedDownload describes a download that is run as a script, or "".
func pipedDownload(ri *runInfo) string {
	for _, p := range ri.pipelines {
		fetch := ""
		for _, c := range p {
			c = c.unwrap()
			switch n := c.name(); {
			case n == "curl" || n == "wget":
				fetch = n
			case fetch != "" && interpreters[n]:
				return fmt.Sprintf("the output of %s is piped into %s", fetch, n)
			case interpreters[n]:
				for _, a := range c[1:] {
					for _, pre := range []string{"$(", "`", "<("} {
						if i := strings.Index(a, pre); i >= 0 {
							rest := strings.TrimLeft(a[i+len(pre):], " ")
							if strings.HasPrefix(rest, "curl") || strings.HasPrefix(rest, "wget") {
								return fmt.Sprintf("%s runs a downloaded script", n)
							}
						}
					}
				}
			}
		}
	}
	return ""
}

var ruleInsecureSecurity = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-012", Name: "run-security-insecure", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "RUN --security=insecure",
		Rationale: "--security=insecure runs the step without the build sandbox, like a privileged container: " +
			"it can reach host devices and the kernel. A compromised dependency in that step owns the builder.",
		Fix:  "Remove --security=insecure; do the privileged work outside the image build.",
		Bad:  "# syntax=docker/dockerfile:1-labs\nFROM alpine:3.20\nRUN --security=insecure mount -t tmpfs none /mnt",
		Good: "FROM alpine:3.20\nRUN mkdir -p /mnt/data",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run") {
			if in.runOf().security == instructions.SecurityInsecure {
				r.add(in, "", "RUN --security=insecure disables the build sandbox")
			}
		}
	},
}

var ruleHostNetwork = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-013", Name: "run-network-host", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "RUN --network=host",
		Rationale: "--network=host gives the build step the builder host's network: services bound to localhost, " +
			"cloud metadata endpoints and internal networks the build should never reach.",
		Fix:  "Use the default network, or --network=none for steps that need no network.",
		Bad:  "FROM alpine:3.20\nRUN --network=host wget -qO- http://localhost:8080/config",
		Good: "FROM alpine:3.20\nRUN --network=none ./configure",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run") {
			if in.runOf().network == instructions.NetworkHost {
				r.add(in, "", "RUN --network=host gives the step the host's network")
			}
		}
	},
}

var octalMode = regexp.MustCompile(`^[0-7]{3,4}$`)

// worldWritable reports whether a chmod mode gives others write access.
// A sticky directory (1777, like /tmp) is fine.
func worldWritable(mode string) bool {
	if octalMode.MatchString(mode) {
		sticky := len(mode) == 4 && (mode[0]-'0')&1 != 0
		return !sticky && (mode[len(mode)-1]-'0')&2 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		i := strings.IndexAny(clause, "+=")
		if i <= 0 {
			continue
		}
		who, perms := clause[:i], clause[i+1:]
		if strings.ContainsAny(who, "oa") && strings.Contains(perms, "w") {
			return true
		}
	}
	return false
}

var ruleWorldWritable = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-014", Name: "world-writable", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "File made world-writable",
		Rationale: "chmod 777 (or o+w) lets any user in the container, including a compromised unprivileged " +
			"process, replace binaries, scripts or configuration that privileged code later runs.",
		Fix:  "Give ownership to the user that needs to write (`COPY --chown=app`, `chown app`) and use 755/644 or narrower.",
		Bad:  "FROM alpine:3.20\nCOPY app /app\nRUN chmod -R 777 /app",
		Good: "FROM alpine:3.20\nCOPY --chown=app:app --chmod=755 app /app",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run", "copy", "add") {
			var mode string
			switch c := in.cmd.(type) {
			case *instructions.CopyCommand:
				mode = c.Chmod
			case *instructions.AddCommand:
				mode = c.Chmod
			case *instructions.RunCommand:
				in.runOf().commands(func(a argv) {
					if a.name() != "chmod" {
						return
					}
					for _, w := range a[1:] {
						if !strings.HasPrefix(w, "-") || strings.ContainsAny(w, "+=") {
							if worldWritable(w) {
								mode = w
							}
							return
						}
					}
				})
			}
			if mode != "" && worldWritable(mode) {
				r.add(in, mode, fmt.Sprintf("mode %s makes files writable by every user", mode))
			}
		}
	},
}

var ruleTLSVerifyOff = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-015", Name: "tls-verification-disabled", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "TLS certificate verification disabled",
		Rationale: "curl -k, wget --no-check-certificate, pip --trusted-host, git http.sslVerify=false and " +
			"variables such as NODE_TLS_REJECT_UNAUTHORIZED=0 accept any certificate, so anyone on the network " +
			"path can serve the build (or the running container) their own code.",
		Fix:  "Keep verification on; add the missing CA certificate to the trust store (ca-certificates) instead.",
		Bad:  "FROM debian:12-slim\nRUN curl -k -o /tmp/tool https://example.com/tool\nENV NODE_TLS_REJECT_UNAUTHORIZED=0",
		Good: "FROM debian:12-slim\nCOPY corp-ca.crt /usr/local/share/ca-certificates/\nRUN update-ca-certificates && curl -fsSo /tmp/tool https://example.com/tool",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run", "env", "arg") {
			if in.kind != "run" {
				forEachPair(in, func(k, v string) {
					if how := tlsOffVar(k, v); how != "" {
						r.add(in, k, how)
					}
				})
				continue
			}
			in.runOf().commands(func(a argv) {
				if how := tlsOffCommand(a); how != "" {
					r.add(in, how, how)
				}
			})
		}
	},
}

func tlsOffVar(k, v string) string {
	v = strings.ToLower(strings.Trim(v, `"' `))
	switch strings.ToUpper(k) {
	case "NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY":
		if v == "0" {
			return k + "=0 disables certificate verification"
		}
	case "GIT_SSL_NO_VERIFY":
		if v != "" && v != "0" && v != "false" {
			return k + " disables certificate verification for git"
		}
	case "NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL":
		if v == "false" {
			return k + "=false disables certificate verification"
		}
	case "PIP_TRUSTED_HOST":
		if v != "" {
			return k + " accepts any certificate from " + v
		}
	}
	return ""
}

func tlsOffCommand(a argv) string {
	switch n := a.name(); n {
	case "curl":
		for _, w := range a[1:] {
			if w == "--insecure" || len(w) > 1 && w[0] == '-' && w[1] != '-' && strings.ContainsRune(w, 'k') {
				return "curl " + w + " disables certificate verification"
			}
		}
	case "wget":
		if a.has("--no-check-certificate") {
			return "wget --no-check-certificate disables certificate verification"
		}
	case "pip", "pip3":
		if a.has("--trusted-host") {
			return n + " --trusted-host accepts any certificate"
		}
	case "git":
		for _, w := range a[1:] {
			if l := strings.ToLower(w); strings.Contains(l, "sslverify=false") || l == "http.sslverify" && a.has("false") {
				return "git http.sslVerify=false disables certificate verification"
			}
		}
	case "npm", "yarn", "pnpm":
		if a.has("strict-ssl") && a.has("false") {
			return n + " strict-ssl false disables certificate verification"
		}
	}
	return ""
}

var rulePipefail = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-024", Name: "pipe-without-pipefail", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "RUN pipes without pipefail",
		Rationale: "A pipeline's status is its last command's. Without pipefail, `curl … | tar x` succeeds when " +
			"the download fails, and the build goes on with a missing or partial file.",
		Fix:     "Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start the script with `set -o pipefail &&`.",
		Bad:     "FROM debian:12-slim\nRUN curl -fsSL https://example.com/x.tgz | tar -xz -C /opt",
		Good:    "FROM debian:12-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://example.com/x.tgz | tar -xz -C /opt",
		Aliases: []finding.Alias{{Tool: "hadolint", ID: "DL4006"}},
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run") {
			ri := in.runOf()
			if !ri.shellForm || len(in.shell) == 0 || !shells[path.Base(in.shell[0])] || hasPipefail(in.shell) {
				continue
			}
			piped, set := false, false
			for _, p := range ri.pipelines {
				if len(p) > 1 {
					piped = true
				}
				for _, c := range p {
					if c.name() == "set" && c.has("pipefail") {
						set = true
					}
				}
			}
			if piped && !set {
				r.add(in, "", "RUN uses a pipe but the shell does not set -o pipefail")
			}
		}
	},
}

func hasPipefail(sh []string) bool {
	for _, w := range sh {
		if strings.Contains(w, "pipefail") {
			return true
		}
	}
	return false
}

package dockerlint

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/vouch-dev/vouch/finding"
)

// Rules about the image configuration look at the final stage and the
// stages it is built FROM (f.chain): that is what the image carries.

var ruleExposeSSH = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-020", Name: "expose-ssh", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "Image exposes port 22",
		Rationale: "An SSH server in a container is a second way in, with its own keys and passwords to leak, " +
			"and a sign that the container is managed by hand. Use `docker exec` or `kubectl exec` instead.",
		Fix:  "Remove EXPOSE 22 and the SSH server.",
		Bad:  "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends openssh-server\nEXPOSE 22 8080",
		Good: "FROM ubuntu:24.04\nEXPOSE 8080",
		Aliases: []finding.Alias{
			{Tool: "trivy", ID: "DS-0004"}, {Tool: "trivy", ID: "AVD-DS-0004"},
			{Tool: "kics", ID: "5907595b-5b6d-4142-b173-dbb0e73fbff8"},
		},
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.chainInstrs("expose") {
			for _, raw := range in.cmd.(*instructions.ExposeCommand).Ports {
				p, _ := in.expand(f, raw)
				port, proto, _ := strings.Cut(p, "/")
				lo, hi, isRange := strings.Cut(port, "-")
				if strings.EqualFold(proto, "udp") {
					continue
				}
				if lo == "22" || isRange && portLE(lo, 22) && portLE("22", atoi(hi)) {
					r.addIn(in, f.final, p, fmt.Sprintf("EXPOSE %s includes the SSH port 22", p))
				}
			}
		}
	},
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func portLE(s string, n int) bool { v := atoi(s); return v >= 0 && v <= n }

var ruleShellFormCmd = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-021", Name: "shell-form-cmd", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "CMD or ENTRYPOINT in shell form",
		Rationale: "In shell form the process runs as a child of /bin/sh -c, which does not forward SIGTERM: the " +
			"application gets no chance to shut down cleanly and is killed after the timeout. It also needs a " +
			"shell in the image and invites variable expansion surprises.",
		Fix:  "Use the exec (JSON) form: `CMD [\"app\", \"--flag\"]`; use `exec` in a wrapper script if you need a shell.",
		Bad:  "FROM python:3.12-slim\nCMD python -m http.server",
		Good: "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"http.server\"]",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3025"},
			{Tool: "kics", ID: "b86987e1-6397-4619-81d5-8807f2387c79"},
		},
	},
	check: func(f *file, r *reporter) {
		// Only the CMD and ENTRYPOINT in effect count.
		for _, kind := range []string{"cmd", "entrypoint"} {
			ins := f.chainInstrs(kind)
			if len(ins) == 0 {
				continue
			}
			in := ins[len(ins)-1]
			var line instructions.ShellDependantCmdLine
			switch c := in.cmd.(type) {
			case *instructions.CmdCommand:
				line = c.ShellDependantCmdLine
			case *instructions.EntrypointCommand:
				line = c.ShellDependantCmdLine
			}
			if line.PrependShell && len(line.CmdLine) > 0 {
				r.addIn(in, f.final, "", fmt.Sprintf("%s is in shell form", strings.ToUpper(kind)))
			}
		}
	},
}

var ruleRelativeWorkdir = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-022", Name: "relative-workdir", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "WORKDIR is a relative path",
		Rationale: "A relative WORKDIR resolves against whatever the previous WORKDIR was, which may come from " +
			"the base image and change with it; files then land in unexpected places.",
		Fix:  "Use an absolute path: `WORKDIR /app`.",
		Bad:  "FROM alpine:3.20\nWORKDIR app",
		Good: "FROM alpine:3.20\nWORKDIR /app",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3000"}, {Tool: "trivy", ID: "DS-0009"}, {Tool: "trivy", ID: "AVD-DS-0009"},
			{Tool: "kics", ID: "6b376af8-cfe8-49ab-a08d-f32de23661a4"},
		},
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("workdir") {
			raw := in.cmd.(*instructions.WorkdirCommand).Path
			p, ok := in.expand(f, raw)
			p = strings.Trim(p, `"'`)
			if !ok || p == "" || path.IsAbs(p) || isWindowsAbs(p) {
				continue
			}
			r.add(in, "", fmt.Sprintf("WORKDIR %s is relative", p))
		}
	},
}

func isWindowsAbs(p string) bool {
	return len(p) >= 2 && p[1] == ':' || strings.HasPrefix(p, `\`)
}

var ruleNoHealthcheck = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-023", Name: "no-healthcheck", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "Image has no HEALTHCHECK",
		Rationale: "Without a HEALTHCHECK, Docker and Swarm only know whether the process exists, not whether it " +
			"works: a hung or compromised service keeps receiving traffic. (Kubernetes ignores HEALTHCHECK; " +
			"use probes there and suppress this rule.)",
		Fix:  "Add `HEALTHCHECK CMD [\"/app\", \"healthcheck\"]` to the final stage, or `HEALTHCHECK NONE` to say there is none on purpose.",
		Bad:  "FROM nginx:1.27\nCOPY site /usr/share/nginx/html",
		Good: "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nHEALTHCHECK CMD [\"curl\", \"-fs\", \"http://localhost/\"]",
		Aliases: []finding.Alias{
			{Tool: "trivy", ID: "DS-0026"}, {Tool: "trivy", ID: "AVD-DS-0026"},
			{Tool: "kics", ID: "b03a748a-542d-44f4-bb86-9199ab4fd2d5"},
		},
	},
	check: func(f *file, r *reporter) {
		if len(f.chainInstrs("healthcheck")) == 0 {
			r.add(f.final.from, "", "the final stage has no HEALTHCHECK")
		}
	},
}

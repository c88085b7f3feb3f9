package dockerlint

import (
	"fmt"
	"path"

	"github.com/vouch-dev/vouch/finding"
)

var ruleRootUser = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-001", Name: "root-user", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "Final stage runs as root",
		Rationale: "The user in effect at the end of the final stage is the user the container runs as. " +
			"A process running as root in a container is one kernel or runtime bug away from root on the host, " +
			"and can rewrite everything in the image. An earlier stage's USER does not count: only the final " +
			"stage and the stages it is built FROM make up the image. A variable is followed to its value.",
		Fix:  "Create an unprivileged user and end the final stage with `USER <name or uid>`; switch to root only for the steps that need it and switch back.",
		Bad:  "FROM alpine:3.20\nRUN adduser -D app\nUSER app\nRUN apk add --no-cache curl\nUSER root\nCMD [\"app\"]",
		Good: "FROM alpine:3.20\nRUN adduser -D app\nUSER root\nRUN apk add --no-cache curl\nUSER app\nCMD [\"app\"]",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3002"}, {Tool: "trivy", ID: "DS-0002"}, {Tool: "trivy", ID: "AVD-DS-0002"},
			{Tool: "kics", ID: "67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae"},
		},
	},
	check: checkRootUser,
}

func checkRootUser(f *file, r *reporter) {
	u := f.effectiveUser(f.final)
	if u == nil || !u.resolved || !isRoot(u.user) {
		return
	}
	msg := fmt.Sprintf("the final stage runs as %q", u.user)
	if u.in.stage != f.final {
		msg += " (inherited from " + u.in.stage.label() + ")"
	}
	r.addIn(u.in, f.final, "", msg)
}

var ruleNoUser = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-002", Name: "no-user", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "Final stage never sets USER",
		Rationale: "Without a USER instruction the container runs as the base image's user, which is root for " +
			"almost every base image (and always for scratch). Some images (distroless :nonroot, many language " +
			"images' -nonroot variants) set one, hence a lower severity than an explicit root.",
		Fix:  "End the final stage with `USER <unprivileged user or uid>`, even when the base image sets one, so the intent is visible and checked.",
		Bad:  "FROM golang:1.23 AS build\nUSER nobody\nRUN go build -o /app .\n\nFROM debian:12-slim\nCOPY --from=build /app /app\nCMD [\"/app\"]",
		Good: "FROM golang:1.23 AS build\nRUN go build -o /app .\n\nFROM debian:12-slim\nCOPY --from=build /app /app\nUSER 65532:65532\nCMD [\"/app\"]",
		Aliases: []finding.Alias{
			{Tool: "trivy", ID: "DS-0002"}, {Tool: "trivy", ID: "AVD-DS-0002"},
			{Tool: "kics", ID: "fd54f200-402c-4333-a5a4-36ef6709af2f"},
		},
	},
	check: checkNoUser,
}

func checkNoUser(f *file, r *reporter) {
	if f.effectiveUser(f.final) != nil {
		return
	}
	root := f.chain[0]
	image := "its base image"
	if root.resolved && root.base != "" {
		image = root.base
	}
	msg := "the final stage never sets USER and runs as the user of " + image
	if root.scratch {
		msg = "the final stage is FROM scratch and never sets USER: it runs as root"
	}
	r.add(f.final.from, "", msg)
}

var ruleSudo = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-003", Name: "sudo", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "RUN uses sudo",
		Rationale: "sudo in a build step means the image ships sudo and a sudoers policy, a ready-made privilege " +
			"escalation path for whoever gets a shell in the container; its TTY and signal handling also make " +
			"builds behave unpredictably.",
		Fix:  "Run the privileged steps as root (`USER root`), then switch back to the unprivileged user; remove sudo from the image.",
		Bad:  "FROM ubuntu:24.04\nUSER app\nRUN sudo apt-get update",
		Good: "FROM ubuntu:24.04\nUSER root\nRUN apt-get update\nUSER app",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3004"}, {Tool: "trivy", ID: "DS-0010"}, {Tool: "trivy", ID: "AVD-DS-0010"},
			{Tool: "kics", ID: "8ada6e80-0ade-439e-b176-0b28f6bce35a"},
		},
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run") {
			found := false
			for _, p := range in.runOf().pipelines {
				for _, c := range p {
					// sudo is a runner: it may come after env or exec.
					for _, w := range c[:len(c)-len(c.unwrap())] {
						if path.Base(w) == "sudo" {
							found = true
						}
					}
				}
			}
			if found {
				r.add(in, "", "RUN uses sudo")
			}
		}
	},
}

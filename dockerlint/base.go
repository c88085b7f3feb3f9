package dockerlint

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/vouch-dev/vouch/finding"
)

// baseImages calls fn for every linted stage built from an image: not a
// stage, not scratch, and with every ARG in the reference known (an ARG
// without a default is a build argument the linter cannot see).
func baseImages(f *file, fn func(s *stage, ref imageRef)) {
	for _, s := range f.linted {
		if s.parent != nil || s.scratch || !s.resolved || s.base == "" {
			continue
		}
		fn(s, parseImageRef(s.base))
	}
}

// imageName quotes the stage's base image, with the FROM text when an ARG
// was expanded.
func imageName(s *stage) string {
	raw := s.from.cmd.(*instructions.Stage).BaseName
	if raw != s.base {
		return fmt.Sprintf("%q (FROM %s)", s.base, raw)
	}
	return fmt.Sprintf("%q", s.base)
}

var ruleUntaggedImage = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-004", Name: "untagged-image", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "Base image has no tag",
		Rationale: "An image without a tag means :latest: whatever the registry serves that day. Builds stop " +
			"being reproducible and a compromised or broken upstream push lands in your image unreviewed. " +
			"FROM a stage, FROM scratch and FROM $ARG whose default is tagged are fine.",
		Fix:  "Name a version tag, and preferably a digest: `FROM alpine:3.20@sha256:…`.",
		Bad:  "FROM alpine\nRUN echo hi",
		Good: "ARG BASE=alpine:3.20\nFROM $BASE\nRUN echo hi",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3006"}, {Tool: "trivy", ID: "DS-0001"}, {Tool: "trivy", ID: "AVD-DS-0001"},
			{Tool: "kics", ID: "9efb0b2d-89c9-41a3-91ca-dcc0aec911fd"},
		},
	},
	check: func(f *file, r *reporter) {
		baseImages(f, func(s *stage, ref imageRef) {
			if ref.tag == "" && ref.digest == "" {
				r.add(s.from, "", fmt.Sprintf("base image %s has no tag and means :latest", imageName(s)))
			}
		})
	},
}

var ruleLatestTag = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-005", Name: "latest-tag", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "Base image uses the latest tag",
		Rationale: ":latest moves with every upstream push, so two builds of the same Dockerfile give different " +
			"images and a bad upstream release is pulled in silently.",
		Fix:  "Use a version tag, and preferably a digest.",
		Bad:  "FROM node:latest\nCMD [\"node\"]",
		Good: "FROM node:22.11-alpine\nCMD [\"node\"]",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3007"}, {Tool: "trivy", ID: "DS-0001"}, {Tool: "trivy", ID: "AVD-DS-0001"},
			{Tool: "kics", ID: "f45ea400-6bbe-4501-9fc7-1c3d75c32067"},
		},
	},
	check: func(f *file, r *reporter) {
		baseImages(f, func(s *stage, ref imageRef) {
			if ref.tag == "latest" && !ref.pinned() {
				r.add(s.from, "", fmt.Sprintf("base image %s uses the latest tag", imageName(s)))
			}
		})
	},
}

var ruleUnpinnedDigest = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-006", Name: "unpinned-image", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "Base image is not pinned by digest",
		Rationale: "Tags are mutable: the registry, or anyone who can push to the repository, can point a tag at " +
			"other content. Only a digest names exactly the bytes you reviewed. Tools such as Renovate and " +
			"Dependabot keep digests up to date.",
		Fix:  "Add the digest: `FROM alpine:3.20@sha256:<digest>`, or set it in an ARG default that FROM uses.",
		Bad:  "FROM python:3.12-slim\nCMD [\"python\"]",
		Good: "ARG PY=python:3.12-slim@sha256:2f7e6e8d3b7c1d1f9e4c6f0d8b8e3e0a6f2e4f1d0c9b8a7f6e5d4c3b2a1f0e9d\nFROM ${PY}\nCMD [\"python\"]",
	},
	check: func(f *file, r *reporter) {
		baseImages(f, func(s *stage, ref imageRef) {
			// An untagged or :latest image is reported by the rules above.
			if !ref.pinned() && ref.tag != "" && ref.tag != "latest" {
				r.add(s.from, "", fmt.Sprintf("base image %s is not pinned by digest", imageName(s)))
			}
		})
	},
}

var ruleCopyFromImage = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-007", Name: "copy-from-unpinned-image", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "COPY --from an image that is not pinned by digest",
		Rationale: "COPY --from=<image> and RUN --mount=from=<image> pull files from an image that is not a stage " +
			"of this Dockerfile. Without a digest, what is copied changes whenever the tag moves, with no " +
			"FROM line to show it. Stage names and indexes are fine.",
		Fix:  "Pin the image by digest, or pull it in a named stage (`FROM image@sha256:… AS tools`) and copy from the stage.",
		Bad:  "FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a\nCOPY --from=busybox:latest /bin/busybox /bin/busybox",
		Good: "FROM busybox:1.37@sha256:2919d0172f7524b2d8df9e50066a682669e6d170ac0f6a49676d54358fe970b5 AS tools\nFROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a\nCOPY --from=tools /bin/busybox /bin/busybox",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("copy", "run") {
			for _, raw := range in.fromRefs() {
				ref, ok := in.expand(f, raw)
				if !ok || ref == "" || f.stageRef(ref, in.stage) != nil || ref == "scratch" {
					continue
				}
				if !parseImageRef(ref).pinned() {
					r.add(in, ref, fmt.Sprintf("%s --from=%s copies from an image not pinned by digest",
						strings.ToUpper(in.kind), ref))
				}
			}
		}
	},
}

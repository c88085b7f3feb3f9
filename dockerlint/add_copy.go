package dockerlint

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/vouch-dev/vouch/finding"
)

func isURL(src string) bool {
	l := strings.ToLower(src)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || isGitURL(src)
}

func isGitURL(src string) bool {
	l := strings.ToLower(src)
	base, _, _ := strings.Cut(l, "#")
	return strings.HasPrefix(l, "git@") || strings.HasPrefix(l, "git://") || strings.HasPrefix(l, "ssh://") ||
		(strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")) && strings.HasSuffix(base, ".git")
}

var commitRef = regexp.MustCompile(`#[0-9a-f]{40}(:|$)`)

var ruleAddRemote = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-008", Name: "add-remote-without-checksum", Category: finding.CategoryDockerfile, Severity: finding.Medium,
		Title: "ADD downloads a URL without --checksum",
		Rationale: "ADD <url> fetches whatever the server returns at build time and bakes it into the image, " +
			"with nothing to notice that the file changed or was tampered with. --checksum makes the build " +
			"fail unless the content matches; a git source is pinned by a full commit id.",
		Fix:  "Add `--checksum=sha256:<digest>` (BuildKit 1.6+), or pin a git source to a commit id.",
		Bad:  "FROM alpine:3.20\nADD https://example.com/tool.tar.gz /opt/",
		Good: "FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("add") {
			c := in.cmd.(*instructions.AddCommand)
			if c.Checksum != "" {
				continue
			}
			for _, src := range c.SourcePaths {
				if !isURL(src) || isGitURL(src) && commitRef.MatchString(src) {
					continue
				}
				r.add(in, src, fmt.Sprintf("ADD fetches %s without --checksum", src))
			}
		}
	},
}

var archiveExt = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst"}

var ruleAddForCopy = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-009", Name: "add-instead-of-copy", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "ADD used where COPY does the job",
		Rationale: "ADD also fetches URLs and unpacks archives. Used for plain local files it hides that magic " +
			"where a reviewer does not expect it: a renamed file that happens to be a tarball gets unpacked.",
		Fix:  "Use COPY for local files and directories; keep ADD for local archives you want unpacked and for remote sources with --checksum.",
		Bad:  "FROM alpine:3.20\nADD app.py /app/",
		Good: "FROM alpine:3.20\nCOPY app.py /app/\nADD rootfs.tar.gz /",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3020"}, {Tool: "trivy", ID: "DS-0005"}, {Tool: "trivy", ID: "AVD-DS-0005"},
			{Tool: "kics", ID: "9513a694-aa0d-41d8-be61-3271e056f36b"},
		},
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("add") {
			c := in.cmd.(*instructions.AddCommand)
			plain := len(c.SourcePaths)+len(c.SourceContents) > 0
			for _, src := range c.SourcePaths {
				l := strings.ToLower(src)
				if isURL(src) || strings.ContainsAny(src, "$*?[") || hasSuffix(l, archiveExt...) {
					plain = false
				}
			}
			if plain {
				r.add(in, "", "ADD copies local files only: use COPY")
			}
		}
	},
}

func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// sensitiveFile names what a source path is, if it is a file that should
// never be in an image.
func sensitiveFile(src string) string {
	p := strings.TrimSuffix(strings.TrimSpace(src), "/")
	base := strings.ToLower(path.Base(p))
	switch {
	case base == ".git":
		return "a .git directory"
	case base == ".env" || strings.HasPrefix(base, ".env.") && !hasSuffix(base, ".example", ".sample", ".template", ".dist"):
		return "a .env file"
	case base == "id_rsa" || base == "id_dsa" || base == "id_ecdsa" || base == "id_ed25519" || base == ".ssh":
		return "an SSH private key"
	case base == ".npmrc" || base == ".pypirc" || base == ".netrc" || base == ".git-credentials" ||
		base == "credentials" && strings.Contains(p, ".aws") || base == "config.json" && strings.Contains(p, ".docker"):
		return "a credentials file"
	case hasSuffix(base, ".key", ".p12", ".pfx", ".jks", ".keystore"):
		return "a private key or keystore"
	case strings.HasSuffix(base, ".pem") && !publicPEM(base):
		return "a PEM file (private key)"
	}
	return ""
}

var ruleSensitiveCopy = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-010", Name: "sensitive-file-copied", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "COPY or ADD puts a secret or repository file into the image",
		Rationale: "Files such as .env, SSH and TLS private keys, *.pem, .npmrc, cloud credentials and the .git " +
			"directory carry secrets and history. Once copied they live in a layer for ever: deleting them in a " +
			"later step does not remove them from the image.",
		Fix:  "Pass secrets with `RUN --mount=type=secret`, add the files to .dockerignore, and copy only what the image needs.",
		Bad:  "FROM node:22-alpine\nCOPY .env /app/.env\nCOPY id_rsa /root/.ssh/id_rsa",
		Good: "FROM node:22-alpine\nCOPY package.json server.js /app/\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci",
		Aliases: []finding.Alias{
			{Tool: "trivy", ID: "DS-0031"}, {Tool: "trivy", ID: "AVD-DS-0031"},
		},
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("copy", "add") {
			var srcs []string
			switch c := in.cmd.(type) {
			case *instructions.CopyCommand:
				if c.From != "" {
					continue // from another stage or image, not the build context
				}
				srcs = c.SourcePaths
			case *instructions.AddCommand:
				srcs = c.SourcePaths
			}
			for _, raw := range srcs {
				src, _ := in.expand(f, raw)
				if what := sensitiveFile(src); what != "" {
					r.add(in, src, fmt.Sprintf("%s copies %s (%s) into the image", strings.ToUpper(in.kind), src, what))
				}
			}
		}
	},
}

// publicPEM reports whether a PEM file name says it holds certificates or
// a public key, not a private key.
func publicPEM(base string) bool {
	if strings.HasPrefix(base, "ca") {
		return true
	}
	for _, w := range []string{"cert", "chain", "pub", "bundle", "-ca", "_ca", ".ca"} {
		if strings.Contains(base, w) {
			return true
		}
	}
	return false
}

package dockerlint

import (
	"fmt"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Package manager rules. Image size rules (recommends, caches) look only at
// the stages the image is built FROM: a builder stage's caches are not
// shipped. Pinning and signature rules look at every linted stage: what a
// builder installs ends up in what it builds.

// install returns the package arguments when a is "<tool> install|add
// ...": the words after the subcommand that are not options or option
// values. ok is false for any other command.
func install(a argv, tool string, subs []string, valued map[string]bool) (pkgs []string, ok bool) {
	if a.name() != tool {
		return nil, false
	}
	i := 1
	for i < len(a) && strings.HasPrefix(a[i], "-") {
		if valued[a[i]] {
			i++
		}
		i++
	}
	if i >= len(a) || !contains(subs, a[i]) {
		return nil, false
	}
	for i++; i < len(a); i++ {
		w := a[i]
		switch {
		case valued[w]:
			i++
		case strings.HasPrefix(w, "-"):
		default:
			pkgs = append(pkgs, w)
		}
	}
	return pkgs, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	aptValued = map[string]bool{"-o": true, "-t": true, "-c": true, "--target-release": true, "--option": true, "--config-file": true}
	apkValued = map[string]bool{"-X": true, "--repository": true, "-p": true, "--root": true, "-t": true, "--virtual": true, "--repositories-file": true, "--keys-dir": true}
	pipValued = map[string]bool{
		"-r": true, "--requirement": true, "-c": true, "--constraint": true, "-e": true, "--editable": true,
		"-i": true, "--index-url": true, "--extra-index-url": true, "-t": true, "--target": true, "--prefix": true,
		"--root": true, "-f": true, "--find-links": true, "--trusted-host": true, "--platform": true,
		"--python-version": true, "--implementation": true, "--abi": true, "--src": true, "--cache-dir": true,
		"--upgrade-strategy": true, "--log": true, "--progress-bar": true, "--only-binary": true, "--no-binary": true,
	}
)

func aptInstall(a argv) ([]string, bool) {
	for _, tool := range []string{"apt-get", "apt"} {
		if pkgs, ok := install(a, tool, []string{"install"}, aptValued); ok {
			return pkgs, true
		}
	}
	return nil, false
}

func apkAdd(a argv) ([]string, bool) { return install(a, "apk", []string{"add"}, apkValued) }

func pipInstall(a argv) ([]string, bool) {
	if n := a.name(); strings.HasPrefix(n, "python") && len(a) > 3 && a[1] == "-m" && a[2] == "pip" {
		a = a[2:]
	}
	for _, tool := range []string{"pip", "pip3"} {
		if pkgs, ok := install(a, tool, []string{"install"}, pipValued); ok {
			if a.has("-c", "--constraint", "-r", "--requirement") {
				return nil, true // versions come from a file
			}
			return pkgs, true
		}
	}
	return nil, false
}

// realPackage reports whether a package argument names a package from the
// repository (not a file, a URL or a variable the linter cannot see).
func realPackage(p string) bool {
	return p != "" && !strings.ContainsAny(p, "/$*") && !strings.HasSuffix(p, ".deb") && !strings.HasSuffix(p, ".apk") &&
		!strings.HasSuffix(p, ".whl") && !strings.HasPrefix(p, ".")
}

// cacheMounted reports whether the RUN mounts a cache over dir.
func cacheMounted(ri *runInfo, dir string) bool {
	for _, m := range ri.mounts {
		if string(m.Type) == "cache" && strings.HasPrefix(dir, strings.TrimSuffix(m.Target, "/")) {
			return true
		}
	}
	return false
}

// forCommands calls fn for each command of each RUN of the given stages.
func forCommands(ins []*instr, fn func(in *instr, a argv)) {
	for _, in := range ins {
		in.runOf().commands(func(a argv) { fn(in, a) })
	}
}

func chainRuns(f *file) []*instr { return f.chainInstrs("run") }

var ruleAptRecommends = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-025", Name: "apt-install-recommends", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "apt-get install without --no-install-recommends",
		Rationale: "Recommended packages are installed by default: often dozens of packages the application " +
			"never uses, each one more to patch and more attack surface in the image.",
		Fix:  "Add `--no-install-recommends` and list what you need explicitly.",
		Bad:  "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*",
		Good: "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3015"}, {Tool: "trivy", ID: "DS-0029"}, {Tool: "trivy", ID: "AVD-DS-0029"},
			{Tool: "kics", ID: "7384dfb2-fcd1-4fbf-91cd-6c44c318c33c"},
		},
	},
	check: func(f *file, r *reporter) {
		forCommands(chainRuns(f), func(in *instr, a argv) {
			if _, ok := aptInstall(a); !ok || a.has("--no-install-recommends") {
				return
			}
			for _, w := range a {
				if strings.Contains(w, "Install-Recommends=false") || strings.Contains(w, "Install-Recommends=0") {
					return
				}
			}
			r.addIn(in, f.final, "", "apt-get install without --no-install-recommends")
		})
	},
}

var ruleAptLists = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-026", Name: "apt-lists-not-cleaned", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "apt lists left in the image",
		Rationale: "apt-get update downloads package lists (tens of MB) that stay in the layer unless the same RUN " +
			"deletes them; they also freeze a stale view of the archive into the image.",
		Fix:  "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache mount for /var/lib/apt.",
		Bad:  "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8",
		Good: "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\\n && rm -rf /var/lib/apt/lists/*",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3009"},
			{Tool: "kics", ID: "df746b39-6564-4fed-bf85-e9c44382303c"},
		},
	},
	check: func(f *file, r *reporter) {
		for _, in := range chainRuns(f) {
			ri := in.runOf()
			installs := false
			ri.commands(func(a argv) {
				if _, ok := aptInstall(a); ok {
					installs = true
				}
			})
			if installs && !strings.Contains(ri.text, "/var/lib/apt/lists") && !cacheMounted(ri, "/var/lib/apt/lists") {
				r.addIn(in, f.final, "", "apt-get install without removing /var/lib/apt/lists in the same RUN")
			}
		}
	},
}

var ruleApkCache = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-027", Name: "apk-without-no-cache", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "apk add without --no-cache",
		Rationale: "Without --no-cache, apk keeps the package index in /var/cache/apk, bloating the layer with a " +
			"stale index.",
		Fix:  "Use `apk add --no-cache`, or a cache mount for /var/cache/apk.",
		Bad:  "FROM alpine:3.20\nRUN apk update && apk add curl=8.11.1-r0",
		Good: "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3019"}, {Tool: "trivy", ID: "DS-0025"}, {Tool: "trivy", ID: "AVD-DS-0025"},
			{Tool: "kics", ID: "ae9c56a6-3ed1-4ac0-9b54-31267f51151d"},
		},
	},
	check: func(f *file, r *reporter) {
		forCommands(chainRuns(f), func(in *instr, a argv) {
			if _, ok := apkAdd(a); !ok || a.has("--no-cache") || cacheMounted(in.runOf(), "/var/cache/apk") ||
				strings.Contains(in.runOf().text, "/var/cache/apk") {
				return
			}
			r.addIn(in, f.final, "", "apk add without --no-cache")
		})
	},
}

func pinRule(tool string, parse func(argv) ([]string, bool), pinned func(string) bool) func(*file, *reporter) {
	return func(f *file, r *reporter) {
		forCommands(f.lintedInstrs("run"), func(in *instr, a argv) {
			pkgs, _ := parse(a)
			for _, p := range pkgs {
				if realPackage(p) && !pinned(p) {
					r.add(in, p, fmt.Sprintf("%s installs %s without a version", tool, p))
				}
			}
		})
	}
}

var ruleAptPin = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-028", Name: "apt-version-unpinned", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "apt package version not pinned",
		Rationale: "Without a version, every build installs whatever the mirror has that day: builds are not " +
			"reproducible and a malicious or broken upload is picked up without review.",
		Fix:  "Pin versions: `apt-get install -y curl=7.88.1-10+deb12u8`, and let Renovate update them.",
		Bad:  "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
		Good: "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3008"},
			{Tool: "kics", ID: "965a08d7-ef86-4f14-8792-4a3b2098937e"},
		},
	},
	check: pinRule("apt-get", aptInstall, func(p string) bool { return strings.Contains(p, "=") }),
}

var ruleApkPin = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-029", Name: "apk-version-unpinned", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "apk package version not pinned",
		Rationale: "Without a version, every build installs whatever the repository has that day: builds are not " +
			"reproducible and a malicious or broken upload is picked up without review.",
		Fix:  "Pin versions: `apk add --no-cache curl=8.11.1-r0` (or `curl~8.11` for patch updates).",
		Bad:  "FROM alpine:3.20\nRUN apk add --no-cache curl",
		Good: "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3018"},
			{Tool: "kics", ID: "d3499f6d-1651-41bb-a9a7-de925fea487b"},
		},
	},
	check: pinRule("apk", apkAdd, func(p string) bool { return strings.ContainsAny(p, "=~<>") }),
}

var rulePipPin = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-030", Name: "pip-version-unpinned", Category: finding.CategoryDockerfile, Severity: finding.Low,
		Title: "pip package version not pinned",
		Rationale: "pip install <name> takes the newest release on PyPI at build time, including a just-published " +
			"malicious one (typosquats and account takeovers land this way).",
		Fix:  "Pin versions (`pip install flask==3.1.0`), or install from a requirements file with hashes (`pip install --require-hashes -r requirements.txt`).",
		Bad:  "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask",
		Good: "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir --require-hashes -r requirements.txt",
		Aliases: []finding.Alias{
			{Tool: "hadolint", ID: "DL3013"},
			{Tool: "kics", ID: "02d9c71f-3ee8-4986-9c27-1a20d0d19bfc"},
		},
	},
	check: pinRule("pip", pipInstall, func(p string) bool {
		return strings.Contains(p, "==") || strings.Contains(p, "~=")
	}),
}

var ruleSigCheckOff = rule{
	Rule: finding.Rule{
		ID: "VCH-DF-016", Name: "package-signature-check-disabled", Category: finding.CategoryDockerfile, Severity: finding.High,
		Title: "Package signature checks disabled",
		Rationale: "Package managers verify repository signatures so that a mirror or network attacker cannot " +
			"serve altered packages. --allow-unauthenticated, --force-yes, [trusted=yes], apk --allow-untrusted, " +
			"--nogpgcheck and gpgcheck=0 turn that off and install whatever arrives.",
		Fix:  "Import the repository's signing key (`signed-by=` for apt, the key file for apk, rpm --import) and keep verification on.",
		Bad:  "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --allow-unauthenticated --no-install-recommends mytool=1.2.3 && rm -rf /var/lib/apt/lists/*",
		Good: "FROM debian:12-slim\nCOPY mytool.gpg /etc/apt/keyrings/mytool.gpg\nRUN apt-get update && apt-get install -y --no-install-recommends mytool=1.2.3 && rm -rf /var/lib/apt/lists/*",
	},
	check: func(f *file, r *reporter) {
		for _, in := range f.lintedInstrs("run") {
			ri := in.runOf()
			how := ""
			ri.commands(func(a argv) {
				if how == "" {
					how = sigCheckOff(a)
				}
			})
			if how == "" {
				if l := strings.ToLower(ri.text); strings.Contains(l, "[trusted=yes]") {
					how = "an apt source marked [trusted=yes]"
				} else if strings.Contains(strings.ReplaceAll(l, " ", ""), "gpgcheck=0") {
					how = "a repository with gpgcheck=0"
				}
			}
			if how != "" {
				r.add(in, how, "RUN installs packages with "+how)
			}
		}
	},
}

func sigCheckOff(a argv) string {
	switch n := a.name(); n {
	case "apt-get", "apt", "aptitude":
		for _, w := range a[1:] {
			if w == "--allow-unauthenticated" || w == "--force-yes" || w == "--allow-insecure-repositories" ||
				strings.Contains(w, "AllowUnauthenticated=true") || strings.Contains(w, "AllowInsecureRepositories=true") {
				return n + " " + w
			}
		}
	case "apk":
		if a.has("--allow-untrusted") {
			return "apk --allow-untrusted"
		}
	case "yum", "dnf", "microdnf", "tdnf":
		if a.has("--nogpgcheck") {
			return n + " --nogpgcheck"
		}
	case "rpm":
		if a.has("--nosignature", "--nodigest", "--nogpg") {
			return "rpm without signature checks"
		}
	case "zypper":
		if a.has("--no-gpg-checks") {
			return "zypper --no-gpg-checks"
		}
	}
	return ""
}

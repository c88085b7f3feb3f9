package composelint

import (
	"fmt"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Rules about what the container's processes may do: user, capabilities,
// privilege escalation, security profiles.

var ruleUser = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-001", Name: "user-not-root", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service runs as root or does not set a user",
		Rationale: "Without `user`, the container runs as the image's user, which is root for most images. " +
			"A process running as root inside the container is root on the host if it escapes, and can " +
			"write anywhere in the container's filesystem. `root`, `0` and `0:<group>` are root, also when " +
			"they come from a variable such as `${APP_USER:-root}`. A `user` that is root is reported as high; " +
			"a missing `user` as medium, since the image may set another.",
		Fix: "Set `user:` to an unprivileged numeric uid and gid, for example `user: \"10001:10001\"`, " +
			"and make sure the image's files are readable by that user.",
		Bad:  "services:\n  web:\n    image: nginx:1.27\n    user: root\n",
		Good: "services:\n  web:\n    image: nginx:1.27\n    user: \"10001:10001\"\n",
	},
	check: func(s *service) []issue {
		u := strings.TrimSpace(s.cfg.User)
		if u == "" {
			return []issue{at("user is not set: the container runs as the image's user, root unless the image sets another", "user")}
		}
		if isRootUser(u) {
			// Saying root is a decision, not an omission: it fails a
			// default (high) policy, where a missing user only warns.
			is := at(fmt.Sprintf("user is root (%q)", u), "user")
			is.severity = finding.High
			return []issue{is}
		}
		return nil
	},
}

// isRootUser reports whether a compose `user` value ("name", "uid",
// "uid:gid") names root.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	name = strings.TrimSpace(name)
	return name == "root" || strings.Trim(name, "0") == "" && name != ""
}

// normCap folds a capability name: case-insensitive, CAP_ prefix optional.
func normCap(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	return strings.TrimPrefix(c, "CAP_")
}

var ruleCapDrop = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-002", Name: "cap-drop-all", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service does not drop all capabilities",
		Rationale: "Docker gives every container a default set of Linux capabilities (such as `CHOWN`, " +
			"`NET_RAW`, `SETUID`) that most services never use and that help an attacker who gets code " +
			"execution. Dropping `ALL` and adding back only what the service needs removes them.",
		Fix:     "Add `cap_drop: [ALL]` and, if the service needs one, `cap_add:` with only that capability (for example `NET_BIND_SERVICE`).",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    cap_drop:\n      - NET_RAW\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    cap_drop:\n      - ALL\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "ce76b7d0-9e77-464d-b86f-c5c48e03e22d"}},
	},
	check: func(s *service) []issue {
		for _, c := range s.cfg.CapDrop {
			if normCap(c) == "ALL" {
				return nil
			}
		}
		if len(s.cfg.CapDrop) == 0 {
			return []issue{at("cap_drop is not set: the container keeps Docker's default capabilities", "cap_drop")}
		}
		return []issue{at("cap_drop does not include ALL: the container keeps the default capabilities not listed", "cap_drop")}
	},
}

// dangerousCaps are capabilities that break container isolation or give
// control over the host's kernel, network or other processes.
var dangerousCaps = map[string]string{
	"ALL":             "every capability",
	"SYS_ADMIN":       "mount, namespaces and most of root's powers",
	"NET_ADMIN":       "control of network interfaces, routes and firewall rules",
	"SYS_PTRACE":      "tracing and injecting code into other processes",
	"SYS_MODULE":      "loading kernel modules",
	"DAC_READ_SEARCH": "reading any file by handle, the basis of known container escapes",
	"SYS_RAWIO":       "raw I/O to devices and memory",
	"SYS_BOOT":        "rebooting the host",
	"SYS_TIME":        "setting the host clock",
	"MAC_ADMIN":       "changing the mandatory access control policy",
	"MAC_OVERRIDE":    "bypassing mandatory access control",
	"BPF":             "loading BPF programs into the kernel",
	"PERFMON":         "kernel performance monitoring",
	"SYSLOG":          "reading and clearing the kernel log",
	"LINUX_IMMUTABLE": "changing immutable files",
	"SYS_RESOURCE":    "overriding resource limits",
}

var ruleCapAdd = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-003", Name: "dangerous-cap-add", Category: finding.CategoryCompose, Severity: finding.High,
		Title: "Service adds a dangerous capability",
		Rationale: "Capabilities such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE` and " +
			"`DAC_READ_SEARCH` (or `ALL`) let a process in the container reach the host kernel, its " +
			"network or other processes; several are enough on their own to escape the container.",
		Fix: "Remove the capability from `cap_add`. If the service really needs it, run it apart from " +
			"other workloads and suppress the finding with a reason.",
		Bad:     "services:\n  vpn:\n    image: example/vpn:1.0\n    cap_add:\n      - NET_ADMIN\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    cap_add:\n      - NET_BIND_SERVICE\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "ce76b7d0-9e77-464d-b86f-c5c48e03e22d"}},
	},
	check: func(s *service) []issue {
		var out []issue
		for _, c := range s.cfg.CapAdd {
			n := normCap(c)
			what, bad := dangerousCaps[n]
			if !bad {
				continue
			}
			out = append(out, entry(fmt.Sprintf("cap_add adds %s: %s", n, what), n,
				func(it item) bool { return normCap(it.str()) == n }, "cap_add"))
		}
		return out
	},
}

var ruleReadOnly = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-004", Name: "read-only-rootfs", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service's root filesystem is writable",
		Rationale: "A writable root filesystem lets an attacker who gets code execution drop tools, " +
			"change binaries and configuration, and persist until the container is recreated.",
		Fix:  "Set `read_only: true` and give the service `tmpfs:` mounts or volumes for the paths it must write (such as `/tmp`).",
		Bad:  "services:\n  web:\n    image: nginx:1.27\n    read_only: false\n",
		Good: "services:\n  web:\n    image: nginx:1.27\n    read_only: true\n    tmpfs:\n      - /tmp\n",
	},
	check: func(s *service) []issue {
		if s.cfg.ReadOnly {
			return nil
		}
		return []issue{at("read_only is not true: the container can write to its root filesystem", "read_only")}
	},
}

// securityOpt splits a security_opt entry ("no-new-privileges:true",
// "seccomp=unconfined", "no-new-privileges") into its lower-cased name and
// value.
func securityOpt(o string) (name, val string) {
	o = strings.ToLower(strings.TrimSpace(o))
	i := strings.IndexAny(o, ":=")
	if i < 0 {
		return o, ""
	}
	return strings.TrimSpace(o[:i]), strings.TrimSpace(o[i+1:])
}

var ruleNoNewPrivileges = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-005", Name: "no-new-privileges", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service does not set no-new-privileges",
		Rationale: "Without `no-new-privileges`, a process in the container can gain privileges through " +
			"setuid and setgid binaries or file capabilities, for example by running `su` or `sudo` " +
			"present in the image.",
		Fix:     "Add `no-new-privileges:true` to `security_opt`.",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    security_opt:\n      - no-new-privileges:false\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    security_opt:\n      - no-new-privileges:true\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "27fcc7d6-c49b-46e0-98f1-6c082a6a2750"}},
	},
	check: func(s *service) []issue {
		set := false
		for _, o := range s.cfg.SecurityOpt {
			name, val := securityOpt(o)
			if name != "no-new-privileges" {
				continue
			}
			set = val == "" || val == "true"
		}
		if set {
			return nil
		}
		return []issue{entry("security_opt does not set no-new-privileges: processes can gain privileges through setuid binaries",
			"no-new-privileges", func(it item) bool {
				name, _ := securityOpt(it.str())
				return name == "no-new-privileges"
			}, "security_opt")}
	},
}

var rulePrivileged = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-006", Name: "privileged", Category: finding.CategoryCompose, Severity: finding.Critical,
		Title: "Service runs privileged",
		Rationale: "`privileged: true` gives the container every capability, every host device and no " +
			"seccomp, AppArmor or SELinux confinement: root in the container is root on the host.",
		Fix:     "Remove `privileged: true`. Grant the one capability or device the service needs instead.",
		Bad:     "services:\n  agent:\n    image: example/agent:1.0\n    privileged: true\n",
		Good:    "services:\n  agent:\n    image: example/agent:1.0\n    privileged: false\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "ae5b6871-7f45-42e0-bb4c-ab300c4d2026"}},
	},
	check: func(s *service) []issue {
		if !s.cfg.Privileged {
			return nil
		}
		return []issue{at("privileged is true: the container has full access to the host", "privileged")}
	},
}

var ruleUnconfined = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-011", Name: "unconfined-security-profile", Category: finding.CategoryCompose, Severity: finding.High,
		Title: "Service turns off seccomp, AppArmor or SELinux confinement",
		Rationale: "The default seccomp profile blocks system calls used in container escapes, and the " +
			"AppArmor or SELinux profile limits what a process can touch. `seccomp:unconfined`, " +
			"`apparmor:unconfined` and `label:disable` remove that layer.",
		Fix:     "Remove the entry from `security_opt`, or point it at a custom profile that allows only what the service needs.",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    security_opt:\n      - seccomp:unconfined\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    security_opt:\n      - no-new-privileges:true\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "404fde2c-bc4b-4371-9747-7054132ac953"}},
	},
	check: func(s *service) []issue {
		var out []issue
		for _, o := range s.cfg.SecurityOpt {
			name, val := securityOpt(o)
			if !unconfined(name, val) {
				continue
			}
			out = append(out, entry(fmt.Sprintf("security_opt sets %s %s: the container runs without that confinement", name, val),
				name, func(it item) bool {
					n, v := securityOpt(it.str())
					return n == name && unconfined(n, v)
				}, "security_opt"))
		}
		return out
	},
}

func unconfined(name, val string) bool {
	switch name {
	case "seccomp", "apparmor", "systempaths":
		return val == "unconfined"
	case "label":
		return val == "disable"
	}
	return false
}

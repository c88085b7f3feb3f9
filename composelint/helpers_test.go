package composelint

import (
	"testing"

	"github.com/vouch-dev/vouch/finding"
)

func TestIsRootUser(t *testing.T) {
	for u, want := range map[string]bool{
		"root": true, "0": true, "0:0": true, "root:root": true, "00": true, "0:1000": true,
		"1000": false, "1000:0": false, "app": false, "10001:10001": false, "nobody": false,
	} {
		if got := isRootUser(u); got != want {
			t.Errorf("isRootUser(%q) = %v", u, got)
		}
	}
}

func TestNormCap(t *testing.T) {
	for in, want := range map[string]string{"ALL": "ALL", "all": "ALL", "CAP_ALL": "ALL", "cap_sys_admin": "SYS_ADMIN", " Net_Admin ": "NET_ADMIN"} {
		if got := normCap(in); got != want {
			t.Errorf("normCap(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecurityOpt(t *testing.T) {
	for in, want := range map[string][2]string{
		"no-new-privileges":       {"no-new-privileges", ""},
		"no-new-privileges:true":  {"no-new-privileges", "true"},
		"no-new-privileges=true":  {"no-new-privileges", "true"},
		"No-New-Privileges:False": {"no-new-privileges", "false"},
		"seccomp=unconfined":      {"seccomp", "unconfined"},
		"apparmor:unconfined":     {"apparmor", "unconfined"},
		"seccomp:/path/p.json":    {"seccomp", "/path/p.json"},
		"label=disable":           {"label", "disable"},
	} {
		n, v := securityOpt(in)
		if n != want[0] || v != want[1] {
			t.Errorf("securityOpt(%q) = %q, %q", in, n, v)
		}
	}
}

func TestIsRuntimeSocket(t *testing.T) {
	for p, want := range map[string]bool{
		"/var/run/docker.sock": true, "/run/docker.sock": true, "/run/podman/podman.sock": true,
		"/run/user/1000/podman/podman.sock": true, "/run/containerd/containerd.sock": true, "/var/run": true,
		"/run/crio/crio.sock": true, "/var/run/docker.sock/": true, "/tmp/app.sock": false, "/data": false,
	} {
		if got := isRuntimeSocket(p); got != want {
			t.Errorf("isRuntimeSocket(%q) = %v", p, got)
		}
	}
}

func TestSensitivePath(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/etc": true, "/etc/shadow": true, "/proc": true, "/sys/fs/cgroup": true, "/root/.ssh": true,
		"/boot": true, "/dev": true, "/var/lib/docker": true, "/home": true, "/usr": true,
		"/etc/localtime": false, "/home/me/project/data": false, "/srv/app/data": false, "/usr/share/zoneinfo": false,
		"/root/work/proj/data": false, // inside the project directory
	} {
		if got := sensitivePath(p, "/root/work/proj"); got != want {
			t.Errorf("sensitivePath(%q) = %v", p, got)
		}
	}
}

func TestSecretName(t *testing.T) {
	for n, want := range map[string]bool{
		"DB_PASSWORD": true, "POSTGRES_PASSWORD": true, "API_KEY": true, "GITHUB_TOKEN": true, "AWS_SECRET_ACCESS_KEY": true,
		"client_secret": true, "MYSQL_ROOT_PASSWORD": true, "DB_PWD": true, "SECRET": true,
		"DB_PASSWORD_FILE": false, "TOKEN_URL": false, "PASSWORD_MIN_LENGTH": false, "DB_USER": false, "PWD": false,
		"LOG_LEVEL": false, "PASSPORT_ENABLED": false, "SECRET_NAME": false,
	} {
		if got := secretName(n); got != want {
			t.Errorf("secretName(%q) = %v", n, got)
		}
	}
}

func TestRedactLine(t *testing.T) {
	for in, want := range map[string]string{
		"      DB_PASSWORD: hunter2":                                "      DB_PASSWORD: ****",
		"      - DB_PASSWORD=hunter2":                               "      - DB_PASSWORD=****",
		"      DB_PASSWORD: ${DB_PASSWORD}":                         "      DB_PASSWORD: ${DB_PASSWORD}",
		"      KEY: AKIAIOSFODNN7EXAMPLE":                           "      KEY: ****",
		"    user: root":                                            "    user: root",
		"      URL: https://u:pw@example.com/x":                     "      URL: ****example.com/x",
		"      DB_PASSWORD: x # vouch:ignore=secret-in-environment": "      DB_PASSWORD: **** # vouch:ignore=secret-in-environment",
	} {
		if got := redactLine(in); got != want {
			t.Errorf("redactLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUserSeverity: a user that is root is a decision and fails a default
// (high) policy; a missing user only warns, as the image may set one.
func TestUserSeverity(t *testing.T) {
	for doc, want := range map[string]finding.Severity{
		"services:\n  a:\n    image: x:1\n    user: root\n":       finding.High,
		"services:\n  a:\n    image: x:1\n    user: \"0:0\"\n":    finding.High,
		"services:\n  a:\n    image: x:1\n    user: ${U:-root}\n": finding.High,
		"services:\n  a:\n    image: x:1\n":                       finding.Medium,
	} {
		dir := writeProject(t, map[string]string{"compose.yaml": doc})
		fs := byRule(lintDir(t, dir, Options{}), "VCH-DC-001")
		if len(fs) != 1 || fs[0].Severity != want {
			t.Errorf("%q: %+v, want one finding of severity %s", doc, fs, want)
		}
	}
}

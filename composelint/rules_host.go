package composelint

import (
	"fmt"
	"path"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/vouch-dev/vouch/finding"
)

// Rules about what of the host a service reaches: runtime sockets, host
// paths, devices, namespaces.

// runtimeDirs are directories that hold a container runtime's API socket;
// mounting one mounts the socket.
var runtimeDirs = map[string]bool{
	"/run": true, "/var/run": true,
	"/run/docker": true, "/var/run/docker": true,
	"/run/containerd": true, "/var/run/containerd": true,
	"/run/podman": true, "/var/run/podman": true,
	"/run/crio": true, "/var/run/crio": true,
	"/run/buildkit": true, "/var/run/buildkit": true,
}

var runtimeNames = []string{"docker", "podman", "containerd", "crio", "cri-dockerd", "buildkit"}

// isRuntimeSocket reports whether a host path is (or holds) the API socket
// of Docker, Podman, containerd, CRI-O or BuildKit.
func isRuntimeSocket(p string) bool {
	p = path.Clean(p)
	if runtimeDirs[p] {
		return true
	}
	if !strings.HasSuffix(p, ".sock") {
		return false
	}
	for _, n := range runtimeNames {
		if strings.Contains(p, n) {
			return true
		}
	}
	return false
}

// volumeTarget is the container path of a volumes entry, short or long
// syntax.
func volumeTarget(it item) string {
	if t := it.field("target"); t != "" {
		return path.Clean(t)
	}
	parts := strings.Split(it.str(), ":")
	switch {
	case len(parts) == 1:
		return path.Clean(parts[0])
	case len(parts) >= 2:
		return path.Clean(parts[1])
	}
	return ""
}

// byTarget matches the volumes entry of v: a service has one mount per
// container path.
func byTarget(v types.ServiceVolumeConfig) func(item) bool {
	t := path.Clean(v.Target)
	return func(it item) bool { return volumeTarget(it) == t }
}

// bindSource is the host path of a bind mount, or "".
func bindSource(v types.ServiceVolumeConfig) string {
	if v.Type != types.VolumeTypeBind || v.Source == "" {
		return ""
	}
	return path.Clean(v.Source)
}

var ruleRuntimeSocket = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-007", Name: "runtime-socket", Category: finding.CategoryCompose, Severity: finding.Critical,
		Title: "Service mounts the container runtime's socket",
		Rationale: "The Docker, Podman or containerd socket is the runtime's API: whoever can write to it " +
			"can start a privileged container with the host's root filesystem mounted, so mounting it " +
			"gives the service root on the host. Mounting it read-only does not help, as `:ro` does not " +
			"stop writes to a socket. `use_api_socket: true` does the same.",
		Fix: "Remove the mount. If the service must talk to the runtime, put a filtering proxy in front " +
			"of the socket that allows only the calls it needs, or run it rootless.",
		Bad:     "services:\n  ci:\n    image: example/ci:1.0\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
		Good:    "services:\n  ci:\n    image: example/ci:1.0\n    volumes:\n      - ./work:/work\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b"}},
	},
	check: func(s *service) []issue {
		var out []issue
		for _, v := range s.cfg.Volumes {
			src := bindSource(v)
			if src == "" || !isRuntimeSocket(src) {
				continue
			}
			out = append(out, entry(fmt.Sprintf("volume mounts the container runtime socket %s into the container", src),
				src, byTarget(v), "volumes"))
		}
		if s.cfg.UseAPISocket {
			out = append(out, at("use_api_socket is true: the container gets the Docker API socket", "use_api_socket"))
		}
		return out
	},
}

// sensitiveTrees are host paths a container must not mount, nor anything
// under them; sensitiveDirs must not be mounted whole.
var (
	sensitiveTrees = []string{
		"/etc", "/proc", "/sys", "/root", "/boot", "/dev", "/lib/modules",
		"/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/var/lib/containers",
	}
	sensitiveDirs = map[string]bool{
		"/": true, "/home": true, "/usr": true, "/bin": true, "/sbin": true, "/lib": true, "/lib64": true,
		"/var": true, "/var/lib": true, "/var/log": true, "/opt": true, "/srv": true,
	}
)

// harmlessMounts are common mounts under sensitive trees that reveal
// nothing and grant nothing.
var harmlessMounts = map[string]bool{
	"/etc/localtime": true, "/etc/timezone": true, "/etc/ssl/certs": true, "/etc/ca-certificates": true,
}

// sensitivePath reports whether a bind mount of host path p exposes the
// host. Paths inside the project directory are the project's own files.
func sensitivePath(p, projectDir string) bool {
	if sensitiveDirs[p] {
		return true
	}
	if harmlessMounts[p] || projectDir != "" && (p == projectDir || strings.HasPrefix(p, projectDir+"/")) {
		return false
	}
	for _, d := range sensitiveTrees {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

var ruleSensitiveMount = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-008", Name: "sensitive-host-path", Category: finding.CategoryCompose, Severity: finding.High,
		Title: "Service mounts a sensitive host path",
		Rationale: "Mounting `/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot`, `/dev`, `/var/lib/docker` or " +
			"similar host paths lets the container read host secrets (shadow passwords, SSH keys, other " +
			"containers' data) or, when writable, change the host outright.",
		Fix: "Mount only the application's own directory or a named volume. If the service needs host " +
			"data, mount the narrowest path read-only.",
		Bad:     "services:\n  agent:\n    image: example/agent:1.0\n    volumes:\n      - /etc:/host/etc:ro\n",
		Good:    "services:\n  agent:\n    image: example/agent:1.0\n    volumes:\n      - /etc/localtime:/etc/localtime:ro\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "1c1325ff-831d-43a1-973e-839ae57dfcc0"}},
	},
	check: func(s *service) []issue {
		var out []issue
		for _, v := range s.cfg.Volumes {
			src := bindSource(v)
			if src == "" || isRuntimeSocket(src) || !sensitivePath(src, s.src.projectDir) {
				continue
			}
			out = append(out, entry(fmt.Sprintf("volume mounts the host path %s into the container", src),
				src, byTarget(v), "volumes"))
		}
		return out
	},
}

// deviceSource is the host side of a devices entry, short or long syntax.
func deviceSource(it item) string {
	if s := it.field("source"); s != "" {
		return s
	}
	src, _, _ := strings.Cut(it.str(), ":")
	return src
}

var ruleDevices = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-009", Name: "host-device", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service is given a host device",
		Rationale: "A host device in the container (a disk, `/dev/mem`, a GPU, a USB bus) is reached " +
			"directly through the host kernel's driver, outside the container's isolation; a raw disk " +
			"or memory device gives the whole host away.",
		Fix:  "Remove the `devices` entry, or limit it to the one device the service needs and suppress the finding with a reason.",
		Bad:  "services:\n  app:\n    image: example/app:1.0\n    devices:\n      - /dev/sda:/dev/sda\n",
		Good: "services:\n  app:\n    image: example/app:1.0\n",
	},
	check: func(s *service) []issue {
		var out []issue
		for _, d := range s.cfg.Devices {
			src := d.Source
			out = append(out, entry(fmt.Sprintf("devices gives the container the host device %s", src),
				src, func(it item) bool { return deviceSource(it) == src }, "devices"))
		}
		return out
	},
}

var ruleHostNamespace = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-010", Name: "host-namespace", Category: finding.CategoryCompose, Severity: finding.High,
		Title: "Service shares a host namespace",
		Rationale: "`network_mode: host` puts the container on the host's network stack (including " +
			"services bound to localhost); `pid: host` lets it see and signal host processes; " +
			"`ipc: host`, `uts: host` and `userns_mode: host` share the host's shared memory, hostname " +
			"and user namespace. Each removes a layer of isolation.",
		Fix:  "Remove the setting; publish the ports the service needs instead of `network_mode: host`.",
		Bad:  "services:\n  web:\n    image: nginx:1.27\n    network_mode: host\n",
		Good: "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"127.0.0.1:8080:80\"\n",
		Aliases: []finding.Alias{
			{Tool: "kics", ID: "071a71ff-f868-47a4-ac0b-3c59e4ab5443"},
			{Tool: "kics", ID: "4f31dd9f-2cc3-4751-9b53-67e4af83dac0"},
			{Tool: "kics", ID: "baa3890f-bed7-46f5-ab8f-1da8fc91c729"},
			{Tool: "kics", ID: "8af7162d-6c98-482f-868e-0d33fb675ca8"},
		},
	},
	check: func(s *service) []issue {
		var out []issue
		for _, ns := range []struct{ key, val, what string }{
			{"network_mode", s.cfg.NetworkMode, "network stack"},
			{"pid", s.cfg.Pid, "process namespace"},
			{"ipc", s.cfg.Ipc, "IPC namespace"},
			{"uts", s.cfg.Uts, "UTS namespace"},
			{"userns_mode", s.cfg.UserNSMode, "user namespace"},
		} {
			if strings.EqualFold(strings.TrimSpace(ns.val), "host") {
				out = append(out, at(fmt.Sprintf("%s is host: the container shares the host's %s", ns.key, ns.what), ns.key))
			}
		}
		return out
	},
}

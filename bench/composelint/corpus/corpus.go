// Package corpus writes a deterministic corpus of compose projects for
// benchmarking composelint (BenchmarkLint) and comparing it with other
// tools (compare.sh): the same seed gives byte-identical projects.
//
// The projects look like real ones: a few to a dozen services, anchors and
// merge keys, an override file, `.env` interpolation, `extends` from a
// shared file, and a mix of hardened and careless settings.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Write writes n projects under dir (dir/p000, dir/p001, ...) and returns
// their directories.
func Write(dir string, n int) ([]string, error) {
	var dirs []string
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("p%03d", i))
		for name, text := range Project(i) {
			path := filepath.Join(p, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				return nil, err
			}
		}
		dirs = append(dirs, p)
	}
	return dirs, nil
}

var images = []string{
	"nginx:1.27", "nginx", "postgres:17", "redis:latest", "example/api:2.3.1",
	"example/worker@sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d",
	"grafana/grafana:11.2.0", "prom/prometheus:v2.54.1", "traefik:v3.1", "${REGISTRY}/app:${TAG}",
}

var ports = []string{"8080:80", "127.0.0.1:8081:8080", "5432:5432", "6379:6379", "${BIND}:9000:9000", "443:443", "9090"}

var volumes = []string{
	"./data:/data", "/var/run/docker.sock:/var/run/docker.sock:ro", "/etc/localtime:/etc/localtime:ro",
	"cache:/cache", "/proc:/host/proc:ro", "./config:/etc/app:ro",
}

// Project returns the files of project i, by name.
func Project(i int) map[string]string {
	r := rand.New(rand.NewPCG(uint64(i), 0x766f756368))
	files := map[string]string{
		".env": fmt.Sprintf("REGISTRY=registry.example.com\nTAG=1.%d.0\nBIND=0.0.0.0\nAPP_USER=%s\n",
			i, pick(r, []string{"root", "1000", "app"})),
	}
	n := 3 + r.IntN(10)
	withExtends := i%3 == 0
	var b strings.Builder
	b.WriteString("x-hardening: &hardening\n  cap_drop: [ALL]\n  read_only: true\n  security_opt:\n    - no-new-privileges:true\n")
	b.WriteString("x-limits: &limits\n  deploy:\n    resources:\n      limits:\n        memory: 256M\n        cpus: \"0.5\"\n        pids: 100\n\n")
	b.WriteString("services:\n")
	for s := range n {
		service(&b, r, s, withExtends)
	}
	b.WriteString("\nvolumes:\n  cache: {}\n")
	files["compose.yaml"] = b.String()
	if withExtends {
		files["common.yml"] = "services:\n  base:\n    user: \"10001\"\n    cap_drop: [ALL]\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 30s\n"
	}
	if i%2 == 0 {
		var o strings.Builder
		o.WriteString("services:\n")
		for s := 0; s < n; s += 2 {
			fmt.Fprintf(&o, "  svc%d:\n    read_only: true\n    user: \"%d\"\n", s, 1000+s)
		}
		files["compose.override.yaml"] = o.String()
	}
	return files
}

func service(b *strings.Builder, r *rand.Rand, s int, withExtends bool) {
	fmt.Fprintf(b, "  svc%d:\n", s)
	limited := true
	switch r.IntN(3) {
	case 0:
		b.WriteString("    <<: [*hardening, *limits]\n")
	case 1:
		b.WriteString("    <<: *limits\n")
	default:
		limited = false
	}
	if withExtends && r.IntN(2) == 0 {
		b.WriteString("    extends:\n      file: common.yml\n      service: base\n")
	}
	fmt.Fprintf(b, "    image: %s\n", pick(r, images))
	switch r.IntN(4) {
	case 0:
		b.WriteString("    user: ${APP_USER:-root}\n")
	case 1:
		b.WriteString("    user: \"1000:1000\"\n")
	}
	if r.IntN(4) == 0 {
		b.WriteString("    cap_add:\n      - " + pick(r, []string{"NET_BIND_SERVICE", "SYS_ADMIN", "NET_ADMIN", "CHOWN"}) + "\n")
	}
	if r.IntN(6) == 0 {
		b.WriteString("    privileged: true\n")
	}
	if r.IntN(5) == 0 {
		b.WriteString("    network_mode: host\n")
	} else if k := r.IntN(3); k > 0 {
		b.WriteString("    ports:\n")
		for range k {
			fmt.Fprintf(b, "      - \"%s\"\n", pick(r, ports))
		}
	}
	if k := r.IntN(3); k > 0 {
		b.WriteString("    volumes:\n")
		seen := map[string]bool{}
		for range k {
			v := pick(r, volumes)
			if !seen[v] {
				seen[v] = true
				fmt.Fprintf(b, "      - %s\n", v)
			}
		}
	}
	b.WriteString("    environment:\n")
	fmt.Fprintf(b, "      LOG_LEVEL: %s\n", pick(r, []string{"info", "debug"}))
	switch r.IntN(3) {
	case 0:
		fmt.Fprintf(b, "      DB_PASSWORD: s3cret-%d\n", s)
	case 1:
		b.WriteString("      DB_PASSWORD: ${DB_PASSWORD:-}\n")
	default:
		b.WriteString("      DB_PASSWORD_FILE: /run/secrets/db\n")
	}
	if r.IntN(4) == 0 {
		b.WriteString("    healthcheck:\n      disable: true\n")
	}
	if !limited && r.IntN(2) == 0 {
		b.WriteString("    mem_limit: 512m\n    pids_limit: 200\n")
	}
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

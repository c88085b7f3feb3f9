// Package corpus generates a deterministic corpus of varied Dockerfiles for
// benchmarks: single and multi-stage builds, ARG-parameterised bases,
// heredocs, continuations, lowercase instructions, package installs, good
// and bad practice mixed.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

const digest = "@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a"

var distros = []struct {
	image   string
	install func(r *rand.Rand, pkgs []string) string
}{
	{"debian:12-slim", aptInstall},
	{"ubuntu:24.04", aptInstall},
	{"alpine:3.20", apkInstall},
	{"python:3.12-slim", aptInstall},
	{"node:22-bookworm", aptInstall},
	{"golang:1.23-alpine", apkInstall},
}

var packages = []string{"curl", "ca-certificates", "git", "jq", "openssl", "tzdata", "bash", "make", "gcc", "unzip", "gnupg", "wget"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pkgs(r *rand.Rand) []string {
	n := 1 + r.IntN(5)
	out := make([]string, n)
	for i := range out {
		out[i] = pick(r, packages)
		if r.IntN(2) == 0 {
			out[i] += "=1.2.3-r" + fmt.Sprint(r.IntN(9))
		}
	}
	return out
}

func aptInstall(r *rand.Rand, p []string) string {
	flags := "-y"
	if r.IntN(2) == 0 {
		flags += " --no-install-recommends"
	}
	s := "RUN apt-get update \\\n    && apt-get install " + flags + " \\\n        " + strings.Join(p, " \\\n        ")
	if r.IntN(3) > 0 {
		s += " \\\n    && rm -rf /var/lib/apt/lists/*"
	}
	return s
}

func apkInstall(r *rand.Rand, p []string) string {
	if r.IntN(2) == 0 {
		return "RUN apk add --no-cache " + strings.Join(p, " ")
	}
	return "RUN apk update && apk add " + strings.Join(p, " ")
}

func base(r *rand.Rand, image string) (header, from string) {
	switch r.IntN(6) {
	case 0:
		return "", strings.SplitN(image, ":", 2)[0]
	case 1:
		return "", image
	case 2:
		return "ARG BASE=" + image + digest + "\n", "${BASE}"
	case 3:
		return "", strings.SplitN(image, ":", 2)[0] + ":latest"
	default:
		return "", image + digest
	}
}

func runStep(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return "RUN curl -fsSL https://example.com/install.sh | sh"
	case 1:
		return "RUN <<EOF\nset -eux\nmkdir -p /app/data\necho 'built' > /app/BUILD\nEOF"
	case 2:
		return "RUN chmod -R 755 /app && chown -R 10001:10001 /app"
	case 3:
		return "RUN pip install --no-cache-dir flask==3.1.0 gunicorn"
	case 4:
		return "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app ./cmd/app"
	case 5:
		return "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci --omit=dev"
	case 6:
		return "run echo lowercase instruction && ls -la /"
	case 7:
		return "RUN sudo chmod 777 /tmp/cache"
	case 8:
		return "RUN wget -qO- https://example.com/x.tgz | tar -xz -C /opt"
	case 9:
		return "RUN set -e; \\\n    for f in a b c; do \\\n        echo \"$f\" >> /app/list; \\\n    done"
	case 10:
		return "RUN addgroup -S app && adduser -S app -G app"
	default:
		return "RUN make -C /src install PREFIX=/usr/local"
	}
}

func stage(r *rand.Rand, b *strings.Builder, i int, final bool, prev string) string {
	d := pick(r, distros)
	header, from := base(r, d.image)
	name := fmt.Sprintf("stage%d", i)
	if !final && r.IntN(4) == 0 && prev != "" {
		from = prev
	}
	b.WriteString(header)
	fmt.Fprintf(b, "FROM %s AS %s\n", from, name)
	if r.IntN(3) == 0 {
		b.WriteString("# syntax-agnostic comment about this stage\n")
	}
	fmt.Fprintf(b, "WORKDIR /app\nARG VERSION=1.%d.0\nENV APP_VERSION=${VERSION} PATH=/app/bin:$PATH\n", r.IntN(20))
	b.WriteString(d.install(r, pkgs(r)) + "\n")
	for n := 2 + r.IntN(6); n > 0; n-- {
		b.WriteString(runStep(r) + "\n")
	}
	switch r.IntN(5) {
	case 0:
		b.WriteString("COPY . /app\n")
	case 1:
		b.WriteString("ADD app.tar.gz /app/\n")
	case 2:
		b.WriteString("COPY --chown=10001:10001 --chmod=755 bin/ /app/bin/\n")
	case 3:
		b.WriteString("ADD https://example.com/tool.tgz /opt/\n")
	default:
		b.WriteString("COPY <<EOF /etc/app.conf\nlisten = 8080\nEOF\n")
	}
	if prev != "" && r.IntN(2) == 0 {
		fmt.Fprintf(b, "COPY --from=%s /app /app\n", prev)
	}
	if r.IntN(6) == 0 {
		b.WriteString("ENV DB_PASSWORD=changeme123\n")
	}
	if final {
		finalConfig(r, b)
	}
	b.WriteString("\n")
	return name
}

func finalConfig(r *rand.Rand, b *strings.Builder) {
	fmt.Fprintf(b, "EXPOSE %s\n", pick(r, []string{"8080", "80 443", "22 8080", "3000/tcp"}))
	switch r.IntN(4) {
	case 0:
		b.WriteString("USER root\n")
	case 1:
	default:
		b.WriteString("USER 10001:10001\n")
	}
	if r.IntN(2) == 0 {
		b.WriteString("HEALTHCHECK --interval=30s CMD [\"/app/bin/app\", \"health\"]\n")
	}
	if r.IntN(2) == 0 {
		b.WriteString("ENTRYPOINT [\"/app/bin/app\"]\nCMD [\"serve\"]\n")
	} else {
		b.WriteString("CMD /app/bin/app serve --port 8080\n")
	}
}

// Generate returns n Dockerfiles, the same ones for the same n and seed.
func Generate(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, "# generated Dockerfile %d\n", i)
		stages := 1 + r.IntN(4)
		prev := ""
		for s := 0; s < stages; s++ {
			prev = stage(r, &b, s, s == stages-1, prev)
		}
		out[i] = []byte(b.String())
	}
	return out
}

# syntax=docker/dockerfile:1
# vouch's own image: one static binary on distroless, running as nonroot.
#   docker build --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) -t vouch .
#   docker run --rm -v "$PWD:/work:ro" vouch gate --lint-only
# Base images are pinned by digest (the tag stays for readers). Each digest
# was taken from public Dockerfiles that pin the same tag, found with a code
# search; refresh them with `crane digest IMAGE:TAG` before a release.
#
# golang:1.26-bookworm: the multi-arch manifest-list digest pinned by a
# public fortigate-external-dns Dockerfile and a carbide scaffold config.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm@sha256:b305420a68d0f229d91eb3b3ed9e519fcf2cf5461da4bef997bf927e8c0bfd2b AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=""
ARG COMMIT=""
# Trivy v0.74.0 needs the jsonv2 experiment; CGO off makes the binary static.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOEXPERIMENT=jsonv2 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
    -o /out/vouch ./cmd/vouch

# gcr.io/distroless/static-debian12:nonroot as of 2026-08-26: the digest
# pinned, with that date, by public merlin, taskboard and audittrail
# Dockerfiles. No shell, no package manager, CA certificates included.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
LABEL org.opencontainers.image.title="vouch" \
      org.opencontainers.image.description="A supply-chain security gate for CI" \
      org.opencontainers.image.source="https://github.com/vouch-dev/vouch"
COPY --from=build /out/vouch /usr/local/bin/vouch
# distroless's nonroot user; the vulnerability database is cached in its home.
USER 65532:65532
# A one-shot command, not a service: nothing to probe.
HEALTHCHECK NONE
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/vouch"]
CMD ["gate"]

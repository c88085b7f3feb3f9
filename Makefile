# Every go command needs GOEXPERIMENT=jsonv2 (Trivy v0.74.0 requires it).
export GOEXPERIMENT := jsonv2

TOOLS_DIR ?= $(CURDIR)/.tools
MULTITOOL := $(TOOLS_DIR)/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
export VOUCH_SARIF_MULTITOOL := $(MULTITOOL)

.PHONY: build test tools vet fmt-check fuzz fuzz-scan

build:
	go build -o bin/vouch ./cmd/vouch

# tools installs what the tests need on a fresh Debian machine: the
# registry server and Redis (real servers on loopback), Microsoft's SARIF
# Multitool (a self-contained binary from npm), upstream cosign (the
# interoperability tests sign with one and verify with the other) and
# upstream trivy (its server, for the client/server test).
GOBIN := $(shell go env GOPATH)/bin
export PATH := $(GOBIN):$(PATH)
COSIGN := $(GOBIN)/cosign
TRIVY := $(GOBIN)/trivy
tools: $(MULTITOOL) $(COSIGN) $(TRIVY)
	@command -v docker-registry >/dev/null && command -v redis-server >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry redis-server >/dev/null; }

# cosign v2.6.5 and trivy v0.74.0 are tool dependencies in go.mod: built
# from the same module graph as vouch, they reuse the packages vouch's build
# already compiled (minutes less on a cold CI machine than `go install
# ...@version`, which resolves and compiles their own graphs). The
# benchmarks (bench/) use `go install` builds instead: the CLIs as released.
$(COSIGN):
	go build -o $@ github.com/sigstore/cosign/v2/cmd/cosign

# Upstream trivy: the client/server test runs `trivy server` on loopback.
$(TRIVY):
	go build -o $@ github.com/aquasecurity/trivy/cmd/trivy

$(MULTITOOL):
	npm install --silent --no-audit --no-fund --prefix $(TOOLS_DIR) @microsoft/sarif-multitool-linux@5.7.0

# test runs every test, with the real servers and tools.
test: tools
	go test -timeout 30m ./...

vet:
	go vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# fuzz runs each fuzz target briefly (FUZZTIME each: a duration, or a count
# such as 10000x). CI uses a count: with a duration, Go 1.26's coordinator
# can fail a clean run with "context deadline exceeded" when a loaded
# machine delays a worker at the deadline (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 15s
fuzz:
	go test ./config -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	go test ./dockerlint -run '^$$' -fuzz '^FuzzLint$$' -fuzztime $(FUZZTIME)
	go test ./dockerlint -run '^$$' -fuzz '^FuzzParseScript$$' -fuzztime $(FUZZTIME)
	go test ./composelint -run '^$$' -fuzz '^FuzzLint$$' -fuzztime $(FUZZTIME)
	go test ./sign -run '^$$' -fuzz '^FuzzTokenSubject$$' -fuzztime $(FUZZTIME)
	go test ./sign -run '^$$' -fuzz '^FuzzAttestationInputs$$' -fuzztime $(FUZZTIME)
	go test ./hook -run '^$$' -fuzz '^FuzzParseUpdates$$' -fuzztime $(FUZZTIME)

# fuzz-scan feeds arbitrary archives to the embedded scanner. Not in .ci/run:
# the coverage-instrumented build of Trivy alone takes about ten minutes on
# two cores. Its seed corpus runs with every `go test ./scan`.
fuzz-scan:
	go test ./scan -run '^$$' -fuzz '^FuzzInput$$' -fuzztime $(FUZZTIME)

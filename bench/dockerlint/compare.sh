#!/usr/bin/env bash
# compare.sh: `vouch lint dockerfile` against `trivy config` on the same
# generated corpus of Dockerfiles (bench/dockerlint/gen, the corpus that
# BenchmarkLint uses), one invocation over the whole directory per tool.
# Prints wall time, CPU time (user+sys), peak RSS and findings of each, and
# the ratios.
#
#   bench/dockerlint/compare.sh [N]        N Dockerfiles, default 300
#
# Needs Go, GNU time (/usr/bin/time) and trivy v0.74.0, installed if
# missing (a long build):
#   GOEXPERIMENT=jsonv2 go install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0
# trivy runs offline: --skip-check-update uses the checks embedded in the
# binary. Override the binary with TRIVY=path/to/trivy.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOEXPERIMENT=jsonv2

n=${1:-300}
trivy=${TRIVY:-$(command -v trivy || echo "$(go env GOPATH)/bin/trivy")}
if [ ! -x "$trivy" ]; then
	echo "compare.sh: installing trivy v0.74.0 (several minutes)" >&2
	go install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0
	trivy=$(go env GOPATH)/bin/trivy
fi
if [ ! -x /usr/bin/time ]; then
	echo "compare.sh: GNU time (/usr/bin/time) not found" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bin
go build -o bin/vouch ./cmd/vouch
go run ./bench/dockerlint/gen -n "$n" -o "$work/corpus"

# timed TOOL CMD...: run once, GNU time's "wall user sys maxrss_kB" into
# $work/TOOL.time. Exit 0 or 1 is a completed run; anything else stops.
timed() {
	local tool=$1 rc=0
	shift
	/usr/bin/time -q -o "$work/$tool.time" -f '%e %U %S %M' "$@" >"$work/$tool.out" 2>"$work/$tool.err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "compare.sh: $tool exited $rc:" >&2
		tail -5 "$work/$tool.err" >&2
		exit 2
	fi
}

timed vouch bin/vouch lint dockerfile "$work/corpus" --format json --fail-on critical
timed trivy "$trivy" config --skip-check-update --cache-dir "$work/trivy-cache" --quiet \
	--format json --exit-code 0 "$work/corpus"

vf=$(grep -c '"ruleId"' "$work/vouch.out" || true)
tf=$(grep -c '"ID": "DS-' "$work/trivy.out" || true)
read -r vw vu vs vm <"$work/vouch.time"
read -r tw tu ts tm <"$work/trivy.time"
vc=$(echo "$vu + $vs" | bc -l)
tc=$(echo "$tu + $ts" | bc -l)

printf '%d Dockerfiles, one invocation over the directory per tool (%s)\n\n' "$n" "$("$trivy" --version | head -1)"
printf '%-6s %9s %9s %14s %14s %9s\n' tool wall_s cpu_s cpu_ms/file peak_rss_MiB findings
printf '%-6s %9.2f %9.2f %14.2f %14.1f %9d\n' vouch "$vw" "$vc" "$(echo "1000*$vc/$n" | bc -l)" "$(echo "$vm/1024" | bc -l)" "$vf"
printf '%-6s %9.2f %9.2f %14.2f %14.1f %9d\n' trivy "$tw" "$tc" "$(echo "1000*$tc/$n" | bc -l)" "$(echo "$tm/1024" | bc -l)" "$tf"
# GNU time reports 0.00 s for very short runs; floor at 10 ms for ratios.
printf '\nratio trivy/vouch: wall %.1fx, cpu %.1fx, peak rss %.1fx\n' \
	"$(echo "$tw/($vw+($vw==0)*0.01)" | bc -l)" "$(echo "$tc/($vc+($vc==0)*0.01)" | bc -l)" "$(echo "$tm/$vm" | bc -l)"

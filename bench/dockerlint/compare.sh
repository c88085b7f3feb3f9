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
go build -o bin/vouch.build ./cmd/vouch && cp bin/vouch.build bin/vouch && rm bin/vouch.build # a copy: see bench/scan/README.md on RSS
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
timed vouch-q bin/vouch lint dockerfile "$work/corpus" --quiet --fail-on critical
timed trivy "$trivy" config --skip-check-update --cache-dir "$work/trivy-cache" --quiet \
	--format json --exit-code 0 "$work/corpus"

vf=$(grep -c '"ruleId"' "$work/vouch.out" || true)
tf=$(grep -c '"ID": "DS-' "$work/trivy.out" || true)
read -r tw tu ts tm <"$work/trivy.time"
tc=$(echo "$tu + $ts" | bc -l)

# A go-installed trivy says "Version: dev"; its build info has the version.
tv=$(go version -m "$trivy" 2>/dev/null | awk '$1 == "mod" {print $3}')
printf '%d Dockerfiles, one invocation over the directory per tool (trivy %s)\n' "$n" "${tv:-$("$trivy" --version | head -1)}"
printf 'vouch writes a JSON report (vouch -q: only the verdict line); trivy writes JSON\n\n'
printf '%-8s %9s %9s %12s %14s %9s %22s\n' tool wall_s cpu_s cpu_ms/file peak_rss_MiB findings "trivy/vouch wall,cpu"
row() { # row NAME WALL CPU RSS_KB FINDINGS
	printf '%-8s %9.2f %9.2f %12.2f %14.1f %9s' "$1" "$2" "$3" "$(echo "1000*$3/$n" | bc -l)" "$(echo "$4/1024" | bc -l)" "$5"
	if [ "$1" != trivy ]; then
		# GNU time rounds short runs down to 0.00 s: floor at 10 ms.
		printf '     %6.1fx, %6.1fx' "$(echo "$tw/($2+($2<0.01)*0.01)" | bc -l)" "$(echo "$tc/($3+($3<0.01)*0.01)" | bc -l)"
	fi
	printf '\n'
}
for tool in vouch vouch-q; do
	read -r w u s m <"$work/$tool.time"
	f=$vf
	[ "$tool" = vouch-q ] && f=-
	row "$tool" "$w" "$(echo "$u + $s" | bc -l)" "$m" "$f"
done
row trivy "$tw" "$tc" "$tm" "$tf"

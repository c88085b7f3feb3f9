#!/usr/bin/env bash
# compare.sh: `vouch lint compose` against KICS on the same generated compose
# projects, one invocation per project for each tool (as CI runs them).
# Prints, per tool, total wall time, total CPU time, the largest peak RSS and
# the findings reported, then the ratios.
#
#   bench/composelint/compare.sh [N]        N projects, default 50
#
# Needs Go, GNU time (/usr/bin/time) and KICS v2.2.0:
#   GOEXPERIMENT=jsonv2 go install github.com/Checkmarx/kics/v2/cmd/console@v2.2.0
# KICS reads its queries and libraries from that module's assets in the
# module cache. Override with KICS=path/to/console KICS_ASSETS=path/to/assets.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOEXPERIMENT=jsonv2

n=${1:-50}
kics=${KICS:-$(go env GOPATH)/bin/console}
assets=${KICS_ASSETS:-$(go env GOMODCACHE)/github.com/!checkmarx/kics/v2@v2.2.0/assets}
for need in /usr/bin/time "$kics" "$assets/queries"; do
	if [ ! -e "$need" ]; then
		echo "compare.sh: $need not found (see the header of this script)" >&2
		exit 2
	fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/vouch.build" ./cmd/vouch && cp "$work/vouch.build" "$work/vouch" # a copy: see bench/scan/README.md on RSS
go run ./bench/composelint/gencorpus -n "$n" "$work/corpus" >"$work/projects"

# run TOOL DIR: one invocation on one project, timed into $work/TOOL.time.
# An exit code that means "could not run" stops the comparison.
run() {
	local tool=$1 dir=$2 rc=0
	case $tool in
	vouch)
		/usr/bin/time -q -a -o "$work/vouch.time" -f '%e %U %S %M' \
			"$work/vouch" lint compose --project-directory "$dir" --format json >"$work/out.json" 2>"$work/err" || rc=$?
		[ "$rc" -le 1 ] || { echo "vouch failed on $dir:" >&2; cat "$work/err" >&2; exit 2; }
		grep -o '"ruleId"' "$work/out.json" | wc -l >>"$work/vouch.count"
		;;
	kics)
		rm -rf "$work/kics-out"
		/usr/bin/time -q -a -o "$work/kics.time" -f '%e %U %S %M' \
			"$kics" scan -p "$dir" -t DockerCompose -q "$assets/queries" -b "$assets/libraries" \
			--no-progress --ci --log-level ERROR -o "$work/kics-out" --report-formats json >/dev/null 2>"$work/err" || rc=$?
		[ "$rc" -lt 100 ] || { echo "kics failed ($rc) on $dir:" >&2; cat "$work/err" >&2; exit 2; }
		grep -o '"similarity_id"' "$work/kics-out/results.json" | wc -l >>"$work/kics.count"
		;;
	esac
}

: >"$work/vouch.time"
: >"$work/kics.time"
while read -r dir; do
	run vouch "$dir"
	run kics "$dir"
done <"$work/projects"

# summary TOOL: "wall cpu rss findings" totals.
summary() {
	awk -v f="$(paste -sd+ "$work/$1.count" | bc)" \
		'{w += $1; c += $2 + $3; if ($4 > m) m = $4} END {printf "%.2f %.2f %d %d\n", w, c, m, f}' "$work/$1.time"
}
read -r vw vc vm vf <<<"$(summary vouch)"
read -r kw kc km kf <<<"$(summary kics)"

printf '%d compose projects, one invocation per project per tool\n\n' "$n"
printf '%-6s %10s %10s %14s %9s\n' tool wall_s cpu_s peak_rss_MiB findings
printf '%-6s %10.2f %10.2f %14.1f %9d\n' vouch "$vw" "$vc" "$(echo "$vm/1024" | bc -l)" "$vf"
printf '%-6s %10.2f %10.2f %14.1f %9d\n' kics "$kw" "$kc" "$(echo "$km/1024" | bc -l)" "$kf"
printf '\nratio kics/vouch: wall %.1fx, cpu %.1fx, peak rss %.1fx\n' \
	"$(echo "$kw/$vw" | bc -l)" "$(echo "$kc/$vc" | bc -l)" "$(echo "$km/$vm" | bc -l)"

#!/usr/bin/env bash
# Scan speed: vouch (Trivy embedded) against upstream trivy on the same
# generated image (docker-archive, >=100 MB, thousands of files, several
# layers), the same test database and the same scanners (vuln, secret).
# Prints wall time, CPU time and peak memory of a cold run (empty layer
# cache) and a warm rerun (layers cached), and the vouch/trivy ratios.
#
#   bench/scan/compare.sh [RUNS]
#
# Needs: /usr/bin/time (Debian package "time") and upstream trivy on PATH
# or in $TRIVY (go install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOEXPERIMENT=jsonv2
runs="${1:-3}"
trivy="${TRIVY:-$(command -v trivy || true)}"
if [ -z "$trivy" ]; then
	echo "trivy not found: go install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0, or set TRIVY" >&2
	exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bin
# Copied after the build: the file the linker wrote maps in larger pages
# here (its peak RSS reads ~75 MB higher than the same bytes copied), and
# users run a downloaded copy.
go build -o "$work/vouch" ./cmd/vouch
cp "$work/vouch" bin/vouch
vouch=(bin/vouch scan image --skip-db-update --scanners vuln,secret --fail-on critical -q --cache-backend fs --input)
go run ./bench/scan/genimage -o "$work/image.tar" -db "$work/db"
echo "image: $(du -h "$work/image.tar" | cut -f1) docker-archive, $(tar -tf "$work/image.tar" | wc -l) archive entries"

# measure CMD... → "wall_s cpu_s maxrss_kb" of one run.
measure() {
	# Exit 1 is a verdict (the image has criticals), not a failure.
	local rc=0
	/usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "failed (exit $rc): $*" >&2
		cat "$work/err" >&2
		exit 2
	fi
	# GNU time writes "Command exited with non-zero status N" first.
	tail -n 1 "$work/time" | awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }'
}

declare -A sum
run_tool() { # tool cold|warm
	local tool=$1 mode=$2 cache="$work/cache-$1" r
	for _ in $(seq "$runs"); do
		if [ "$mode" = cold ]; then rm -rf "$cache"; fi
		mkdir -p "$cache"
		rm -rf "$cache/db"
		cp -r "$work/db" "$cache/db"
		if [ "$tool" = vouch ]; then
			r=$(measure "${vouch[@]}" "$work/image.tar" --cache-dir "$cache")
		else
			r=$(measure "$trivy" image --input "$work/image.tar" --cache-dir "$cache" --skip-db-update \
				--skip-version-check --disable-telemetry --offline-scan --scanners vuln,secret -q -f json)
		fi
		read -r w c m <<<"$r"
		sum[$tool-$mode-w]=$(awk -v a="${sum[$tool-$mode-w]:-0}" -v b="$w" 'BEGIN { print a + b }')
		sum[$tool-$mode-c]=$(awk -v a="${sum[$tool-$mode-c]:-0}" -v b="$c" 'BEGIN { print a + b }')
		if [ "$m" -gt "${sum[$tool-$mode-m]:-0}" ]; then sum[$tool-$mode-m]=$m; fi
	done
}

for mode in cold warm; do
	for tool in vouch trivy; do
		[ "$mode" = warm ] && run_tool "$tool" cold >/dev/null # fill the cache (not counted below)
		unset "sum[$tool-$mode-w]" "sum[$tool-$mode-c]" "sum[$tool-$mode-m]"
		run_tool "$tool" "$mode"
	done
done

printf '%-6s %-5s %10s %10s %12s\n' tool run wall_s cpu_s peak_rss_mb
for mode in cold warm; do
	for tool in vouch trivy; do
		printf '%-6s %-5s %10.3f %10.3f %12.1f\n' "$tool" "$mode" \
			"$(awk -v s="${sum[$tool-$mode-w]}" -v n="$runs" 'BEGIN { print s / n }')" \
			"$(awk -v s="${sum[$tool-$mode-c]}" -v n="$runs" 'BEGIN { print s / n }')" \
			"$(awk -v m="${sum[$tool-$mode-m]}" 'BEGIN { print m / 1024 }')"
	done
done
for mode in cold warm; do
	echo "vouch/trivy wall ratio, $mode: $(awk -v a="${sum[vouch-$mode-w]}" -v b="${sum[trivy-$mode-w]}" 'BEGIN { printf "%.2f", a / b }')"
done
for tool in vouch trivy; do
	echo "$tool warm/cold wall ratio: $(awk -v a="${sum[$tool-warm-w]}" -v b="${sum[$tool-cold-w]}" 'BEGIN { printf "%.2f", a / b }') (target < 0.10)"
done

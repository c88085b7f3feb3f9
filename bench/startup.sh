#!/usr/bin/env bash
# Start-up cost of the vouch binary, which links Trivy and cosign: the time
# and memory every package's init takes at each start (GODEBUG=inittrace=1),
# the slowest inits, and the wall time of a pre-push-hook-sized job (lint one
# small Dockerfile; the target is 30 ms or less).
#
#   bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOEXPERIMENT=jsonv2
runs="${1:-50}"
go build -o bin/vouch ./cmd/vouch
echo "binary: $(du -h bin/vouch | cut -f1)"

trace=$(GODEBUG=inittrace=1 bin/vouch version 2>&1 >/dev/null)
echo "$trace" | awk '/^init / {
	for (i = 1; i <= NF; i++) { if ($(i+1) == "ms" && $(i+2) == "clock,") clock += $i; if ($(i+1) == "bytes,") bytes += $i }
	n++
} END { printf "package inits: %d, %.2f ms clock, %.1f MB allocated\n", n, clock, bytes / 1e6 }'
echo "slowest inits:"
echo "$trace" | awk '/^init / { for (i = 1; i <= NF; i++) if ($(i+1) == "ms" && $(i+2) == "clock,") print $i, $2 }' |
	sort -rn | awk 'NR <= 8' | awk '{ printf "  %7.3f ms  %s\n", $1, $2 }'

target=testdata/example/Dockerfile
job=(bin/vouch lint dockerfile --no-color "$target")
if ! "${job[@]}" >/dev/null 2>&1; [ $? -gt 1 ]; then
	echo "lint dockerfile is not available in this build; timing 'vouch version' instead"
	job=(bin/vouch version)
fi
echo "wall time of: ${job[*]} ($runs runs)"
if command -v hyperfine >/dev/null; then
	hyperfine --warmup 3 --runs "$runs" -N -i "${job[*]}"
else
	start=$(date +%s%N)
	for _ in $(seq "$runs"); do "${job[@]}" >/dev/null 2>&1 || true; done
	end=$(date +%s%N)
	echo "  mean $(( (end - start) / runs / 1000000 )) ms"
fi

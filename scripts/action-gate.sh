#!/usr/bin/env bash
# action-gate.sh: the GitHub Action's gate step. Maps the inputs to
# `vouch gate` flags, runs it, and sets the outputs from the JSON report.
# The step summary and annotations are written by vouch itself (it does so
# whenever GITHUB_ACTIONS is true). The step exits with the gate's code.
#
# In:  VOUCH_BIN, VOUCH_CACHE_DIR and the VOUCH_* inputs (see action.yml),
#      RUNNER_TEMP, GITHUB_OUTPUT.
# Out: verdict, exit-code, sarif, report, signed-digest, signed.
set -uo pipefail
die() { echo "::error title=vouch::$*" >&2; echo "verdict=error" >> "$GITHUB_OUTPUT"; echo "exit-code=2" >> "$GITHUB_OUTPUT"; exit 2; }

# lines splits a multi-line input into the array named $1, skipping blanks.
lines() {
	local -n into=$1
	local line
	while IFS= read -r line; do
		line="${line#"${line%%[![:space:]]*}"}"
		line="${line%"${line##*[![:space:]]}"}"
		[ -n "$line" ] && into+=("$line")
	done <<< "$2"
	return 0
}

args=(gate)
[ -n "${VOUCH_CONFIG:-}" ] && args+=(--config "$VOUCH_CONFIG")
images=()
lines images "${VOUCH_IMAGES:-}"
for image in "${images[@]}"; do args+=(--image "$image"); done
[ -n "${VOUCH_FAIL_ON:-}" ] && args+=(--fail-on "$VOUCH_FAIL_ON")
case "${VOUCH_LINT_ONLY:-false}" in
true) args+=(--lint-only) ;;
false) args+=(--cache-dir "$VOUCH_CACHE_DIR") ;;
*) die "lint-only is '$VOUCH_LINT_ONLY', want true or false" ;;
esac
[ -n "${VOUCH_BASELINE:-}" ] && args+=(--baseline "$VOUCH_BASELINE")
case "${VOUCH_SIGN:-none}" in
none | "") ;;
keyless) args+=(--sign) ;;
key)
	[ -n "${VOUCH_KEY:-}" ] || die "sign: key needs the key input"
	args+=(--sign --key "$VOUCH_KEY")
	;;
*) die "sign is '$VOUCH_SIGN', want none, keyless or key" ;;
esac
report="$RUNNER_TEMP/vouch-report.json"
rm -f "$report"
args+=(--output "json=$report")
[ -n "${VOUCH_SARIF:-}" ] && args+=(--output "sarif=$VOUCH_SARIF")
outputs=()
lines outputs "${VOUCH_OUTPUTS:-}"
for o in "${outputs[@]}"; do
	[[ "$o" == *=* ]] || die "outputs line '$o' is not FORMAT=PATH"
	args+=(--output "$o")
done
extra=()
lines extra "${VOUCH_ARGS:-}"
args+=("${extra[@]}")
paths=()
lines paths "${VOUCH_PATHS:-}"
if [ "${#paths[@]}" -gt 0 ]; then args+=(-- "${paths[@]}"); fi

echo "vouch: ${args[*]}"
"$VOUCH_BIN" "${args[@]}"
code=$?

verdict=error
signed=""
if [ -s "$report" ]; then
	verdict=$(jq -r '.verdict // "error"' "$report")
	signed=$(jq -r '[.signed[]?.ref] | join(" ")' "$report")
fi
{
	echo "verdict=$verdict"
	echo "exit-code=$code"
	echo "report=$report"
	# Absolute, so it holds whatever working-directory was.
	if [ -n "${VOUCH_SARIF:-}" ] && [ -s "$VOUCH_SARIF" ]; then
		case "$VOUCH_SARIF" in
		/*) echo "sarif=$VOUCH_SARIF" ;;
		*) echo "sarif=$PWD/$VOUCH_SARIF" ;;
		esac
	fi
	echo "signed=$signed"
	echo "signed-digest=${signed%% *}"
} >> "$GITHUB_OUTPUT"
exit "$code"

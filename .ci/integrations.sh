#!/usr/bin/env bash
# .ci/integrations.sh: checks the CI integrations (issue 8). Installs what it
# needs (actionlint from the Go module proxy, shellcheck and jq from Debian),
# then:
#   - shellcheck on the action's and the checks' scripts;
#   - actionlint on every example workflow, and on action.yml through a
#     workflow that uses it as ./ (actionlint validates a local action's
#     metadata), with the examples pointed at ./ so their inputs and outputs
#     are checked against action.yml;
#   - go test ./scripts/cicheck ./hook: the action's run steps and the GitLab
#     job script run under bash/sh with a stub vouch, arguments asserted;
#     release asset names; pre-commit hooks; the pre-push hook in scratch
#     repositories;
#   - vouch's own Dockerfile and compose.yaml pass vouch's lint (fail-on info);
#   - the pre-push hook end to end with the built vouch (scripts/hook-e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOEXPERIMENT=jsonv2
tools="${TOOLS_DIR:-$PWD/.tools}"
mkdir -p "$tools/bin"
export PATH="$tools/bin:$PATH"
start=$(date +%s)

if ! command -v actionlint >/dev/null || [ "$(actionlint -version | head -n 1)" != v1.7.12 ]; then
	GOBIN="$tools/bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
fi
if ! command -v shellcheck >/dev/null || ! command -v jq >/dev/null; then
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck jq; } >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== shellcheck"
shellcheck scripts/*.sh .ci/integrations.sh

echo "== actionlint: example workflows"
actionlint docs/ci/*.yml

echo "== actionlint: action.yml, and the examples against its inputs and outputs"
proj="$tmp/actionlint"
mkdir -p "$proj/.github/workflows"
git -C "$proj" init -q
cp action.yml "$proj/"
for f in docs/ci/*.yml; do
	sed -E 's#uses: vouch-dev/vouch@[^ ]+( .*)?$#uses: ./#' "$f" > "$proj/.github/workflows/$(basename "$f")"
done
grep -q 'uses: \./' "$proj"/.github/workflows/*.yml || { echo "no example uses the action" >&2; exit 1; }
(cd "$proj" && actionlint)

echo "== action steps, GitLab job script, release names, pre-commit hooks, pre-push hook (go test)"
VOUCH_INTEGRATIONS=1 go test -count=1 ./scripts/cicheck/ ./hook/

echo "== vouch's own image: vouch lint"
go build -o "$tmp/vouch" ./cmd/vouch
"$tmp/vouch" lint dockerfile --fail-on info Dockerfile
"$tmp/vouch" lint compose --fail-on info --dockerfiles -f compose.yaml

echo "== pre-push hook end to end"
bash scripts/hook-e2e.sh "$tmp/vouch"

echo "== integrations: ok in $(($(date +%s) - start))s"

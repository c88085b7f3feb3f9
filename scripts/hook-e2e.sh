#!/usr/bin/env bash
# hook-e2e.sh VOUCH: the pre-push hook end to end with a built vouch: install
# in a scratch repository with a bare remote, refuse a push of a root compose
# service, let a clean one through, run an existing hook first, and restore
# that hook exactly on uninstall.
set -euo pipefail
vouch=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME"
fail() { echo "hook-e2e: FAIL: $*" >&2; exit 1; }

git init -q --bare -b main "$tmp/remote.git"
git init -q -b main "$tmp/work"
cd "$tmp/work"
git remote add origin "$tmp/remote.git"
printf '#!/bin/sh\necho chained-ran >> "%s/chained.log"\ncat >> "%s/chained.log"\n' "$tmp" "$tmp" > .git/hooks/pre-push
chmod 0750 .git/hooks/pre-push
cp -p .git/hooks/pre-push "$tmp/original-hook"

"$vouch" hook install
"$vouch" hook install 2>&1 | grep -q 'installed already' || fail "second install was not a no-op"
[ -x .git/hooks/pre-push.vouch-chained ] || fail "existing hook not chained"

printf 'fail-on: medium\n' > vouch.yaml
cat > compose.yaml <<'YAML'
services:
  web:
    image: nginx:1.27
    user: "10001:10001"
    cap_drop: [ALL]
    read_only: true
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
YAML
git add -A && git commit -qm clean
start=$(date +%s%N)
git push -q origin main > "$tmp/push1.log" 2>&1 || { cat "$tmp/push1.log"; fail "clean push refused"; }
echo "hook-e2e: clean push went through in $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -q chained-ran "$tmp/chained.log" || fail "the existing hook did not run"
grep -q "refs/heads/main $(git rev-parse HEAD) refs/heads/main" "$tmp/chained.log" || fail "the existing hook did not get the push on stdin"

sed -i 's/"10001:10001"/root/' compose.yaml
git commit -qam root
if git push -q origin main > "$tmp/push2.log" 2>&1; then cat "$tmp/push2.log"; fail "push of a root service went through"; fi
grep -q 'VCH-DC-001' "$tmp/push2.log" || { cat "$tmp/push2.log"; fail "refusal does not name VCH-DC-001"; }
grep -q 'push refused' "$tmp/push2.log" || fail "no refusal message"
[ "$(git -C "$tmp/remote.git" rev-parse main)" = "$(git rev-parse HEAD~1)" ] || fail "remote main moved"
echo "hook-e2e: push of a root service refused"

"$vouch" hook uninstall
cmp .git/hooks/pre-push "$tmp/original-hook" || fail "uninstall did not restore the hook's content"
[ "$(stat -c '%a %Y' .git/hooks/pre-push)" = "$(stat -c '%a %Y' "$tmp/original-hook")" ] || fail "uninstall did not restore mode and time"
[ ! -e .git/hooks/pre-push.vouch-chained ] || fail "chained copy left behind"
echo "hook-e2e: uninstall restored the original hook"
echo "hook-e2e: ok"

#!/usr/bin/env bash
# action-install.sh: the GitHub Action's install step. Downloads a vouch
# release archive, checks its sha256 against the checksum pinned in this
# action's commit (scripts/release-checksums.txt) or given as an input, and
# puts vouch on PATH. Nothing runs before the checksum matched.
#
# In:  VOUCH_VERSION, VOUCH_CHECKSUM, VOUCH_ACTION_PATH, RUNNER_OS,
#      RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH;
#      VOUCH_RELEASE_URL (default: the GitHub releases of vouch-dev/vouch).
# Out: path (the vouch binary), cache-dir, day (UTC, for the cache key).
set -euo pipefail
die() { echo "::error title=vouch install::$*" >&2; exit 2; }

case "${RUNNER_OS:-}" in
Linux) os=linux ;;
macOS) os=darwin ;;
*) die "runner OS '${RUNNER_OS:-}' is not supported (Linux or macOS)" ;;
esac
case "${RUNNER_ARCH:-}" in
X64) arch=amd64 ;;
ARM64) arch=arm64 ;;
*) die "runner architecture '${RUNNER_ARCH:-}' is not supported (X64 or ARM64)" ;;
esac

pinned="$VOUCH_ACTION_PATH/scripts/release-checksums.txt"
version="${VOUCH_VERSION#v}"
if [ -z "$version" ]; then
	# The newest release the pinned file records for this platform.
	version=$(sed -n "s/^[0-9a-f]\{64\}  vouch_\(.*\)_${os}_${arch}\.tar\.gz\$/\1/p" "$pinned" | sort -V | tail -n 1)
	[ -n "$version" ] || die "no vouch release is pinned in $pinned; set the version and checksum inputs"
fi
asset="vouch_${version}_${os}_${arch}.tar.gz"
want="${VOUCH_CHECKSUM:-}"
if [ -z "$want" ]; then
	want=$(awk -v a="$asset" '$2 == a { print $1 }' "$pinned")
	[ -n "$want" ] || die "no checksum for $asset in $pinned; set the checksum input"
fi
[[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "checksum '$want' is not a sha256 in hex"

dir="$RUNNER_TEMP/vouch-$version"
mkdir -p "$dir"
url="${VOUCH_RELEASE_URL:-https://github.com/vouch-dev/vouch/releases/download}/v$version/$asset"
echo "vouch: downloading $url"
curl -fsSL --retry 3 --proto '=https,file' -o "$dir/$asset" "$url" || die "download of $url failed"
if command -v sha256sum >/dev/null; then
	got=$(sha256sum "$dir/$asset" | cut -d' ' -f1)
else
	got=$(shasum -a 256 "$dir/$asset" | cut -d' ' -f1)
fi
[ "$got" = "$want" ] || die "$asset has sha256 $got, want $want: refusing to run it"
tar -xzf "$dir/$asset" -C "$dir" vouch
rm -f "$dir/$asset"
chmod 0755 "$dir/vouch"
echo "$dir" >> "$GITHUB_PATH"
{
	echo "path=$dir/vouch"
	echo "cache-dir=$HOME/.cache/vouch"
	echo "day=$(date -u +%Y-%m-%d)"
} >> "$GITHUB_OUTPUT"
"$dir/vouch" version

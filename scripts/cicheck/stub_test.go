package cicheck

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository, two levels up.
const repoRoot = "../.."

// stubVouch records its arguments, one per line, in $STUB_LOG; writes a
// file for every --output FORMAT=PATH (a JSON report with $STUB_VERDICT,
// $STUB_EXIT and $STUB_SIGNED for json); and exits $STUB_EXIT.
const stubVouch = `#!/bin/sh
if [ "$1" = version ]; then echo "vouch stub"; exit 0; fi
printf '%s\n' "$@" > "$STUB_LOG"
prev=
for a in "$@"; do
	if [ "$prev" = --output ]; then
		case "$a" in
		json=*)
			signed=
			if [ -n "${STUB_SIGNED:-}" ]; then signed="{\"image\":\"i\",\"ref\":\"$STUB_SIGNED\"}"; fi
			printf '{"verdict":"%s","exitCode":%s,"signed":[%s]}\n' "${STUB_VERDICT:-passed}" "${STUB_EXIT:-0}" "$signed" > "${a#json=}" ;;
		*) echo '{}' > "${a#*=}" ;;
		esac
	fi
	prev=$a
done
exit "${STUB_EXIT:-0}"
`

// release writes vouch_<version>_linux_amd64.tar.gz holding the stub under
// dir/v<version>/ and returns the archive's sha256.
func release(t *testing.T, dir, version string) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: "vouch", Mode: 0o755, Size: int64(len(stubVouch)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(stubVouch))
	tw.Close()
	gz.Close()
	p := filepath.Join(dir, "v"+version, "vouch_"+version+"_linux_amd64.tar.gz")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

// recorded is what the stub vouch was run with, or nil if it never ran.
func recorded(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func sameArgs(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("vouch ran with\n  %q\nwant\n  %q", got, want)
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

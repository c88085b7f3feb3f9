package hook

import (
	"fmt"
	"strings"
)

// Script is the pre-push hook that runs command (vouch). It reads the
// push's standard input once, feeds it to the chained hook (which runs
// first and can refuse the push by itself) and then to `vouch hook run`.
func Script(command string) []byte {
	if command == "" {
		command = "vouch"
	}
	return fmt.Appendf(nil, `#!/bin/sh
%s
# Installed by 'vouch hook install'; 'vouch hook uninstall' removes it and
# puts back the hook it chained, if any. It lints what a push changes and
# refuses the push when the gate fails (exit 1) or cannot decide (exit 2).
# Skip it once with 'git push --no-verify'.
vouch=%s
if [ ! -x "$vouch" ]; then vouch=vouch; fi
hooks=$(dirname -- "$0")
input=$(cat)
feed() { if [ -n "$input" ]; then printf '%%s\n' "$input"; fi; }
if [ -x "$hooks/%s" ]; then
	feed | "$hooks/%s" "$@" || exit $?
fi
feed | "$vouch" hook run "$@"
`, marker, shellQuote(command), ChainedName, ChainedName)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

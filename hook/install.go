// Package hook installs, removes and runs vouch's git pre-push hook.
//
// The hook is a short shell script in the repository's hooks directory
// (core.hooksPath when set). An existing pre-push hook is kept: it is
// renamed to pre-push.vouch-chained and run first, with the same arguments
// and standard input; Uninstall renames it back. The script calls
// `vouch hook run`, which lints what the push changes (Run).
package hook

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const (
	// Name is the git hook vouch installs.
	Name = "pre-push"
	// ChainedName is what an existing pre-push hook is renamed to; vouch's
	// hook runs it before linting.
	ChainedName = "pre-push.vouch-chained"
	// marker identifies a hook vouch wrote.
	marker = "# vouch-hook v1"
)

// ErrNotInstalled is returned by Uninstall when there is no vouch hook.
var ErrNotInstalled = errors.New("no vouch pre-push hook is installed")

// InstallOptions say where to install and what the hook runs.
type InstallOptions struct {
	// Dir is any directory in the work tree; empty means the current one.
	Dir string
	// Command is the vouch executable the hook runs, best as an absolute
	// path. When that file is gone at push time the hook runs `vouch` from
	// PATH. Empty means `vouch` from PATH.
	Command string
}

// Installed says what Install did.
type Installed struct {
	// Path is the hook's path.
	Path string
	// Chained is the path the existing hook was moved to, when there was
	// one (now or at an earlier install); empty otherwise.
	Chained string
	// Changed is false when the same hook was installed already.
	Changed bool
}

// Install writes vouch's pre-push hook. It is idempotent: installing again
// rewrites the hook only when the command changed. A hook that is not
// vouch's is renamed to ChainedName and run first.
func Install(opts InstallOptions) (Installed, error) {
	dir, err := HooksDir(opts.Dir)
	if err != nil {
		return Installed{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Installed{}, fmt.Errorf("create the hooks directory: %w", err)
	}
	path, chained := filepath.Join(dir, Name), filepath.Join(dir, ChainedName)
	out := Installed{Path: path}
	want := Script(opts.Command)
	have, ours, err := readHook(path)
	if err != nil {
		return out, err
	}
	if exists(chained) {
		out.Chained = chained
	}
	switch {
	case ours && bytes.Equal(have, want):
		return out, nil
	case have != nil && !ours:
		if out.Chained != "" {
			return out, fmt.Errorf("%s is not vouch's hook and %s exists already: move one of them away, then install again", path, chained)
		}
		if err := os.Rename(path, chained); err != nil {
			return out, fmt.Errorf("keep the existing hook: %w", err)
		}
		out.Chained = chained
	}
	if err := writeExecutable(path, want); err != nil {
		return out, err
	}
	out.Changed = true
	return out, nil
}

// Uninstalled says what Uninstall did.
type Uninstalled struct {
	// Path is the hook's path.
	Path string
	// Restored is true when the chained hook was moved back to Path.
	Restored bool
}

// Uninstall removes vouch's pre-push hook and moves a chained hook back,
// as it was (content, mode and time). A pre-push hook that is not vouch's
// is left alone and reported as an error.
func Uninstall(dir string) (Uninstalled, error) {
	hooks, err := HooksDir(dir)
	if err != nil {
		return Uninstalled{}, err
	}
	path, chained := filepath.Join(hooks, Name), filepath.Join(hooks, ChainedName)
	out := Uninstalled{Path: path}
	have, ours, err := readHook(path)
	if err != nil {
		return out, err
	}
	if !ours {
		if have != nil {
			return out, fmt.Errorf("%s was not written by vouch; left it as it is", path)
		}
		return out, ErrNotInstalled
	}
	if err := os.Remove(path); err != nil {
		return out, fmt.Errorf("remove the hook: %w", err)
	}
	if exists(chained) {
		if err := os.Rename(chained, path); err != nil {
			return out, fmt.Errorf("restore %s: %w", chained, err)
		}
		out.Restored = true
	}
	return out, nil
}

// HooksDir is the directory git runs hooks from for the work tree holding
// dir: core.hooksPath when it is set, else the repository's hooks
// directory (shared by every worktree).
func HooksDir(dir string) (string, error) {
	out, err := git(dir, "rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return "", fmt.Errorf("find the hooks directory (is %s in a git repository?): %w", orDot(dir), err)
	}
	return filepath.Clean(strings.TrimSpace(out)), nil
}

// readHook returns the hook's content (nil when there is none) and
// whether vouch wrote it. A symbolic link is another tool's hook: it is
// not followed.
func readHook(path string) (content []byte, ours bool, err error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !st.Mode().IsRegular() {
		return []byte{}, false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("read the existing hook: %w", err)
	}
	return b, bytes.Contains(b, []byte("\n"+marker+"\n")), nil
}

// writeExecutable replaces path atomically with an executable file.
func writeExecutable(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pre-push.vouch-*")
	if err != nil {
		return fmt.Errorf("write the hook: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write the hook: %w", err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return fmt.Errorf("write the hook: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write the hook: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write the hook: %w", err)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func orDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

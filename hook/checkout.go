package hook

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
)

// checkout returns a directory holding the tree of commit sha: the work
// tree itself when HEAD is sha and no tracked file differs from it, else a
// temporary copy (removed by cleanup).
func checkout(ctx context.Context, repo, sha string) (dir string, cleanup func(), err error) {
	head, err := git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err == nil && strings.TrimSpace(head) == sha && gitOK(repo, "diff", "--quiet", sha, "--") {
		return repo, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "vouch-push-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	if err := archive(ctx, repo, sha, tmp); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("copy the tree of %s: %w", sha, err)
	}
	return tmp, cleanup, nil
}

// archive writes the tree of sha into dir with git archive. Every write
// goes through an os.Root, so no entry can land outside dir.
func archive(ctx context.Context, repo, sha, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	cmd := exec.CommandContext(ctx, "git", "archive", "--format=tar", sha)
	cmd.Dir = repo
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	extractErr := extract(tar.NewReader(out), root)
	if extractErr != nil {
		io.Copy(io.Discard, out)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive: %s", strings.TrimSpace(stderr.String()+" "+err.Error()))
	}
	return extractErr
}

func extract(tr *tar.Reader, root *os.Root) error {
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		if name == "." || name == "pax_global_header" {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = root.MkdirAll(name, 0o755)
		case tar.TypeSymlink:
			err = root.Symlink(h.Linkname, name)
		case tar.TypeReg:
			err = writeEntry(root, name, os.FileMode(h.Mode).Perm(), tr)
		}
		if err != nil {
			return err
		}
	}
}

func writeEntry(root *os.Root, name string, mode os.FileMode, r io.Reader) error {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

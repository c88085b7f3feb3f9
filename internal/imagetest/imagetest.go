// Package imagetest builds image fixtures in Go with go-containerregistry:
// an Alpine 3.19 root whose apk database lists chosen package versions, a
// package-lock.json, a Go binary built against chosen module versions, and
// the image made of them.
package imagetest

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Files is one layer: path in the image (no leading slash) → content.
// A path ending in "*" is written executable (the star is dropped).
type Files map[string][]byte

// Pkg is a package name and version.
type Pkg struct{ Name, Version string }

// Image builds a linux/amd64 image with one layer per Files.
func Image(layers ...Files) (v1.Image, error) {
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		Architecture: "amd64", OS: "linux",
		Config:  v1.Config{Cmd: []string{"/usr/local/bin/app"}},
		RootFS:  v1.RootFS{Type: "layers"},
		Created: v1.Time{Time: time.Unix(1700000000, 0).UTC()},
	})
	if err != nil {
		return nil, err
	}
	for _, files := range layers {
		b, err := Tar(files)
		if err != nil {
			return nil, err
		}
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			return nil, err
		}
		if img, err = mutate.AppendLayers(img, l); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// Tar writes files as a tar, directories included, in a stable order.
func Tar(files Files) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	dirs := map[string]bool{}
	mtime := time.Unix(1700000000, 0)
	for _, n := range names {
		path := strings.TrimSuffix(n, "*")
		for d := filepath.Dir(path); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		if err := tw.WriteHeader(&tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime}); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		mode := int64(0o644)
		path := n
		if strings.HasSuffix(n, "*") {
			path, mode = strings.TrimSuffix(n, "*"), 0o755
		}
		b := files[n]
		if err := tw.WriteHeader(&tar.Header{Name: path, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(b)), ModTime: mtime}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(b); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// AlpineRoot is an Alpine 3.19 root: release files and an apk database
// listing pkgs, each its own origin (source) package.
func AlpineRoot(pkgs []Pkg) Files {
	var db strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&db, "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:%s\nV:%s\nA:x86_64\nS:100000\nI:200000\nT:%s fixture\nU:https://alpinelinux.org\nL:MIT\no:%s\nm:vouch\nt:1700000000\nc:0000000000000000000000000000000000000000\n\n",
			p.Name, p.Version, p.Name, p.Name)
	}
	return Files{
		"etc/alpine-release": []byte("3.19.1\n"),
		"etc/os-release": []byte(`NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
`),
		"lib/apk/db/installed": []byte(db.String()),
	}
}

// PackageLock is a package-lock.json (lockfileVersion 3) whose top-level
// dependencies are pkgs.
func PackageLock(pkgs []Pkg) []byte {
	deps := map[string]string{}
	packages := map[string]any{}
	for _, p := range pkgs {
		deps[p.Name] = p.Version
		packages["node_modules/"+p.Name] = map[string]string{
			"version":  p.Version,
			"resolved": fmt.Sprintf("https://registry.npmjs.org/%s/-/%s-%s.tgz", p.Name, p.Name, p.Version),
		}
	}
	packages[""] = map[string]any{"name": "app", "version": "1.0.0", "dependencies": deps}
	b, _ := json.MarshalIndent(map[string]any{
		"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": packages,
	}, "", "  ")
	return b
}

// Module is a Go module version and one of its packages to import.
type Module struct{ Path, Version, Import string }

// GoBinary builds a linux/amd64 Go program that links the given modules
// at exactly their versions, fetching them through the module proxy. dir
// is a scratch directory.
func GoBinary(dir string, mods []Module) ([]byte, error) {
	var gomod, main strings.Builder
	gomod.WriteString("module example.com/vouchfixture\n\ngo 1.22\n\nrequire (\n")
	main.WriteString("package main\n\nimport (\n")
	for _, m := range mods {
		fmt.Fprintf(&gomod, "\t%s %s\n", m.Path, m.Version)
		fmt.Fprintf(&main, "\t_ %q\n", m.Import)
	}
	gomod.WriteString(")\n")
	main.WriteString(")\n\nfunc main() {}\n")
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod.String()), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main.String()), 0o644); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-trimpath", "-ldflags=-s -w", "-o", "app", "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return os.ReadFile(filepath.Join(dir, "app"))
}

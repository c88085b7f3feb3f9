package composelint

import (
	"context"
	"errors"
	"io/fs"
	"sort"
	"strings"

	"github.com/vouch-dev/vouch/dockerlint"
	"github.com/vouch-dev/vouch/finding"
)

// dockerfile is one Dockerfile a service builds, with the stage it builds.
type dockerfile struct {
	path, target string
}

// dockerfiles lists the local Dockerfiles the project's services build,
// each (file, target) once. Inline Dockerfiles and remote build contexts
// are left out: there is no local file to point findings at.
func dockerfiles(p *loaded) []dockerfile {
	seen := map[dockerfile]bool{}
	var out []dockerfile
	for _, name := range p.project.ServiceNames() {
		b := p.project.Services[name].Build
		if b == nil || b.DockerfileInline != "" || remote(b.Context) {
			continue
		}
		ctxDir := absIn(p.projectDir, b.Context)
		file := b.Dockerfile
		if file == "" {
			file = "Dockerfile"
		}
		d := dockerfile{path: absIn(ctxDir, file), target: b.Target}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].target < out[j].target
	})
	return out
}

// cause strips the path from a file error: the result names the file.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func remote(ref string) bool {
	return strings.Contains(ref, "://") || strings.HasPrefix(ref, "git@") || strings.HasPrefix(ref, "github.com/")
}

// lintDockerfiles lints every Dockerfile the services build, one result
// each. A Dockerfile that cannot be read or linted is a result with Error:
// the gate cannot decide on it, but the compose findings stand.
func lintDockerfiles(ctx context.Context, p *loaded, opts Options) []finding.Result {
	var out []finding.Result
	for _, d := range dockerfiles(p) {
		if ctx.Err() != nil {
			break
		}
		rel := p.src.displayPath(d.path)
		cfg := dockerlint.Config{Target: d.target, Disable: opts.Disable}
		src, err := readGuarded(d.path, limits{maxFileSize: dockerlint.DefaultMaxSize})
		if err != nil {
			out = append(out, finding.Result{
				Target: finding.Target{Kind: finding.KindDockerfile, Name: rel},
				Rules:  dockerlint.Rules(),
				Error:  oneLine(cause(err).Error()),
			})
			continue
		}
		res, _ := dockerlint.Lint(rel, src, cfg) // an error is in res.Error
		out = append(out, res)
	}
	return out
}

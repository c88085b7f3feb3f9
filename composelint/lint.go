// Package composelint checks a Docker Compose project for the controls that
// contain a container: a non-root user, dropped capabilities, a read-only
// root filesystem, no-new-privileges, no host sockets, paths or namespaces,
// resource limits, no published admin ports, no secrets in the file.
//
// It lints the model `docker compose` runs, as compose-go builds it:
// override files merged, `extends` and `include` followed, variables
// interpolated from the environment and `.env`. Every finding still points
// at the file and line where the offending value is written, in whichever
// file that is, or at the service when a setting is missing.
//
// The package reads only local files and never the process environment:
// callers pass the environment to interpolate with.
package composelint

import (
	"context"
	"errors"
	"sort"

	"github.com/vouch-dev/vouch/finding"
)

// Options say which project to lint and how.
type Options struct {
	// Files are the compose files, merged in order. When empty they are
	// found as `docker compose` finds them: COMPOSE_FILE from Env, else
	// compose.yaml (and friends) with its override file, in ProjectDir or
	// the nearest parent directory that has one.
	Files []string
	// ProjectDir is the project directory, against which relative paths
	// resolve. Empty: the directory of the first file (or the current
	// directory, for discovery).
	ProjectDir string
	// Root is the directory finding paths are relative to. Empty: the
	// repository root above the project directory (the nearest directory
	// holding .git), or the project directory.
	Root string
	// Env is the environment to interpolate with, as KEY=VALUE. Pass
	// os.Environ() to behave like `docker compose`; variables set here win
	// over those of env files.
	Env []string
	// EnvFiles are the env files to read, relative to the current
	// directory. Empty: .env in the project directory, if there is one.
	EnvFiles []string
	// Profiles narrow the services linted to those with no profile or one
	// of these. Empty: every service, whatever its profiles.
	Profiles []string
	// Disable lists rules (ids, names or aliases) whose findings are
	// reported as suppressed.
	Disable []string
	// MaxFileSize and MaxNodes bound what one file may cost; zero means
	// DefaultMaxFileSize and DefaultMaxNodes.
	MaxFileSize int64
	MaxNodes    int64
	// Dockerfiles also lints the Dockerfile of every service with `build:`.
	Dockerfiles bool
}

// ErrNoComposeFile is returned when discovery finds no compose file.
var ErrNoComposeFile = errors.New("no compose file found (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)")

// Lint loads the project and runs every rule on every service. The first
// result is the compose project's; with Options.Dockerfiles one result
// follows for each Dockerfile a service builds.
//
// A project that cannot be loaded returns an error (a *LoadError, or
// ErrNoComposeFile) in one line, and a result whose Error says the same.
// A Dockerfile that cannot be linted only sets its own result's Error.
func Lint(ctx context.Context, opts Options) ([]finding.Result, error) {
	res := finding.Result{Target: finding.Target{Kind: finding.KindCompose}, Rules: Rules(), Findings: []finding.Finding{}}
	p, err := load(ctx, opts)
	if p != nil {
		res.Target.Name = p.target
	}
	if err != nil {
		res.Error = resultError(err, res.Target.Name)
		return []finding.Result{res}, err
	}
	l := &linter{opts: opts, src: p.src}
	names := p.project.ServiceNames()
	sort.Strings(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			res.Error = err.Error()
			return []finding.Result{res}, err
		}
		s := &service{name: name, cfg: p.project.Services[name], src: p.src}
		for _, r := range rules {
			for _, is := range r.check(s) {
				res.Findings = append(res.Findings, l.finding(r.Rule, s.name, is))
			}
		}
	}
	sortFindings(res.Findings)
	results := []finding.Result{res}
	if opts.Dockerfiles {
		results = append(results, lintDockerfiles(ctx, p, opts)...)
	}
	return results, nil
}

// resultError is err for Result.Error, which writers print after the
// target's name: the file is not repeated when it is the target.
func resultError(err error, target string) string {
	var le *LoadError
	if errors.As(err, &le) && le.File == target {
		return oneLine(le.Err.Error())
	}
	return oneLine(err.Error())
}

// linter turns issues into findings.
type linter struct {
	opts Options
	src  *sources
}

func (l *linter) finding(r finding.Rule, svc string, is issue) finding.Finding {
	st, _ := l.src.locate(svc, is.path, is.match)
	f := finding.Finding{
		RuleID:   r.ID,
		Category: r.Category,
		Severity: max(r.Severity, is.severity),
		Title:    r.Title,
		Message:  "service " + svc + ": " + is.message,
		HelpURL:  r.HelpURL(),
		Location: finding.Location{Logical: "service " + svc},
	}
	path := ""
	if st.def.file != nil {
		path = st.def.file.rel
		n := st.line()
		f.Location.Path = path
		f.Location.StartLine, f.Location.EndLine = n, n
		f.Location.StartColumn = st.column()
		f.Location.Snippet = redactLine(st.def.file.line(n))
	}
	f.Fingerprint = finding.Fingerprint(r.ID, path, svc, is.key)
	f.Suppression = l.suppression(r, st, svc)
	return f
}

func sortFindings(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Location, fs[j].Location
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return fs[i].RuleID < fs[j].RuleID
	})
}

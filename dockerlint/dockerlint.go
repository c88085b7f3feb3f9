// Package dockerlint is a stage-aware Dockerfile security linter built on
// BuildKit's own Dockerfile parser.
//
// It models a Dockerfile the way BuildKit builds it: global ARGs and their
// defaults, stages and the stages they are built from, ARG and ENV expansion
// with BuildKit's shell lexer, the effective user of each stage and the final
// stage (the last one, or Config.Target). Findings use the shared
// finding model.
//
// Which stages a rule looks at follows from what ends up where:
//
//   - Rules about instructions (RUN, COPY, ADD, ENV, ARG, FROM) look at every
//     stage, or, with a target, at the stages BuildKit builds for it (the
//     target and what it is built FROM or copies and mounts from).
//   - Rules about the image (USER, HEALTHCHECK, CMD, ENTRYPOINT, EXPOSE) and
//     about what a layer leaves behind (apt lists, apk cache, recommended
//     packages) look at the final stage and the stages it is built FROM:
//     a builder stage's user or caches do not ship.
//
// A variable whose value the linter cannot know (an ARG without a default,
// a build argument) is never guessed: a rule that needs its value stays
// silent.
package dockerlint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/vouch-dev/vouch/finding"
)

// DefaultMaxSize is the size limit used when Config.MaxSize is zero.
const DefaultMaxSize = 1 << 20

// Config says how to lint. The zero value lints every rule against the last
// stage with the default size limit.
type Config struct {
	// Target names the stage that is built (docker build --target). Empty
	// means the last stage. A name that is not a stage is an error.
	Target string
	// Disable lists rules, by id, name or alias, whose findings are kept
	// but marked suppressed by config.
	Disable []string
	// MaxSize is the largest file accepted, in bytes; 0 means
	// DefaultMaxSize.
	MaxSize int64
}

// Validate reports a Disable entry that names no Dockerfile rule. Lint
// itself ignores such entries: a shared disable list also names other
// linters' rules.
func (c Config) Validate() error {
	for _, d := range c.Disable {
		if lookupRule(d) == nil {
			return fmt.Errorf("disable: %q names no Dockerfile rule (see vouch rules)", d)
		}
	}
	if c.MaxSize < 0 {
		return fmt.Errorf("max size %d is negative", c.MaxSize)
	}
	return nil
}

func (c Config) maxSize() int64 {
	if c.MaxSize > 0 {
		return c.MaxSize
	}
	return DefaultMaxSize
}

// Causes of InputError, for errors.Is.
var (
	ErrEmpty         = errors.New("file is empty")
	ErrBinary        = errors.New("file is binary, not a Dockerfile")
	ErrInvalidUTF8   = errors.New("file is not valid UTF-8")
	ErrTooLarge      = errors.New("file is larger than the size limit")
	ErrNoFrom        = errors.New("no FROM instruction")
	ErrUnknownTarget = errors.New("unknown target stage")
	ErrParse         = errors.New("parse error")
	// errInternal is a recovered panic: a bug, which the fuzz test hunts.
	errInternal = errors.New("internal error")
)

// InputError says why a file could not be linted. Its message is one line
// naming the file and the cause.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string {
	return e.Path + ": " + strings.ReplaceAll(e.Err.Error(), "\n", " ")
}

func (e *InputError) Unwrap() error { return e.Err }

func inputErr(path string, cause error, format string, args ...any) error {
	if format == "" {
		return &InputError{Path: path, Err: cause}
	}
	return &InputError{Path: path, Err: fmt.Errorf("%w: "+format, append([]any{cause}, args...)...)}
}

// LintFile reads the file at path (at most cfg's size limit) and lints it.
// The returned result carries the error too, in Result.Error.
func LintFile(path string, cfg Config) (finding.Result, error) {
	src, err := readLimited(path, cfg.maxSize())
	if err != nil {
		return errResult(path, err), err
	}
	return Lint(path, src, cfg)
}

func readLimited(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &InputError{Path: path, Err: unwrapPathError(err)}
	}
	defer fh.Close()
	src, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, &InputError{Path: path, Err: err}
	}
	return src, nil
}

// errResult is the result of a file that could not be linted. Its Error is
// the cause in one line; writers put the file name in front.
func errResult(path string, err error) finding.Result {
	msg := err.Error()
	var ie *InputError
	if errors.As(err, &ie) && ie.Path == path {
		msg = strings.ReplaceAll(ie.Err.Error(), "\n", " ")
	}
	return finding.Result{
		Target: finding.Target{Kind: finding.KindDockerfile, Name: path},
		Rules:  ruleMeta,
		Error:  msg,
	}
}

// Lint checks the Dockerfile src, read from path (used in findings and
// errors only). A file that cannot be linted (empty, binary, not UTF-8,
// too large, not parseable, without FROM, unknown target) yields an
// *InputError, also recorded in Result.Error. Lint never panics.
func Lint(path string, src []byte, cfg Config) (res finding.Result, err error) {
	defer func() {
		// BuildKit's parser is not ours; a panic in it must not take the
		// run down with it.
		if p := recover(); p != nil {
			err = inputErr(path, errInternal, "%v", p)
			res = errResult(path, err)
		}
	}()
	if err := checkInput(path, src, cfg.maxSize()); err != nil {
		return errResult(path, err), err
	}
	f, err := parseFile(path, src, cfg.Target)
	if err != nil {
		return errResult(path, err), err
	}
	findings := run(f, cfg)
	return finding.Result{
		Target:   finding.Target{Kind: finding.KindDockerfile, Name: path},
		Findings: findings,
		Rules:    ruleMeta,
	}, nil
}

var bom = []byte("\xef\xbb\xbf")

func checkInput(path string, src []byte, limit int64) error {
	switch {
	case int64(len(src)) > limit:
		return inputErr(path, ErrTooLarge, "over %d bytes", limit)
	case len(bytes.TrimSpace(bytes.TrimPrefix(src, bom))) == 0:
		return inputErr(path, ErrEmpty, "")
	case bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0:
		return inputErr(path, ErrBinary, "")
	case !utf8.Valid(src):
		return inputErr(path, ErrInvalidUTF8, "")
	}
	return nil
}

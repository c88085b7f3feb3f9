package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Exit codes, the contract documented in the README and docs/exit-codes.md.
const (
	exitPassed = 0 // nothing at or above the threshold
	exitFailed = 1 // a finding at or above the threshold
	exitError  = 2 // could not decide: usage, config, parse, registry, database or scan error
)

// verdictError carries a verdict out of a command that completed: the
// reports are written, only the exit code is left to set.
type verdictError struct{ verdict finding.Verdict }

func (e *verdictError) Error() string { return "verdict: " + e.verdict.String() }

// usageError marks a bad invocation; it exits 2 like every other error.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

// run executes the CLI and maps its outcome to an exit code, in one place.
// Nothing but a completed verdict ever exits 0 or 1.
func run(args []string) int {
	return runWith(context.Background(), args, os.Stdin, os.Stdout, os.Stderr)
}

func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitPassed
	}
	var v *verdictError
	if errors.As(err, &v) {
		return v.verdict.ExitCode()
	}
	fmt.Fprintf(stderr, "vouch: %s\n", oneLine(err.Error()))
	return exitError
}

// oneLine folds an error onto a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/vouch-dev/vouch/internal/testutil"
)

// TestMain lets testscript run the vouch CLI in-process: a script's
// "exec vouch …" calls run() in a child of the test binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vouch": func() { os.Exit(run(os.Args[1:])) },
	})
}

// TestScripts runs testdata/script/*.txtar: end-to-end tests of the CLI,
// with its exit codes and its reports.
func TestScripts(t *testing.T) {
	repo, shared := testutil.RepoRoot(t), testutil.SharedDir(t)
	multitool = testutil.ToolPath("Sarif.Multitool", "VOUCH_SARIF_MULTITOOL")
	if multitool == "" && os.Getenv("CI") != "" {
		t.Fatal("Sarif.Multitool not found (set VOUCH_SARIF_MULTITOOL); make test installs it")
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Reports carry a fixed clock; no colour, no CI detection.
			env.Setenv("SOURCE_DATE_EPOCH", "1796378400")
			env.Setenv("NO_COLOR", "1")
			env.Setenv("GITHUB_ACTIONS", "")
			env.Setenv("GOEXPERIMENT", "jsonv2")
			env.Setenv("REPO", repo)
			env.Setenv("SHARED", shared)
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exec-code":     execCode,
			"validate-json": validateJSON,
			"sarif-valid":   sarifValid,
		},
	})
}

// execCode runs a command and asserts its exact exit code:
//
//	exec-code 2 vouch lint dockerfile missing
//
// The exit-code contract (0 passed, 1 failed, 2 error) is too important
// for testscript's "! exec", which accepts any non-zero code.
func execCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exec-code CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exec-code: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exec-code: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// validateJSON checks a file against a JSON Schema:
//
//	validate-json $REPO/docs/schemas/report.schema.json report.json
func validateJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: validate-json SCHEMA FILE")
	}
	err := testutil.CheckJSON(ts.MkAbs(args[0]), []byte(ts.ReadFile(args[1])))
	checkNeg(ts, neg, err)
}

// multitool is the SARIF Multitool, or "" when it is not installed (then
// sarif-valid only logs; under CI its absence fails TestScripts).
var multitool string

// sarifValid runs the SARIF Multitool's Gh;Sarif rules over a file: zero
// results, errors or warnings.
func sarifValid(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sarif-valid FILE")
	}
	if multitool == "" {
		ts.Logf("sarif-valid: Sarif.Multitool not installed; not checked")
		return
	}
	checkNeg(ts, neg, testutil.CheckSARIF(multitool, []byte(ts.ReadFile(args[0]))))
}

func checkNeg(ts *testscript.TestScript, neg bool, err error) {
	switch {
	case neg && err == nil:
		ts.Fatalf("unexpectedly valid")
	case !neg && err != nil:
		ts.Fatalf("%v", err)
	}
}

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/vouch-dev/vouch/internal/imagetest"
	"github.com/vouch-dev/vouch/internal/registrytest"
	"github.com/vouch-dev/vouch/internal/testutil"
	"github.com/vouch-dev/vouch/internal/trivydbtest"
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
		// [ci] holds under CI, where a script must not skip for a missing
		// tool: "[!exec:docker-registry] [!ci] skip".
		Condition: func(cond string) (bool, error) {
			if cond == "ci" {
				return os.Getenv("CI") != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exec-code":     execCode,
			"validate-json": validateJSON,
			"sarif-valid":   sarifValid,
			"registry":      startRegistry,
			"push-image":    pushImage,
			"push-fixture":  pushFixture,
			"trivy-db":      pushTrivyDB,
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

// startRegistry starts Debian's docker-registry on loopback with TLS and
// htpasswd for the rest of the script, and points vouch at it the way a
// user's machine would: DOCKER_CONFIG holds the credentials, SSL_CERT_FILE
// trusts its CA. $REGISTRY is its host:port, $REGISTRY_CA its CA file.
func startRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: registry")
	}
	// Scripts guard with [!exec:docker-registry] skip; under CI the
	// guard is off (see Condition) and a missing registry fails here.
	if _, err := exec.LookPath(registrytest.Binary); err != nil {
		ts.Fatalf("%s is not installed (apt-get install docker-registry)", registrytest.Binary)
	}
	dir := ts.MkAbs(".registry")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		ts.Fatalf("%v", err)
	}
	r, err := registrytest.New(dir, registrytest.Options{})
	if err != nil {
		ts.Fatalf("start registry: %v", err)
	}
	ts.Defer(r.Close)
	docker := ts.MkAbs(".docker")
	if err := r.WriteDockerConfig(docker); err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Setenv("REGISTRY", r.Host)
	ts.Setenv("REGISTRY_CA", r.CAFile)
	ts.Setenv("DOCKER_CONFIG", docker)
	ts.Setenv("SSL_CERT_FILE", r.CAFile)
	scriptRegistries.Store(ts, r)
	ts.Defer(func() { scriptRegistries.Delete(ts) })
}

// scriptRegistries are the registries scripts started, for push-image.
var scriptRegistries sync.Map // *testscript.TestScript -> *registrytest.Registry

// pushImage pushes a small random image to REF (on the script's registry)
// and sets the variable VAR to it by digest:
//
//	push-image APP $REGISTRY/shop/app:1
func pushImage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: push-image VAR REF")
	}
	img, err := random.Image(256, 2)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	push(ts, args[0], args[1], img)
}

// push writes img to ref on the script's registry and sets the variable
// name to it by digest.
func push(ts *testscript.TestScript, variable, refStr string, img v1.Image) {
	v, ok := scriptRegistries.Load(ts)
	if !ok {
		ts.Fatalf("no registry; run the registry command first")
	}
	r := v.(*registrytest.Registry)
	ref, err := name.ParseReference(refStr)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	auth := &authn.Basic{Username: r.Username, Password: r.Password}
	if err := remote.Write(ref, img, remote.WithTransport(r.Transport()), remote.WithAuth(auth)); err != nil {
		ts.Fatalf("push %s: %v", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Setenv(variable, ref.Context().String()+"@"+d.String())
}

// pushFixture pushes an Alpine 3.19 image whose apk database and
// package-lock.json hold the given packages (from the shared advisories'
// fixtures), and sets VAR to it by digest:
//
//	push-fixture VULN $REGISTRY/shop/api:2 apk:zlib@1.3-r2 npm:lodash@4.17.11
func pushFixture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: push-fixture VAR REF [apk:NAME@VERSION|npm:NAME@VERSION]...")
	}
	var apk, npm []imagetest.Pkg
	for _, a := range args[2:] {
		kind, pv, _ := strings.Cut(a, ":")
		n, ver, ok := strings.Cut(pv, "@")
		if !ok {
			ts.Fatalf("push-fixture: %q is not KIND:NAME@VERSION", a)
		}
		switch kind {
		case "apk":
			apk = append(apk, imagetest.Pkg{Name: n, Version: ver})
		case "npm":
			npm = append(npm, imagetest.Pkg{Name: n, Version: ver})
		default:
			ts.Fatalf("push-fixture: unknown kind %q", kind)
		}
	}
	layers := []imagetest.Files{imagetest.AlpineRoot(apk)}
	if len(npm) > 0 {
		layers = append(layers, imagetest.Files{"app/package-lock.json": imagetest.PackageLock(npm)})
	}
	img, err := imagetest.Image(layers...)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	push(ts, args[0], args[1], img)
}

// pushTrivyDB builds the test vulnerability database from the shared
// advisories and pushes it to the script's registry as Trivy publishes it;
// $DB_REPO names it. "trivy-db -age 240h" builds one that old.
func pushTrivyDB(ts *testscript.TestScript, neg bool, args []string) {
	age := time.Duration(0)
	if len(args) == 2 && args[0] == "-age" {
		d, err := time.ParseDuration(args[1])
		if err != nil {
			ts.Fatalf("trivy-db: %v", err)
		}
		age = d
	} else if neg || len(args) != 0 {
		ts.Fatalf("usage: trivy-db [-age DURATION]")
	}
	v, ok := scriptRegistries.Load(ts)
	if !ok {
		ts.Fatalf("no registry; run the registry command first")
	}
	r := v.(*registrytest.Registry)
	data, err := trivydbtest.Load(ts.Getenv("SHARED"))
	if err != nil {
		ts.Fatalf("%v", err)
	}
	dir := ts.MkAbs(".trivydb")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		ts.Fatalf("%v", err)
	}
	if err := trivydbtest.Build(data, dir, time.Now().Add(-age)); err != nil {
		ts.Fatalf("build trivy-db: %v", err)
	}
	ref := r.Host + "/vouch/trivy-db:2"
	auth := &authn.Basic{Username: r.Username, Password: r.Password}
	if _, err := trivydbtest.Push(dir, ref, auth, r.Transport()); err != nil {
		ts.Fatalf("push trivy-db: %v", err)
	}
	ts.Setenv("DB_REPO", ref)
}

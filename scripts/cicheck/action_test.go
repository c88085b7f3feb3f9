package cicheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func loadAction(t *testing.T) *Action {
	t.Helper()
	a, err := LoadAction(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestActionMetadata checks what GitHub requires of action.yml and what
// vouch promises of it: composite, documented inputs and outputs, outputs
// that name real steps, third-party actions pinned by commit SHA, and no
// expression inside a script.
func TestActionMetadata(t *testing.T) {
	a := loadAction(t)
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml lacks name, description or composite steps: %+v", a)
	}
	ids := map[string]bool{}
	for i, st := range a.Runs.Steps {
		if st.ID != "" {
			ids[st.ID] = true
		}
		if (st.Uses == "") == (st.Run == "") {
			t.Errorf("step %d: exactly one of uses and run", i)
		}
		if st.Uses != "" && !Pinned(st.Uses) {
			t.Errorf("step %d: %s is not pinned by commit SHA", i, st.Uses)
		}
		if st.Run != "" && (st.Shell == "" || strings.Contains(st.Run, "${{")) {
			t.Errorf("step %d: a run step needs a shell and no expression in its script", i)
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" || (in.Default == nil && !in.Required) {
			t.Errorf("input %s needs a description and a default", name)
		}
	}
	ref := regexp.MustCompile(`^\$\{\{ steps\.([a-z-]+)\.outputs\.[a-z-]+ \}\}$`)
	for _, name := range []string{"verdict", "exit-code", "sarif", "report", "signed-digest"} {
		out, ok := a.Outputs[name]
		if !ok {
			t.Errorf("output %s is missing", name)
			continue
		}
		m := ref.FindStringSubmatch(out.Value)
		if out.Description == "" || m == nil || !ids[m[1]] {
			t.Errorf("output %s: %q does not name a step's output", name, out.Value)
		}
	}
}

type actionRun struct {
	t         *testing.T
	a         *Action
	ctx       *Context
	env       []string
	workspace string
	log       string
	releases  string
}

// newActionRun lays out a runner: the action's scripts in an action path
// whose pinned checksums record release 1.2.3, that release under a file://
// URL, a workspace, and a stub vouch inside the release.
func newActionRun(t *testing.T, pinned bool) *actionRun {
	t.Helper()
	if _, err := exec.LookPath("jq"); err != nil {
		if os.Getenv("VOUCH_INTEGRATIONS") != "" {
			t.Fatal("jq is not installed; .ci/integrations.sh installs it")
		}
		t.Skip("jq is not installed (GitHub's runners have it)")
	}
	tmp := t.TempDir()
	r := &actionRun{t: t, a: loadAction(t), workspace: filepath.Join(tmp, "ws"), log: filepath.Join(tmp, "vouch.args"), releases: filepath.Join(tmp, "releases")}
	actionPath := filepath.Join(tmp, "action")
	for _, s := range []string{"action-install.sh", "action-gate.sh"} {
		b, err := os.ReadFile(filepath.Join(repoRoot, "scripts", s))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(actionPath, "scripts", s), string(b), 0o755)
	}
	sum := release(t, r.releases, "1.2.3")
	checksums := "# test\n"
	if pinned {
		checksums += sum + "  vouch_1.2.3_linux_amd64.tar.gz\n" + strings.Repeat("0", 64) + "  vouch_1.2.3_darwin_arm64.tar.gz\n"
	}
	writeFile(t, filepath.Join(actionPath, "scripts", "release-checksums.txt"), checksums, 0o644)
	runnerTemp := filepath.Join(tmp, "runner")
	for _, d := range []string{r.workspace, runnerTemp, filepath.Join(tmp, "home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inputs := map[string]string{}
	for name, in := range r.a.Inputs {
		if in.Default != nil {
			inputs[name] = *in.Default
		}
	}
	r.ctx = &Context{
		Inputs: inputs,
		Vars:   map[string]string{"github.action_path": actionPath, "runner.temp": runnerTemp, "runner.os": "Linux"},
		Steps:  map[string]map[string]string{},
	}
	r.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(tmp, "home"),
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_TEMP=" + runnerTemp, "GITHUB_ACTIONS=true",
		"VOUCH_RELEASE_URL=file://" + r.releases, "STUB_LOG=" + r.log,
	}
	return r
}

func (r *actionRun) run(env ...string) []StepResult {
	r.t.Helper()
	res, err := RunSteps(r.a, r.ctx, append(r.env, env...), r.workspace)
	if err != nil {
		r.t.Fatal(err)
	}
	return res
}

func (r *actionRun) output(name string) string {
	r.t.Helper()
	v, err := r.ctx.Eval(r.a.Outputs[name].Value)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

func TestActionMapsInputsToGateFlags(t *testing.T) {
	r := newActionRun(t, true)
	for k, v := range map[string]string{
		"paths": "deploy\n  svc/compose.yaml  \n\nsrc dir", "config": "policy.yaml",
		"images": "reg.example/app@sha256:1111\nreg.example/db:16\n", "fail-on": "medium",
		"baseline": ".vouch-baseline.json", "sign": "keyless", "sarif": "out.sarif",
		"outputs": "junit=vouch.xml\nmarkdown=summary.md", "args": "--verbose\n--no-fs-scan",
	} {
		r.ctx.Inputs[k] = v
	}
	res := r.run("STUB_EXIT=1", "STUB_VERDICT=failed", "STUB_SIGNED=reg.example/app@sha256:1111")
	if len(res) != 2 || res[0].Code != 0 {
		t.Fatalf("install: %+v", res)
	}
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(res[0].Outputs["day"]) || res[0].Outputs["cache-dir"] == "" {
		t.Errorf("install outputs: %v", res[0].Outputs)
	}
	if res[1].Code != 1 {
		t.Fatalf("gate step exited %d, want the gate's 1:\n%s", res[1].Code, res[1].Output)
	}
	report := filepath.Join(r.ctx.Vars["runner.temp"], "vouch-report.json")
	sameArgs(t, recorded(t, r.log), []string{"gate",
		"--config", "policy.yaml", "--image", "reg.example/app@sha256:1111", "--image", "reg.example/db:16",
		"--fail-on", "medium", "--cache-dir", res[0].Outputs["cache-dir"], "--baseline", ".vouch-baseline.json", "--sign",
		"--output", "json=" + report, "--output", "sarif=out.sarif", "--output", "junit=vouch.xml", "--output", "markdown=summary.md",
		"--verbose", "--no-fs-scan", "--", "deploy", "svc/compose.yaml", "src dir"})
	for name, want := range map[string]string{
		"verdict": "failed", "exit-code": "1", "sarif": filepath.Join(r.workspace, "out.sarif"), "report": report,
		"signed-digest": "reg.example/app@sha256:1111",
	} {
		if got := r.output(name); got != want {
			t.Errorf("output %s = %q, want %q", name, got, want)
		}
	}
}

func TestActionLintOnlyDefaults(t *testing.T) {
	r := newActionRun(t, true)
	r.ctx.Inputs["lint-only"] = "true"
	r.ctx.Inputs["working-directory"] = "app"
	if err := os.MkdirAll(filepath.Join(r.workspace, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := r.run()
	if len(res) != 2 || res[1].Code != 0 {
		t.Fatalf("steps: %+v", res)
	}
	report := filepath.Join(r.ctx.Vars["runner.temp"], "vouch-report.json")
	sameArgs(t, recorded(t, r.log), []string{"gate", "--lint-only", "--output", "json=" + report, "--output", "sarif=vouch.sarif"})
	if r.output("verdict") != "passed" || r.output("signed-digest") != "" {
		t.Errorf("outputs: verdict %q signed %q", r.output("verdict"), r.output("signed-digest"))
	}
	// The SARIF path holds outside the working directory (upload-sarif
	// reads it from the workspace).
	if got, want := r.output("sarif"), filepath.Join(r.workspace, "app", "vouch.sarif"); got != want {
		t.Errorf("sarif output %q, want %q", got, want)
	}
}

func TestActionRefusesABinaryWithAnotherChecksum(t *testing.T) {
	r := newActionRun(t, true)
	r.ctx.Inputs["version"] = "v1.2.3"
	r.ctx.Inputs["checksum"] = strings.Repeat("ab", 32)
	res := r.run()
	if len(res) != 1 || res[0].Code != 2 || !strings.Contains(res[0].Output, "refusing to run it") {
		t.Fatalf("install of a mismatched archive: %+v", res)
	}
	if recorded(t, r.log) != nil {
		t.Error("vouch ran although its checksum did not match")
	}
}

func TestActionNeedsAPinnedRelease(t *testing.T) {
	r := newActionRun(t, false)
	res := r.run()
	if len(res) != 1 || res[0].Code != 2 || !strings.Contains(res[0].Output, "no vouch release is pinned") {
		t.Fatalf("install without a pinned release: %+v", res)
	}
	// With a version and a checksum given, it installs.
	r = newActionRun(t, false)
	r.ctx.Inputs["version"] = "1.2.3"
	r.ctx.Inputs["checksum"] = release(t, r.releases, "1.2.3")
	if res := r.run(); len(res) != 2 || res[1].Code != 0 {
		t.Fatalf("install with version and checksum inputs: %+v", res)
	}
}

func TestActionRejectsBadInputs(t *testing.T) {
	for _, tt := range []struct{ input, value, msg string }{
		{"sign", "key", "sign: key needs the key input"},
		{"sign", "yes", "sign is 'yes'"},
		{"lint-only", "maybe", "lint-only is 'maybe'"},
		{"outputs", "junit", "is not FORMAT=PATH"},
	} {
		r := newActionRun(t, true)
		r.ctx.Inputs[tt.input] = tt.value
		res := r.run()
		if len(res) != 2 || res[1].Code != 2 || !strings.Contains(res[1].Output, tt.msg) || res[1].Outputs["verdict"] != "error" {
			t.Errorf("%s=%s: %+v", tt.input, tt.value, res)
		}
		if recorded(t, r.log) != nil {
			t.Errorf("%s=%s: vouch ran", tt.input, tt.value)
		}
	}
}

// TestExampleWorkflowsPinThirdPartyActions: every action the examples use,
// but vouch itself (whose commit users pick), is pinned by commit SHA.
func TestExampleWorkflowsPinThirdPartyActions(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "ci", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no example workflows in docs/ci")
	}
	uses := regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(\S+)(\s+#\s*\S+)?`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			if strings.HasPrefix(m[1], "vouch-dev/vouch@") {
				continue
			}
			if !Pinned(m[1]) || m[2] == "" {
				t.Errorf("%s: %s is not pinned by commit SHA with the version in a comment", filepath.Base(f), m[1])
			}
		}
	}
}

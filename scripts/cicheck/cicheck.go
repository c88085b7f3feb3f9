// Package cicheck runs vouch's CI integrations the way their hosts would,
// without the hosts: the GitHub Action's run steps under bash with its
// expressions evaluated from stub inputs, and the GitLab template's job
// script under sh with its variables. A stub vouch records the arguments
// it got, so the tests can assert how inputs map to `vouch gate` flags.
package cicheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Action is the part of action.yml the checks read.
type Action struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Inputs      map[string]Input  `yaml:"inputs"`
	Outputs     map[string]Output `yaml:"outputs"`
	Runs        struct {
		Using string `yaml:"using"`
		Steps []Step `yaml:"steps"`
	} `yaml:"runs"`
}

// Input is an action input.
type Input struct {
	Description string  `yaml:"description"`
	Default     *string `yaml:"default"`
	Required    bool    `yaml:"required"`
}

// Output is an action output.
type Output struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

// Step is a composite action step.
type Step struct {
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
	WorkingDirectory string            `yaml:"working-directory"`
}

// LoadAction reads an action.yml.
func LoadAction(path string) (*Action, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a Action
	if err := yaml.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &a, nil
}

var (
	exprRE   = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	pinnedRE = regexp.MustCompile(`^[^@]+@[0-9a-f]{40}$`)
)

// Pinned reports whether a `uses:` value names a full commit SHA (or is a
// local action).
func Pinned(uses string) bool {
	return strings.HasPrefix(uses, "./") || pinnedRE.MatchString(uses)
}

// Context is what the action's expressions may read.
type Context struct {
	Inputs map[string]string
	Vars   map[string]string // github.*, runner.*
	Steps  map[string]map[string]string
}

// Eval expands every ${{ }} in s. Only plain references are supported:
// inputs.NAME (declared ones), steps.ID.outputs.NAME (of steps that ran),
// and the names in Vars; anything else is an error, so a typo fails.
func (c *Context) Eval(s string) (string, error) {
	var errs []string
	out := exprRE.ReplaceAllStringFunc(s, func(m string) string {
		ref := exprRE.FindStringSubmatch(m)[1]
		v, err := c.lookup(ref)
		if err != nil {
			errs = append(errs, err.Error())
		}
		return v
	})
	if len(errs) > 0 {
		return "", fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

func (c *Context) lookup(ref string) (string, error) {
	switch {
	case strings.HasPrefix(ref, "inputs."):
		v, ok := c.Inputs[strings.TrimPrefix(ref, "inputs.")]
		if !ok {
			return "", fmt.Errorf("%s is not a declared input", ref)
		}
		return v, nil
	case strings.HasPrefix(ref, "steps."):
		parts := strings.Split(ref, ".")
		if len(parts) != 4 || parts[2] != "outputs" {
			return "", fmt.Errorf("%s: want steps.ID.outputs.NAME", ref)
		}
		outs, ok := c.Steps[parts[1]]
		if !ok {
			return "", fmt.Errorf("%s: no step %q has run", ref, parts[1])
		}
		return outs[parts[3]], nil
	}
	if v, ok := c.Vars[ref]; ok {
		return v, nil
	}
	return "", fmt.Errorf("expression %q is not supported by the check", ref)
}

// StepResult is one run step's outcome.
type StepResult struct {
	ID      string
	Code    int
	Outputs map[string]string
	Output  string // stdout and stderr
}

// RunSteps runs the action's run steps in order under bash, as a runner
// would: env and working-directory evaluated, GITHUB_OUTPUT and
// GITHUB_PATH files given, outputs collected. Steps with `uses:` are not
// run, but their `with:` must evaluate. It stops at the first step that
// fails, as a composite action does.
func RunSteps(a *Action, ctx *Context, baseEnv []string, workspace string) ([]StepResult, error) {
	var results []StepResult
	pathFile := filepath.Join(ctx.Vars["runner.temp"], "github_path")
	for i, st := range a.Runs.Steps {
		if st.Uses != "" {
			for k, v := range st.With {
				if _, err := ctx.Eval(v); err != nil {
					return results, fmt.Errorf("step %d (%s) with.%s: %w", i, st.Uses, k, err)
				}
			}
			continue
		}
		res, err := runStep(st, ctx, baseEnv, workspace, pathFile, i)
		if err != nil {
			return results, err
		}
		results = append(results, res)
		if st.ID != "" {
			ctx.Steps[st.ID] = res.Outputs
		}
		if res.Code != 0 {
			break
		}
	}
	return results, nil
}

func runStep(st Step, ctx *Context, baseEnv []string, workspace, pathFile string, i int) (StepResult, error) {
	res := StepResult{ID: st.ID}
	if strings.Contains(st.Run, "${{") {
		return res, fmt.Errorf("step %d: run: holds an expression; pass it through env:", i)
	}
	if st.Shell != "bash" {
		return res, fmt.Errorf("step %d: shell is %q, want bash", i, st.Shell)
	}
	outFile := filepath.Join(ctx.Vars["runner.temp"], fmt.Sprintf("github_output_%d", i))
	if err := os.WriteFile(outFile, nil, 0o644); err != nil {
		return res, err
	}
	env := append([]string{}, baseEnv...)
	if b, err := os.ReadFile(pathFile); err == nil {
		for _, p := range strings.Fields(string(b)) {
			env = append(env, "PATH="+p+":"+lookupEnv(env, "PATH"))
		}
	}
	env = append(env, "GITHUB_OUTPUT="+outFile, "GITHUB_PATH="+pathFile)
	for k, v := range st.Env {
		ev, err := ctx.Eval(v)
		if err != nil {
			return res, fmt.Errorf("step %d env.%s: %w", i, k, err)
		}
		env = append(env, k+"="+ev)
	}
	dir := workspace
	if st.WorkingDirectory != "" {
		wd, err := ctx.Eval(st.WorkingDirectory)
		if err != nil {
			return res, fmt.Errorf("step %d working-directory: %w", i, err)
		}
		dir = filepath.Join(workspace, wd)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", st.Run)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	res.Output = out.String()
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		return res, err
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		return res, err
	}
	res.Outputs = ParseOutputs(string(b))
	return res, nil
}

// ParseOutputs reads a GITHUB_OUTPUT file of name=value lines.
func ParseOutputs(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// lookupEnv is the last value of key in env.
func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

package cicheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"gopkg.in/yaml.v3"
)

// GitLabJob is the part of a GitLab CI job the checks read.
type GitLabJob struct {
	Extends      string            `yaml:"extends"`
	Image        string            `yaml:"image"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	IDTokens     map[string]struct {
		Aud string `yaml:"aud"`
	} `yaml:"id_tokens"`
	Cache struct {
		Key   string   `yaml:"key"`
		Paths []string `yaml:"paths"`
	} `yaml:"cache"`
	Artifacts struct {
		When    string            `yaml:"when"`
		Paths   []string          `yaml:"paths"`
		Reports map[string]string `yaml:"reports"`
	} `yaml:"artifacts"`
}

// GitLabTemplate is a CI file: global variables and jobs.
type GitLabTemplate struct {
	Variables map[string]string
	Jobs      map[string]GitLabJob
}

// LoadGitLab reads a CI file and resolves each job's single `extends:`.
func LoadGitLab(path string) (*GitLabTemplate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &GitLabTemplate{Jobs: map[string]GitLabJob{}}
	for name, node := range raw {
		if name == "variables" {
			if err := node.Decode(&t.Variables); err != nil {
				return nil, fmt.Errorf("%s: variables: %w", path, err)
			}
			continue
		}
		var j GitLabJob
		if err := node.Decode(&j); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, name, err)
		}
		t.Jobs[name] = j
	}
	for name, j := range t.Jobs {
		if j.Extends == "" {
			continue
		}
		base, ok := t.Jobs[j.Extends]
		if !ok {
			return nil, fmt.Errorf("%s: %s extends %s, which is not defined", path, name, j.Extends)
		}
		t.Jobs[name] = merge(base, j)
	}
	return t, nil
}

// merge is `extends:` for the keys the checks read: the job's own win.
func merge(base, j GitLabJob) GitLabJob {
	out := base
	if j.Image != "" {
		out.Image = j.Image
	}
	if j.Script != nil {
		out.Script = j.Script
	}
	if j.BeforeScript != nil {
		out.BeforeScript = j.BeforeScript
	}
	if j.Artifacts.Reports != nil {
		out.Artifacts = j.Artifacts
	}
	if len(j.Variables) > 0 {
		out.Variables = map[string]string{}
		for k, v := range base.Variables {
			out.Variables[k] = v
		}
		for k, v := range j.Variables {
			out.Variables[k] = v
		}
	}
	return out
}

// RunJob runs a job's before_script and script in one sh -e, as GitLab's
// shell does, with the template's variables (overridden by vars, then
// expanded once against the predefined ones, as GitLab expands variables
// that name others). It returns the exit code and the output.
func (t *GitLabTemplate) RunJob(name string, predefined, vars map[string]string, baseEnv []string, dir string) (int, string, error) {
	j, ok := t.Jobs[name]
	if !ok {
		return 0, "", fmt.Errorf("no job %s", name)
	}
	all := map[string]string{}
	for k, v := range predefined {
		all[k] = v
	}
	merged := map[string]string{}
	for _, src := range []map[string]string{t.Variables, j.Variables, vars} {
		for k, v := range src {
			merged[k] = v
		}
	}
	env := append([]string{}, baseEnv...)
	for k, v := range predefined {
		env = append(env, k+"="+v)
	}
	for k, v := range merged {
		env = append(env, k+"="+os.Expand(v, func(n string) string { return all[n] }))
	}
	script := strings.Join(append(append([]string{}, j.BeforeScript...), j.Script...), "\n")
	cmd := exec.Command("sh", "-e", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), nil
	}
	return 0, out.String(), err
}

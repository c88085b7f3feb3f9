package cicheck

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadTemplate(t *testing.T) *GitLabTemplate {
	t.Helper()
	tpl, err := LoadGitLab(filepath.Join(repoRoot, "templates", "vouch.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// TestGitLabTemplateShape checks the job GitLab will read: a digest-pinned
// image, the id token keyless signing needs, the database cache, and the
// three reports published even when the gate fails.
func TestGitLabTemplateShape(t *testing.T) {
	j, ok := loadTemplate(t).Jobs["vouch"]
	if !ok {
		t.Fatal("no vouch job")
	}
	if !strings.Contains(j.Image, "@sha256:") {
		t.Errorf("image %q is not pinned by digest", j.Image)
	}
	if tok, ok := j.IDTokens["SIGSTORE_ID_TOKEN"]; !ok || tok.Aud != "sigstore" {
		t.Errorf("id_tokens: %+v, want SIGSTORE_ID_TOKEN with aud sigstore", j.IDTokens)
	}
	if len(j.Cache.Paths) != 1 || j.Cache.Paths[0] != ".vouch-cache/" {
		t.Errorf("cache: %+v", j.Cache)
	}
	for _, r := range []string{"container_scanning", "codequality", "junit"} {
		if j.Artifacts.Reports[r] == "" {
			t.Errorf("artifacts:reports lacks %s", r)
		}
	}
	if j.Artifacts.When != "always" {
		t.Errorf("artifacts are published when %q, want always", j.Artifacts.When)
	}
}

type gitlabRun struct {
	t          *testing.T
	tpl        *GitLabTemplate
	dir, log   string
	predefined map[string]string
	env        []string
	sum        string
}

// newGitLabRun lays out a job: a project directory, release 1.2.3 behind a
// stub wget (the only download), and GitLab's predefined variables.
func newGitLabRun(t *testing.T) *gitlabRun {
	t.Helper()
	tmp := t.TempDir()
	r := &gitlabRun{t: t, tpl: loadTemplate(t), dir: filepath.Join(tmp, "project"), log: filepath.Join(tmp, "vouch.args")}
	releases, bin := filepath.Join(tmp, "releases"), filepath.Join(tmp, "bin")
	r.sum = release(t, releases, "1.2.3")
	writeFile(t, filepath.Join(bin, "wget"), `#!/bin/sh
# wget -q -O OUT URL, served from $STUB_RELEASES by the URL's last two parts.
while [ $# -gt 1 ]; do case "$1" in -O) out=$2; shift 2 ;; *) shift ;; esac; done
echo "$1" > "$STUB_RELEASES/url"
rel=${1#"$STUB_RELEASE_URL"/}
cp "$STUB_RELEASES/$rel" "$out"
`, 0o755)
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.predefined = map[string]string{
		"CI_PROJECT_DIR": r.dir, "CI_REGISTRY": "registry.example.com", "CI_REGISTRY_IMAGE": "registry.example.com/g/p",
		"CI_COMMIT_SHA": "0123abcd", "CI_REGISTRY_USER": "gitlab-ci-token", "CI_REGISTRY_PASSWORD": "job-token",
		"CI_JOB_NAME_SLUG": "vouch", "HOME": filepath.Join(tmp, "home"),
	}
	r.env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "STUB_LOG=" + r.log, "STUB_RELEASES=" + releases, "STUB_RELEASE_URL=https://releases.example"}
	return r
}

func (r *gitlabRun) run(vars map[string]string, env ...string) (int, string) {
	r.t.Helper()
	all := map[string]string{"VOUCH_VERSION": "v1.2.3", "VOUCH_SHA256": r.sum, "VOUCH_RELEASE_URL": "https://releases.example"}
	for k, v := range vars {
		all[k] = v
	}
	code, out, err := r.tpl.RunJob("vouch", r.predefined, all, append(r.env, env...), r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	return code, out
}

var reportOutputs = []string{
	"--output", "gitlab-container-scanning=gl-container-scanning-report.json",
	"--output", "gitlab-codequality=gl-code-quality-report.json",
	"--output", "junit=vouch-junit.xml",
	"--output", "json=vouch-report.json",
}

func TestGitLabJobGatesThePipelinesImage(t *testing.T) {
	r := newGitLabRun(t)
	code, out := r.run(nil)
	if code != 0 {
		t.Fatalf("job exited %d:\n%s", code, out)
	}
	sameArgs(t, recorded(t, r.log), append(append([]string{"gate"}, reportOutputs...),
		"--image", "registry.example.com/g/p:0123abcd", "--cache-dir", filepath.Join(r.dir, ".vouch-cache")))
	// Every report GitLab reads is one vouch wrote.
	j := r.tpl.Jobs["vouch"]
	for kind, path := range j.Artifacts.Reports {
		if _, err := os.Stat(filepath.Join(r.dir, path)); err != nil {
			t.Errorf("artifacts:reports:%s names %s, which the job did not write", kind, path)
		}
	}
	b, err := os.ReadFile(filepath.Join(r.predefined["HOME"], ".docker", "config.json"))
	auth := base64.StdEncoding.EncodeToString([]byte("gitlab-ci-token:job-token"))
	if err != nil || !strings.Contains(string(b), `"registry.example.com":{"auth":"`+auth+`"}`) {
		t.Errorf("registry credentials: %s, %v", b, err)
	}
	url, _ := os.ReadFile(filepath.Join(r.env[2][len("STUB_RELEASES="):], "url"))
	if got := strings.TrimSpace(string(url)); got != "https://releases.example/v1.2.3/vouch_1.2.3_linux_amd64.tar.gz" {
		t.Errorf("downloaded %s", got)
	}
}

func TestGitLabJobVariables(t *testing.T) {
	r := newGitLabRun(t)
	code, out := r.run(map[string]string{
		"VOUCH_SIGN": "true", "VOUCH_FAIL_ON": "medium", "VOUCH_CONFIG": "ci/vouch.yaml",
		"VOUCH_ARGS": "--verbose --no-fs-scan", "VOUCH_IMAGE": "registry.example.com/g/p@sha256:feed",
	}, "STUB_EXIT=1", "STUB_VERDICT=failed")
	if code != 1 {
		t.Fatalf("job exited %d, want the gate's 1:\n%s", code, out)
	}
	sameArgs(t, recorded(t, r.log), append(append([]string{"gate"}, reportOutputs...),
		"--image", "registry.example.com/g/p@sha256:feed", "--cache-dir", filepath.Join(r.dir, ".vouch-cache"), "--sign",
		"--fail-on", "medium", "--config", "ci/vouch.yaml", "--verbose", "--no-fs-scan"))

	r = newGitLabRun(t)
	if code, out := r.run(map[string]string{"VOUCH_LINT_ONLY": "true", "VOUCH_SIGN": "true"}); code != 0 {
		t.Fatalf("lint-only job exited %d:\n%s", code, out)
	}
	sameArgs(t, recorded(t, r.log), append(append([]string{"gate"}, reportOutputs...), "--lint-only"))
}

func TestGitLabJobRefusesUnpinnedOrWrongBinary(t *testing.T) {
	r := newGitLabRun(t)
	code, out := r.run(map[string]string{"VOUCH_SHA256": strings.Repeat("ab", 32)})
	if code == 0 || recorded(t, r.log) != nil {
		t.Errorf("a mismatched archive ran (exit %d):\n%s", code, out)
	}
	r = newGitLabRun(t)
	code, out = r.run(map[string]string{"VOUCH_SHA256": ""})
	if code != 2 || !strings.Contains(out, "set VOUCH_VERSION and VOUCH_SHA256") || recorded(t, r.log) != nil {
		t.Errorf("no checksum: exit %d:\n%s", code, out)
	}
}

package composelint

import (
	"path/filepath"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func TestDiscover(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"compose.yaml":                       "services:\n  a:\n    image: x:1\n",
		"compose.override.yaml":              "services:\n  a:\n    privileged: true\n",
		"docker-compose.yml":                 "services:\n  b:\n    image: x:1\n",
		"sub/deeper/x.txt":                   "",
		"legacy/docker-compose.yml":          "services:\n  c:\n    image: x:1\n",
		"legacy/docker-compose.override.yml": "services:\n  c:\n    user: root\n",
		"other/ci.yaml":                      "services:\n  d:\n    image: x:1\n",
	})
	cases := []struct {
		name    string
		opts    Options
		files   []string
		project string
	}{
		{"compose.yaml wins, with its override", Options{ProjectDir: dir}, []string{"compose.yaml", "compose.override.yaml"}, "."},
		{"found in a parent, project dir as given", Options{ProjectDir: filepath.Join(dir, "sub", "deeper")},
			[]string{"compose.yaml", "compose.override.yaml"}, "sub/deeper"},
		{"legacy names", Options{ProjectDir: filepath.Join(dir, "legacy")},
			[]string{"legacy/docker-compose.yml", "legacy/docker-compose.override.yml"}, "legacy"},
		{"COMPOSE_FILE", Options{ProjectDir: dir, Env: []string{"COMPOSE_FILE=" + filepath.Join(dir, "other", "ci.yaml") + ":" + filepath.Join(dir, "compose.override.yaml")}},
			[]string{"other/ci.yaml", "compose.override.yaml"}, "."},
		{"-f wins over COMPOSE_FILE", Options{Files: []string{filepath.Join(dir, "other", "ci.yaml")}, Env: []string{"COMPOSE_FILE=nope.yaml"}},
			[]string{"other/ci.yaml"}, "other"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files, project, err := discover(tc.opts, types.NewMapping(tc.opts.Env))
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, f := range files {
				r, _ := filepath.Rel(dir, f)
				rel = append(rel, filepath.ToSlash(r))
			}
			p, _ := filepath.Rel(dir, project)
			if len(rel) != len(tc.files) || filepath.ToSlash(p) != tc.project {
				t.Fatalf("files %v, project %s; want %v, %s", rel, p, tc.files, tc.project)
			}
			for i := range rel {
				if rel[i] != tc.files[i] {
					t.Errorf("files %v, want %v", rel, tc.files)
				}
			}
		})
	}
}

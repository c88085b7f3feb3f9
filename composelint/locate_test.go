package composelint

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vouch-dev/vouch/finding"
)

// at is where a rule must (or must not) fire in a case.
type want struct {
	rule, service string
	path          string // "" in notWant
	line          int
}

// TestLocations checks that findings on the merged model land on the file
// and line that write the offending value: override files, extends from
// another file, anchors and merge keys, interpolation from .env, include,
// profiles, !reset and files given explicitly.
func TestLocations(t *testing.T) {
	cases := []struct {
		name    string
		opts    Options
		want    []want
		notWant []want
	}{
		{
			name: "override",
			want: []want{
				{"VCH-DC-001", "api", "compose.override.yaml", 3}, // user "0:0" in the override
				{"VCH-DC-003", "api", "compose.override.yaml", 6}, // NET_ADMIN added by the override
				{"VCH-DC-003", "api", "compose.yaml", 7},          // SYS_PTRACE from the base, merged
				{"VCH-DC-012", "api", "compose.yaml", 2},          // missing: the service in the base
			},
			notWant: []want{{rule: "VCH-DC-004", service: "api"}}, // read_only: the override hardens it
		},
		{
			name: "extends",
			want: []want{
				{"VCH-DC-011", "web", "lib/common.yml", 7},
				{"VCH-DC-008", "web", "lib/common.yml", 9},
				{"VCH-DC-012", "web", "compose.yaml", 2},
				{"VCH-DC-006", "worker", "compose.yaml", 10},
				{"VCH-DC-011", "worker", "lib/common.yml", 7},
			},
			notWant: []want{
				{rule: "VCH-DC-001", service: "web"}, {rule: "VCH-DC-001", service: "worker"},
				{rule: "VCH-DC-002", service: "web"}, {rule: "VCH-DC-004", service: "worker"},
				{rule: "VCH-DC-005", service: "web"}, {rule: "VCH-DC-006", service: "web"},
			},
		},
		{
			name: "anchors",
			want: []want{
				{"VCH-DC-001", "one", "compose.yaml", 2},
				{"VCH-DC-003", "one", "compose.yaml", 4},
				{"VCH-DC-014", "one", "compose.yaml", 7},
				{"VCH-DC-003", "two", "compose.yaml", 4},
				{"VCH-DC-014", "two", "compose.yaml", 13},
			},
			notWant: []want{{rule: "VCH-DC-012", service: "one"}, {rule: "VCH-DC-001", service: "two"}},
		},
		{
			name: "interp",
			want: []want{
				{"VCH-DC-017", "app", "compose.yaml", 3},
				{"VCH-DC-001", "app", "compose.yaml", 4},
				{"VCH-DC-015", "app", "compose.yaml", 6},
				{"VCH-DC-001", "fallback", "compose.yaml", 9},
				{"VCH-DC-016", "fallback", "compose.yaml", 13},
			},
		},
		{
			name: "interp-env-wins",
			opts: Options{Env: []string{"APP_USER=1000", "BIND=127.0.0.1", "DB_PASSWORD=from-the-shell", "API_KEY=from-the-shell"}},
			want: []want{{"VCH-DC-016", "fallback", "compose.yaml", 13}},
			notWant: []want{
				{rule: "VCH-DC-001", service: "app"}, {rule: "VCH-DC-015", service: "app"},
			},
		},
		{
			name: "include",
			want: []want{
				{"VCH-DC-010", "back", "sub/compose.yaml", 4}, // pid: ${MODE}, MODE=host in sub/.env
				{"VCH-DC-006", "back", "sub/compose.yaml", 5},
				{"VCH-DC-012", "front", "compose.yaml", 4},
			},
			notWant: []want{{rule: "VCH-DC-006", service: "front"}},
		},
		{
			name: "profiles",
			want: []want{{"VCH-DC-006", "debug", "compose.yaml", 7}},
		},
		{
			name:    "profiles-narrowed",
			opts:    Options{Profiles: []string{"prod"}},
			want:    []want{{"VCH-DC-012", "app", "compose.yaml", 2}},
			notWant: []want{{rule: "VCH-DC-006", service: "debug"}, {rule: "VCH-DC-012", service: "debug"}},
		},
		{
			name:    "reset",
			want:    []want{{"VCH-DC-004", "app", "compose.yaml", 2}},
			notWant: []want{{rule: "VCH-DC-003", service: "app"}, {rule: "VCH-DC-010", service: "app"}},
		},
		{
			name: "files",
			want: []want{
				{"VCH-DC-015", "app", "base.yaml", 5},
				{"VCH-DC-015", "app", "deploy/prod.yaml", 4},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(testdataDir, "cases", tc.name)
			switch tc.name {
			case "interp-env-wins":
				dir = filepath.Join(testdataDir, "cases", "interp")
			case "profiles-narrowed":
				dir = filepath.Join(testdataDir, "cases", "profiles")
			case "files":
				tc.opts.Files = []string{filepath.Join(dir, "base.yaml"), filepath.Join(dir, "deploy", "prod.yaml")}
			}
			res := lintDir(t, dir, tc.opts)
			for _, w := range tc.want {
				if !hasFinding(res, w) {
					t.Errorf("no %s for service %s at %s:%d; got:\n%s", w.rule, w.service, w.path, w.line, dump(res))
				}
			}
			for _, w := range tc.notWant {
				if hasFinding(res, w) {
					t.Errorf("unexpected %s for service %s; got:\n%s", w.rule, w.service, dump(res))
				}
			}
		})
	}
}

func hasFinding(res finding.Result, w want) bool {
	for _, f := range res.Findings {
		if f.RuleID != w.rule || f.Location.Logical != "service "+w.service {
			continue
		}
		if w.path == "" || f.Location.Path == w.path && f.Location.StartLine == w.line {
			return true
		}
	}
	return false
}

func dump(res finding.Result) string {
	s := ""
	for _, f := range res.Findings {
		s += "  " + f.RuleID + " " + f.Location.Logical + " " + f.Location.Path + ":" + strconv.Itoa(f.Location.StartLine) + " " + f.Message + "\n"
	}
	return s
}

// TestDockerfiles checks that with Dockerfiles every Dockerfile a service
// builds is linted once, as a result of its own, with paths as the compose
// findings have them, and that one that cannot be read is an error result.
func TestDockerfiles(t *testing.T) {
	dir := filepath.Join(testdataDir, "cases", "dockerfiles")
	results, err := Lint(context.Background(), Options{ProjectDir: dir, Root: dir, Dockerfiles: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.Result{}
	for _, r := range results[1:] {
		if r.Target.Kind != finding.KindDockerfile {
			t.Errorf("result %s is a %s", r.Target.Name, r.Target.Kind)
		}
		got[r.Target.Name] = r
	}
	if len(results) != 4 || len(got) != 3 {
		t.Fatalf("want the compose result and 3 Dockerfiles (app once, api, missing), got %d: %v", len(results), got)
	}
	app := got["app/Dockerfile"]
	if app.Error != "" || len(app.Findings) == 0 {
		t.Errorf("app/Dockerfile: error %q, %d findings", app.Error, len(app.Findings))
	}
	for _, f := range app.Findings {
		if f.Location.Path != "app/Dockerfile" || f.Category != finding.CategoryDockerfile {
			t.Errorf("finding %s at %q, category %s", f.RuleID, f.Location.Path, f.Category)
		}
	}
	if r := got["api.Dockerfile"]; r.Error != "" {
		t.Errorf("api.Dockerfile: %s", r.Error)
	}
	if r := got["missing/Dockerfile"]; r.Error == "" {
		t.Errorf("missing/Dockerfile: no error")
	}
	without, err := Lint(context.Background(), Options{ProjectDir: dir, Root: dir})
	if err != nil || len(without) != 1 {
		t.Errorf("without Dockerfiles: %d results, %v", len(without), err)
	}
}

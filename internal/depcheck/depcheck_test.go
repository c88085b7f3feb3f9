// Package depcheck keeps the heavy dependencies at the edges: only scan,
// sign and cmd may link Trivy or cosign, so that the linters and the report
// writers build and test in seconds and start fast.
package depcheck

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/vouch-dev/vouch"

// forbidden are import path prefixes that light packages must not reach,
// directly or through another package.
var forbidden = []string{
	"github.com/aquasecurity/",
	"github.com/sigstore/",
	"github.com/spf13/cobra",
	"github.com/spf13/viper",
	"k8s.io/",
	"github.com/docker/cli",
}

// light are the packages that must stay light; a package that does not
// exist yet is skipped.
var light = []string{
	"finding", "report", "config", "dockerlint", "composelint", "gate", "internal/ruledoc", "hook",
}

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-f", "{{.ImportPath}}", pkg)
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "is not in std") || strings.Contains(string(out), "no Go files") ||
			strings.Contains(string(out), "cannot find package") || strings.Contains(string(out), "directory not found") {
			return nil
		}
		t.Fatalf("go list %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

func TestLightPackagesStayLight(t *testing.T) {
	for _, p := range light {
		pkg := module + "/" + p
		t.Run(p, func(t *testing.T) {
			all := deps(t, pkg)
			if all == nil {
				t.Skipf("%s does not exist yet", pkg)
			}
			for _, d := range all {
				for _, f := range forbidden {
					if strings.HasPrefix(d, f) {
						t.Errorf("%s depends on %s; only scan, sign and cmd may", pkg, d)
					}
				}
			}
		})
	}
}

// TestFindingHasNoProjectImports keeps the finding model at the bottom of
// the graph: every package may import it, it imports none of them.
func TestFindingHasNoProjectImports(t *testing.T) {
	for _, d := range deps(t, module+"/finding") {
		if strings.HasPrefix(d, module+"/") && d != module+"/finding" {
			t.Errorf("finding imports %s", d)
		}
	}
}

// TestOnlyEdgesImportHeavyPackages checks every project package: only
// scan, sign, cmd and their internal test helpers may reach Trivy or cosign.
func TestOnlyEdgesImportHeavyPackages(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...")
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := []string{"scan", "sign", "cmd/", "internal/trivydbtest", "internal/imagetest", "bench/"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module+"/")
		ok := false
		for _, a := range allowed {
			if pkg == strings.TrimSuffix(a, "/") || strings.HasPrefix(pkg, a) {
				ok = true
			}
		}
		if ok {
			continue
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "github.com/aquasecurity/") || strings.HasPrefix(imp, "github.com/sigstore/") {
				t.Errorf("%s imports %s; only scan, sign and cmd may", pkg, imp)
			}
		}
	}
}

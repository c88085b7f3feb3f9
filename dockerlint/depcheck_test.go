package dockerlint

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDepcheck keeps the library light: the standard library, BuildKit's
// Dockerfile packages and the finding model, nothing else (no Trivy, no
// cobra, no printing).
func TestDepcheck(t *testing.T) {
	allowed := []string{
		"github.com/moby/buildkit/frontend/dockerfile/parser",
		"github.com/moby/buildkit/frontend/dockerfile/instructions",
		"github.com/moby/buildkit/frontend/dockerfile/shell",
		"github.com/vouch-dev/vouch/finding",
	}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		test := strings.HasSuffix(name, "_test.go")
		af, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			ok := !strings.Contains(strings.Split(p, "/")[0], ".") || contains(allowed, p) ||
				test && (p == "github.com/vouch-dev/vouch/internal/ruledoc" || p == "github.com/vouch-dev/vouch/bench/dockerlint/corpus")
			if !ok {
				t.Errorf("%s imports %s", name, p)
			}
			if !test && (p == "os/exec" || p == "log") {
				t.Errorf("%s imports %s: the library does not print or run commands", name, p)
			}
		}
		if test {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"fmt.Print", "os.Stdout", "os.Stderr", "os.Exit", "panic("} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s uses %s: the library returns errors and never prints or exits", name, bad)
			}
		}
	}
}

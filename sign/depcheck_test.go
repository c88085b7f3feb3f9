package sign

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDepsStayLight keeps sign off cosign's CLI packages and key-ref
// plumbing (cobra options, Kubernetes, PKCS#11, GitLab and GitHub secret
// stores): vouch links sign, and every imported package's init runs at each
// start. The KMS providers are linked on purpose (kms_providers.go).
func TestDepsStayLight(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".")
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/sigstore/cosign/v2/cmd/",
		"github.com/sigstore/cosign/v2/pkg/signature",
		"github.com/sigstore/cosign/v2/pkg/cosign/kubernetes",
		"github.com/sigstore/cosign/v2/pkg/cosign/pkcs11key",
		"github.com/sigstore/cosign/v2/pkg/cosign/git",
		"k8s.io/client-go", "k8s.io/api",
	}
	for _, d := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(d, f+"/")) {
				t.Errorf("sign depends on %s", d)
			}
		}
	}
}

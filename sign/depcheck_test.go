package sign

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDepsStayLight keeps sign off cosign's CLI packages and key-ref
// plumbing, which link every cloud KMS SDK and the Kubernetes client: vouch
// links sign, and every imported package's init runs at each start.
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
		"github.com/sigstore/sigstore/pkg/signature/kms/aws",
		"github.com/sigstore/sigstore/pkg/signature/kms/gcp",
		"github.com/sigstore/sigstore/pkg/signature/kms/azure",
		"github.com/sigstore/sigstore/pkg/signature/kms/hashivault",
		"github.com/aws/", "cloud.google.com/", "github.com/Azure/", "github.com/hashicorp/vault/",
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

package registrytest

import (
	"net/http"
	"testing"
)

func TestStartRequiresAuthAndTLS(t *testing.T) {
	r := Start(t, Options{})
	client := &http.Client{Transport: r.Transport()}

	resp, err := client.Get(r.URL() + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous GET /v2/: status %d, want 401", resp.StatusCode)
	}

	req, _ := http.NewRequest(http.MethodGet, r.URL()+"/v2/", nil)
	req.SetBasicAuth(r.Username, r.Password)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authenticated GET /v2/: status %d, want 200", resp.StatusCode)
	}

	// A client that does not trust the test CA is refused.
	if _, err := http.Get(r.URL() + "/v2/"); err == nil {
		t.Fatal("GET with the system roots succeeded; want a TLS error")
	}
}

package scan_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// The database download draws Trivy's progress bar on standard error only
// when asked (the CLI asks on a terminal); otherwise it writes nothing there.
func TestDownloadProgress(t *testing.T) {
	e := newEnv(t)
	for _, show := range []bool{false, true} {
		opts := e.opts
		opts.CacheDir, opts.DownloadProgress = t.TempDir(), show
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string)
		go func() {
			b, _ := io.ReadAll(r)
			got <- string(b)
		}()
		stderr := os.Stderr
		os.Stderr = w
		_, err = newScanner(t, opts).FS(context.Background(), t.TempDir())
		os.Stderr = stderr
		w.Close()
		out := <-got
		if err != nil {
			t.Fatal(err)
		}
		if show && !strings.Contains(out, "100.00%") {
			t.Errorf("DownloadProgress: no finished progress bar on stderr: %q", out)
		}
		if !show && out != "" {
			t.Errorf("without DownloadProgress, stderr got %q", out)
		}
	}
}

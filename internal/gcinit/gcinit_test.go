package gcinit

import (
	"os"
	"runtime/debug"
	"strconv"
	"testing"
)

func TestOffUntilDone(t *testing.T) {
	// Nothing in this test binary has called Done: the collector is off.
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GC percent during init = %d, want -1 (off)", p)
	}
	want := 100
	if v := os.Getenv("GOGC"); v == "off" {
		want = -1
	} else if n, err := strconv.Atoi(v); err == nil {
		want = n
	}
	Done()
	if p := debug.SetGCPercent(want); p != want {
		t.Fatalf("GC percent after Done = %d, want %d (GOGC=%q)", p, want, os.Getenv("GOGC"))
	}
}

package hook

import (
	"strings"
	"testing"
)

func TestParseUpdates(t *testing.T) {
	const (
		a    = "1111111111111111111111111111111111111111"
		b    = "2222222222222222222222222222222222222222"
		zero = "0000000000000000000000000000000000000000"
	)
	tests := []struct {
		name, in        string
		want            int
		creates, delete bool
		err             string
	}{
		{name: "update", in: "refs/heads/main " + a + " refs/heads/main " + b + "\n", want: 1},
		{name: "create", in: "refs/heads/x " + a + " refs/heads/x " + zero + "\n", want: 1, creates: true},
		{name: "delete", in: "(delete) " + zero + " refs/heads/x " + b + "\n", want: 1, delete: true},
		{name: "sha256", in: "HEAD " + strings.Repeat("ab", 32) + " refs/heads/m " + strings.Repeat("0", 64), want: 1, creates: true},
		{name: "blank lines", in: "\n\nrefs/heads/a " + a + " refs/heads/a " + b + "\n\n", want: 1},
		{name: "empty", in: "", want: 0},
		{name: "three fields", in: "refs/heads/a " + a + " refs/heads/a\n", err: "line 1"},
		{name: "not a sha", in: "refs/heads/a xyz refs/heads/a " + b + "\n", err: "want '<local ref>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUpdates(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("got %d updates, %v", len(got), err)
			}
			if len(got) == 1 && (got[0].Creates() != tt.creates || got[0].Deletes() != tt.delete) {
				t.Errorf("creates %t deletes %t", got[0].Creates(), got[0].Deletes())
			}
		})
	}
}

// FuzzParseUpdates: any input parses or fails cleanly, and what parses
// has shas of a real length.
func FuzzParseUpdates(f *testing.F) {
	f.Add("refs/heads/main 1111111111111111111111111111111111111111 refs/heads/main 0000000000000000000000000000000000000000\n")
	f.Add("(delete) 0000000000000000000000000000000000000000 refs/heads/x 2222222222222222222222222222222222222222")
	f.Add("a b c d\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		ups, err := ParseUpdates(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, u := range ups {
			if !hexSHA(u.LocalSHA) || !hexSHA(u.RemoteSHA) || u.LocalRef == "" || u.RemoteRef == "" {
				t.Fatalf("parsed a bad update %+v from %q", u, in)
			}
		}
	})
}

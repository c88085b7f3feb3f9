package dockerlint

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vouch-dev/vouch/finding"
)

const pin = "@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a"

// hit is one expected finding: rule id, first and last line, stage.
type hit struct {
	id         string
	start, end int
	logical    string
}

func hits(res finding.Result, ids ...string) []hit {
	var out []hit
	for _, f := range res.Findings {
		if len(ids) == 0 || slices.Contains(ids, f.RuleID) {
			out = append(out, hit{f.RuleID, f.Location.StartLine, f.Location.EndLine, f.Location.Logical})
		}
	}
	return out
}

// TestSemantics covers parsing edge cases and the stage model through the
// findings they produce.
func TestSemantics(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		target string
		ids    []string
		want   []hit
	}{
		{
			name: "ARG default pinned passes the pin rules",
			src:  "ARG BASE=alpine:3.19" + pin + "\nFROM $BASE\n",
			ids:  []string{"VCH-DF-004", "VCH-DF-005", "VCH-DF-006"},
		},
		{
			name: "ARG default untagged is reported on FROM",
			src:  "ARG BASE=alpine\nFROM ${BASE} AS app\n",
			ids:  []string{"VCH-DF-004"},
			want: []hit{{"VCH-DF-004", 2, 2, "stage app"}},
		},
		{
			name: "ARG without default is a build argument: no pin finding",
			src:  "ARG BASE\nFROM $BASE\n",
			ids:  []string{"VCH-DF-004", "VCH-DF-005", "VCH-DF-006"},
		},
		{
			name: "a stage ARG is not visible to FROM",
			src:  "FROM alpine:3.20" + pin + " AS a\nARG IMG=debian\nFROM $IMG\n",
			ids:  []string{"VCH-DF-004"},
		},
		{
			name: "global ARG redeclared in a stage takes the default",
			src:  "ARG U=root\nFROM alpine:3.20" + pin + "\nARG U\nUSER $U\n",
			ids:  []string{"VCH-DF-001"},
			want: []hit{{"VCH-DF-001", 4, 4, "stage 0"}},
		},
		{
			name: "a default in the expansion is followed",
			src:  "ARG B\nARG A=${B:-alpine}\nFROM ${A}\n",
			ids:  []string{"VCH-DF-004"},
			want: []hit{{"VCH-DF-004", 3, 3, "stage 0"}},
		},
		{
			name: "an ENV from an unknown value is unknown",
			src:  "FROM alpine:3.20" + pin + "\nARG X\nENV U=${X}root\nUSER $U\n",
			ids:  []string{"VCH-DF-001", "VCH-DF-002"},
		},
		{
			name: "global ARG not redeclared is empty in the stage",
			src:  "ARG U=root\nFROM alpine:3.20" + pin + "\nUSER ${U:-app}\n",
			ids:  []string{"VCH-DF-001"},
		},
		{
			name: "ENV value is followed and wins over ARG",
			src:  "FROM alpine:3.20" + pin + "\nARG U=app\nENV U=0:0\nUSER $U\n",
			ids:  []string{"VCH-DF-001"},
			want: []hit{{"VCH-DF-001", 4, 4, "stage 0"}},
		},
		{
			name: "ENV is inherited by a stage built from a stage",
			src:  "FROM alpine:3.20" + pin + " AS base\nENV U=root\nFROM base\nUSER $U\n",
			ids:  []string{"VCH-DF-001"},
			want: []hit{{"VCH-DF-001", 4, 4, "stage 1"}},
		},
		{
			name: "USER root inherited from the base stage",
			src:  "FROM alpine:3.20" + pin + " AS base\nUSER root\nFROM base\nRUN true\n",
			ids:  []string{"VCH-DF-001", "VCH-DF-002"},
			want: []hit{{"VCH-DF-001", 2, 2, "stage 1 (set in stage base)"}},
		},
		{
			name: "an earlier stage's user does not count for an image stage",
			src:  "FROM alpine:3.20" + pin + " AS build\nUSER app\nFROM alpine:3.20" + pin + "\nRUN true\n",
			ids:  []string{"VCH-DF-001", "VCH-DF-002"},
			want: []hit{{"VCH-DF-002", 3, 3, "stage 1"}},
		},
		{
			name:   "target selects the final stage",
			src:    "FROM alpine:3.20" + pin + " AS dev\nUSER root\nFROM alpine:3.20" + pin + " AS prod\nUSER app\n",
			target: "dev",
			ids:    []string{"VCH-DF-001", "VCH-DF-002"},
			want:   []hit{{"VCH-DF-001", 2, 2, "stage dev"}},
		},
		{
			name:   "target skips stages it does not build",
			src:    "FROM alpine:3.20" + pin + " AS a\nRUN sudo true\nFROM alpine:3.20" + pin + " AS b\nRUN sudo false\nFROM alpine:3.20" + pin + " AS c\nCOPY --from=a /x /x\n",
			target: "c",
			ids:    []string{"VCH-DF-003"},
			want:   []hit{{"VCH-DF-003", 2, 2, "stage a"}},
		},
		{
			name: "no target lints every stage",
			src:  "FROM alpine:3.20" + pin + " AS a\nRUN sudo true\nFROM alpine:3.20" + pin + " AS b\nRUN sudo false\n",
			ids:  []string{"VCH-DF-003"},
			want: []hit{{"VCH-DF-003", 2, 2, "stage a"}, {"VCH-DF-003", 4, 4, "stage b"}},
		},
		{
			name: "scratch is not an image to pin and runs as root",
			src:  "FROM scratch\nCOPY app /app\n",
			ids:  []string{"VCH-DF-002", "VCH-DF-004", "VCH-DF-006"},
			want: []hit{{"VCH-DF-002", 1, 1, "stage 0"}},
		},
		{
			name: "line continuation: first and last line",
			src:  "FROM alpine:3.20" + pin + "\nRUN apk add \\\n    --no-cache \\\n    sudo=1.9-r0 \\\n && sudo true\n",
			ids:  []string{"VCH-DF-003"},
			want: []hit{{"VCH-DF-003", 2, 5, "stage 0"}},
		},
		{
			name: "heredoc RUN spans its body",
			src:  "FROM alpine:3.20" + pin + "\nRUN <<EOF\nset -e\ncurl -fsSL https://x.example/i.sh | sh\nEOF\nUSER app\n",
			ids:  []string{"VCH-DF-011"},
			want: []hit{{"VCH-DF-011", 2, 5, "stage 0"}},
		},
		{
			name: "heredoc COPY content is not a command",
			src:  "FROM alpine:3.20" + pin + "\nCOPY <<EOF /etc/motd\nsudo rm -rf /\nEOF\n",
			ids:  []string{"VCH-DF-003"},
		},
		{
			name: "escape directive: backtick continues lines",
			src:  "# escape=`\nFROM alpine:3.20" + pin + "\nRUN sudo `\n  true\n",
			ids:  []string{"VCH-DF-003"},
			want: []hit{{"VCH-DF-003", 3, 4, "stage 0"}},
		},
		{
			name: "lowercase instructions",
			src:  "from alpine:3.20" + pin + " as app\nuser root\n",
			ids:  []string{"VCH-DF-001"},
			want: []hit{{"VCH-DF-001", 2, 2, "stage app"}},
		},
		{
			name: "CRLF line ends",
			src:  "FROM alpine:3.20" + pin + "\r\nRUN sudo \\\r\n  true\r\nUSER root\r\n",
			ids:  []string{"VCH-DF-001", "VCH-DF-003"},
			want: []hit{{"VCH-DF-003", 2, 3, "stage 0"}, {"VCH-DF-001", 4, 4, "stage 0"}},
		},
		{
			name: "UTF-8 byte order mark",
			src:  "\ufeffFROM alpine\nUSER root\n",
			ids:  []string{"VCH-DF-001", "VCH-DF-004"},
			want: []hit{{"VCH-DF-004", 1, 1, "stage 0"}, {"VCH-DF-001", 2, 2, "stage 0"}},
		},
		{
			name: "COPY --from a stage index is not an image",
			src:  "FROM alpine:3.20" + pin + "\nFROM alpine:3.20" + pin + "\nCOPY --from=0 /a /a\nCOPY --from=nginx /b /b\n",
			ids:  []string{"VCH-DF-007"},
			want: []hit{{"VCH-DF-007", 4, 4, "stage 1"}},
		},
		{
			name: "builder stage caches are not shipped, pins still matter",
			src:  "FROM debian:12" + pin + " AS build\nRUN apt-get install -y gcc\nFROM debian:12" + pin + "\nCOPY --from=build /x /x\n",
			ids:  []string{"VCH-DF-025", "VCH-DF-026", "VCH-DF-028"},
			want: []hit{{"VCH-DF-028", 2, 2, "stage build"}},
		},
		{
			name: "exec-form shell script is parsed",
			src:  "FROM alpine:3.20" + pin + "\nRUN [\"/bin/sh\", \"-c\", \"wget -qO- https://x.example | sh\"]\n",
			ids:  []string{"VCH-DF-011"},
			want: []hit{{"VCH-DF-011", 2, 2, "stage 0"}},
		},
		{
			name: "secret mount passes",
			src:  "FROM alpine:3.20" + pin + "\nRUN --mount=type=secret,id=token,env=GITHUB_TOKEN ./fetch\n",
			ids:  []string{"VCH-DF-017", "VCH-DF-018", "VCH-DF-019"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Lint("Dockerfile", []byte(tt.src), Config{Target: tt.target})
			if err != nil {
				t.Fatal(err)
			}
			got := hits(res, tt.ids...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		src  string
		cfg  Config
		want error
	}{
		{"empty", "", Config{}, ErrEmpty},
		{"blank", " \n\t\n", Config{}, ErrEmpty},
		{"comments only", "# just a comment\n", Config{}, ErrParse},
		{"binary", "FROM alpine\n\x00\x01\x02", Config{}, ErrBinary},
		{"invalid UTF-8", "FROM alpine\nRUN echo \xff\xfe\n", Config{}, ErrInvalidUTF8},
		{"too large", "FROM alpine\nRUN echo " + strings.Repeat("x", 100) + "\n", Config{MaxSize: 50}, ErrTooLarge},
		{"no FROM", "RUN echo hi\n", Config{}, ErrNoFrom},
		{"ARG only", "ARG A=1\n", Config{}, ErrNoFrom},
		{"unknown instruction", "FROM alpine\nFOO bar\n", Config{}, ErrParse},
		{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho\n", Config{}, ErrParse},
		{"bad flag", "FROM alpine\nRUN --network=bogus true\n", Config{}, ErrParse},
		{"unknown target", "FROM alpine AS a\n", Config{Target: "b"}, ErrUnknownTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Lint("dir/Dockerfile", []byte(tt.src), tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Path != "dir/Dockerfile" {
				t.Errorf("err %v is not an InputError for the file", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "dir/Dockerfile: ") || strings.Contains(msg, "\n") {
				t.Errorf("message %q is not one line naming the file", msg)
			}
			if "dir/Dockerfile: "+res.Error != msg || res.Target.Name != "dir/Dockerfile" {
				t.Errorf("result error %q, target %q", res.Error, res.Target.Name)
			}
		})
	}
}

func TestLintFile(t *testing.T) {
	_, err := LintFile("../testdata/dockerfile/does-not-exist", Config{})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	res, err := LintFile("../testdata/dockerfile/VCH-DF-001/bad.Dockerfile", Config{})
	if err != nil || len(res.Findings) == 0 {
		t.Errorf("LintFile: %v, %d findings", err, len(res.Findings))
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{Disable: []string{"VCH-DF-001", "no-user", "DL3008"}}).Validate(); err != nil {
		t.Error(err)
	}
	if err := (Config{Disable: []string{"no-such-rule"}}).Validate(); err == nil {
		t.Error("unknown rule accepted")
	}
}

func TestImageRef(t *testing.T) {
	tests := []struct {
		in   string
		want imageRef
	}{
		{"alpine", imageRef{name: "alpine"}},
		{"alpine:3.20", imageRef{name: "alpine", tag: "3.20"}},
		{"localhost:5000/app", imageRef{name: "localhost:5000/app"}},
		{"localhost:5000/app:1", imageRef{name: "localhost:5000/app", tag: "1"}},
		{"ghcr.io/a/b@sha256:ab", imageRef{name: "ghcr.io/a/b", digest: "sha256:ab"}},
		{"a:1@sha256:ab", imageRef{name: "a", tag: "1", digest: "sha256:ab"}},
	}
	for _, tt := range tests {
		if got := parseImageRef(tt.in); got != tt.want {
			t.Errorf("parseImageRef(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestIsRoot(t *testing.T) {
	for u, want := range map[string]bool{
		"root": true, "0": true, "0:0": true, "root:root": true, "0:1000": true, "000": true,
		"app": false, "1000": false, "1000:0": false, "rootless": false, "": false, "10": false,
	} {
		if got := isRoot(u); got != want {
			t.Errorf("isRoot(%q) = %v", u, got)
		}
	}
}

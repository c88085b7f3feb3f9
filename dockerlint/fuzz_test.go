package dockerlint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzLint(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "*", "*.Dockerfile"))
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, "")
	}
	for _, s := range []string{
		"FROM a AS b\nFROM b\nCOPY --from=b / /\n",
		"# escape=`\nFROM a\nRUN x `\n y\n",
		"\ufeffFROM a\r\nRUN <<EOF\r\nx | sh\r\nEOF\r\n",
		"ARG A=${B:-c}\nFROM ${A}\nARG A\nUSER $A:${A}\n",
		"FROM a\nRUN --mount=type=cache,target=$X apk add y\n",
		"FROM a\nONBUILD RUN sudo x\nHEALTHCHECK NONE\nEXPOSE 1-65535/tcp\n",
		"FROM a\nRUN 'unterminated \"$(( `\n",
	} {
		f.Add([]byte(s), "b")
	}
	f.Fuzz(func(t *testing.T, src []byte, target string) {
		res, err := Lint("Dockerfile", src, Config{Target: target})
		if errors.Is(err, errInternal) {
			t.Fatalf("panic: %v", err)
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line naming the file: %q", err)
			}
			return
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, fi := range res.Findings {
			l := fi.Location
			if l.StartLine < 1 || l.EndLine < l.StartLine || l.EndLine > lines || fi.Fingerprint == "" || l.Logical == "" {
				t.Fatalf("bad finding %+v", fi)
			}
		}
	})
}

func FuzzParseScript(f *testing.F) {
	for _, s := range []string{"a && b | c", "echo \"$(x)\" `y` 'z'", "a 2>&1 <(b) \\\n c # d", "(((", "$(", "\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range parseScript(s) {
			for _, c := range p {
				_ = c.unwrap()
				_, _ = aptInstall(c)
				_, _ = pipInstall(c)
				_ = tlsOffCommand(c)
				_ = sigCheckOff(c)
			}
		}
	})
}

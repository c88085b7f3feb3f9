package dockerlint

import (
	"fmt"
	"testing"
)

func TestParseScript(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"echo hi", "[[[echo hi]]]"},
		{"a && b || c; d", "[[[a]] [[b]] [[c]] [[d]]]"},
		{"curl -s x | sh -s -- -y", "[[[curl -s x] [sh -s -- -y]]]"},
		{`echo "a | b" 'c && d'`, "[[[echo a | b c && d]]]"},
		{"FOO=1 BAR=2 make install", "[[[make install]]]"},
		{"if true; then sudo x; fi", "[[[true]] [[sudo x]]]"},
		{"cmd 2>&1 >/dev/null | tee log", "[[[cmd] [tee log]]]"},
		{"echo $(curl x | sh) done", "[[[echo $(curl x | sh) done]]]"},
		{"a \\\n  b # comment | sh\nc", "[[[a b]] [[c]]]"},
		{"(cd /x && make) &", "[[[cd /x]] [[make]]]"},
		{"echo `date`", "[[[echo `date`]]]"},
		{"unterminated 'quote", "[[[unterminated quote]]]"},
		{"", "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(parseScript(tt.in)); got != tt.want {
			t.Errorf("parseScript(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestUnwrap(t *testing.T) {
	for in, want := range map[string]string{
		"sudo -u root -E apt-get install x": "[apt-get install x]",
		"env A=1 -i pip install y":          "[pip install y]",
		"exec nohup node app.js":            "[node app.js]",
		"sudo":                              "[]",
	} {
		p := parseScript(in)
		if got := fmt.Sprint(p[0][0].unwrap()); got != want {
			t.Errorf("unwrap(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestWorldWritable(t *testing.T) {
	for mode, want := range map[string]bool{
		"777": true, "0777": true, "666": true, "1777": false, "0777 ": false, "772": true, "o+w": true, "a+rwx": true, "u+x,o+w": true, "o=rwx": true,
		"755": false, "0644": false, "+x": false, "u+w": false, "g+w": false, "o-w": false, "abc": false,
	} {
		if got := worldWritable(mode); got != want {
			t.Errorf("worldWritable(%q) = %v", mode, got)
		}
	}
}

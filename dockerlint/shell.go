package dockerlint

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// runInfo is what the RUN rules need from a RUN instruction.
type runInfo struct {
	// text is the shell script: the command line and, when the command is
	// a heredoc script, its body.
	text string
	// pipelines are the simple commands of the script, grouped into
	// pipelines (a | b is one pipeline of two commands).
	pipelines [][]argv
	mounts    []*instructions.Mount
	network   string
	security  string
	shellForm bool
}

// argv is one simple command: its words, with leading variable
// assignments and shell keywords removed.
type argv []string

// name is the command's base name ("apt-get" for /usr/bin/apt-get).
func (a argv) name() string {
	if len(a) == 0 {
		return ""
	}
	return path.Base(a[0])
}

// has reports whether any word after the command name is one of ws.
func (a argv) has(ws ...string) bool {
	for _, x := range a[min(1, len(a)):] {
		for _, w := range ws {
			if x == w {
				return true
			}
		}
	}
	return false
}

// unwrap strips command runners (sudo, env, exec, nohup, command, time)
// and their options, returning the command they run.
func (a argv) unwrap() argv {
	for len(a) > 0 {
		switch a.name() {
		case "sudo":
			a = a[1:]
			for len(a) > 0 && strings.HasPrefix(a[0], "-") {
				if a[0] == "-u" || a[0] == "-g" {
					a = a[min(2, len(a)):]
					continue
				}
				a = a[1:]
			}
		case "env":
			a = a[1:]
			for len(a) > 0 && (strings.HasPrefix(a[0], "-") || isAssignment(a[0])) {
				a = a[1:]
			}
		case "exec", "nohup", "command", "time":
			a = a[1:]
		default:
			return a
		}
	}
	return a
}

// commands calls fn for every simple command, unwrapped.
func (ri *runInfo) commands(fn func(a argv)) {
	for _, p := range ri.pipelines {
		for _, c := range p {
			if u := c.unwrap(); len(u) > 0 {
				fn(u)
			}
		}
	}
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true}

// runOf computes (once) the RUN information of a RUN instruction.
func (in *instr) runOf() *runInfo {
	if in.run != nil {
		return in.run
	}
	c := in.cmd.(*instructions.RunCommand)
	// Mount options other than from= are parsed only with an expander.
	if slices.ContainsFunc(in.node.Flags, func(fl string) bool { return strings.HasPrefix(fl, "--mount") }) {
		_ = c.Expand(func(w string) (string, error) {
			v, _ := in.expand(in.file, w)
			return v, nil
		})
	}
	ri := &runInfo{
		mounts:    instructions.GetMounts(c),
		network:   instructions.GetNetwork(c),
		security:  instructions.GetSecurity(c),
		shellForm: c.PrependShell,
	}
	var script string
	switch {
	case c.PrependShell:
		script = strings.Join(c.CmdLine, " ")
	case len(c.CmdLine) >= 3 && shells[path.Base(c.CmdLine[0])] && strings.HasPrefix(c.CmdLine[1], "-") && strings.Contains(c.CmdLine[1], "c"):
		script = c.CmdLine[2]
	default:
		// Exec form without a shell: one command, no shell syntax.
		ri.text = strings.Join(c.CmdLine, " ")
		ri.pipelines = [][]argv{{stripLeading(argv(c.CmdLine))}}
		in.run = ri
		return ri
	}
	// A heredoc is the script when the command is only the heredoc or a
	// shell reading it.
	first := strings.Fields(script)
	if len(c.Files) > 0 && len(first) > 0 && (strings.HasPrefix(first[0], "<<") || shells[path.Base(first[0])]) {
		for _, hf := range c.Files {
			script += "\n" + hf.Data
		}
	}
	ri.text = script
	ri.pipelines = parseScript(script)
	in.run = ri
	return ri
}

// parseScript splits a shell script into pipelines of simple commands. It
// is not a shell: it knows quotes, escapes, comments, command substitution,
// redirections and the list and pipe operators, which is what the rules
// need.
func parseScript(s string) [][]argv {
	var sp scriptParser
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) && s[i+1] != '\n' {
				sp.word.WriteByte(s[i+1])
				sp.inWord = true
			}
			i += 2
		case c == '\'':
			i = sp.until(s, i, '\'', false)
		case c == '"':
			i = sp.doubleQuoted(s, i+1)
		case c == '$' && i+1 < len(s) && s[i+1] == '(', c == '<' && i+1 < len(s) && s[i+1] == '(':
			j := matchParen(s, i+1)
			sp.word.WriteString(s[i:j])
			sp.inWord = true
			i = j
		case c == '`':
			i = sp.until(s, i, '`', true)
		case c == ' ' || c == '\t' || c == '\r':
			sp.endWord()
			i++
		case c == '#' && !sp.inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '|' && i+1 < len(s) && s[i+1] == '|', c == '&' && i+1 < len(s) && s[i+1] == '&':
			sp.endPipeline()
			i += 2
		case c == '|':
			sp.endCommand()
			i++
			if i < len(s) && s[i] == '&' {
				i++
			}
		case c == '\n' || c == ';' || c == '&' || c == '(' || c == ')':
			sp.endPipeline()
			i++
		case c == '>' || c == '<':
			i = sp.redirect(s, i)
		default:
			sp.word.WriteByte(c)
			sp.inWord = true
			i++
		}
	}
	sp.endPipeline()
	return sp.out
}

type scriptParser struct {
	word     strings.Builder
	inWord   bool
	skipNext bool // the next word is a redirection target
	cmd      argv
	pipe     []argv
	out      [][]argv
}

// until adds to the word the text from s[i], an opening quote, to its
// closing one (or the end), with the quotes when keep is set, and returns
// the index after it.
func (sp *scriptParser) until(s string, i int, quote byte, keep bool) int {
	end := len(s)
	if j := strings.IndexByte(s[i+1:], quote); j >= 0 {
		end = i + 1 + j
	}
	if keep {
		sp.word.WriteString(s[i:min(end+1, len(s))])
	} else {
		sp.word.WriteString(s[i+1 : end])
	}
	sp.inWord = true
	return end + 1
}

func (sp *scriptParser) doubleQuoted(s string, i int) int {
	sp.inWord = true
	for i < len(s) && s[i] != '"' {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			sp.word.WriteByte(s[i+1])
			i += 2
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '(':
			j := matchParen(s, i+1)
			sp.word.WriteString(s[i:j])
			i = j
		default:
			sp.word.WriteByte(s[i])
			i++
		}
	}
	return i + 1
}

func (sp *scriptParser) redirect(s string, i int) int {
	// A file descriptor number before the operator is not a word.
	if w := sp.word.String(); sp.inWord && strings.Trim(w, "0123456789") == "" {
		sp.word.Reset()
		sp.inWord = false
	}
	sp.endWord()
	for i < len(s) && strings.IndexByte("<>&|-", s[i]) >= 0 {
		i++
	}
	sp.skipNext = true
	return i
}

func (sp *scriptParser) endWord() {
	if !sp.inWord {
		return
	}
	w := sp.word.String()
	sp.word.Reset()
	sp.inWord = false
	if sp.skipNext {
		sp.skipNext = false
		return
	}
	sp.cmd = append(sp.cmd, w)
}

func (sp *scriptParser) endCommand() {
	sp.endWord()
	sp.skipNext = false
	if c := stripLeading(sp.cmd); len(c) > 0 {
		sp.pipe = append(sp.pipe, c)
	}
	sp.cmd = nil
}

func (sp *scriptParser) endPipeline() {
	sp.endCommand()
	if len(sp.pipe) > 0 {
		sp.out = append(sp.out, sp.pipe)
	}
	sp.pipe = nil
}

var keywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true,
	"while": true, "until": true, "!": true, "{": true, "}": true, "esac": true,
}

// stripLeading drops shell keywords and variable assignments before the
// command name.
func stripLeading(a argv) argv {
	for len(a) > 0 && (keywords[a[0]] || isAssignment(a[0])) {
		a = a[1:]
	}
	return a
}

func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// matchParen returns the index just after the parenthesis that closes the
// one at s[open], or len(s).
func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\'':
			if j := strings.IndexByte(s[i+1:], '\''); j >= 0 {
				i += j + 1
			}
		case '\\':
			i++
		}
	}
	return len(s)
}

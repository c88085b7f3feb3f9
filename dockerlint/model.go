package dockerlint

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// file is a parsed Dockerfile with its build semantics worked out.
type file struct {
	path   string
	src    string   // the source, without a byte order mark
	lines  []string // source lines, without line ends; lines[0] is line 1
	lex    *shell.Lex
	global vars // global ARGs with a value, for FROM
	// metaArgs are the ARG instructions before the first FROM.
	metaArgs []*instr
	stages   []*stage
	final    *stage
	// linted are the stages that rules look at: every stage, or, with a
	// target, the stages the target is built from.
	linted []*stage
	// byKind indexes the instructions of the linted stages by kind, in
	// file order; built on first use.
	byKind map[string][]*instr
	// chain is the final stage and the stages it is built FROM, root first:
	// the instructions that make up the image configuration.
	chain []*stage
	// ignoreFile holds the rule names of vouch:ignore-file and hadolint
	// global ignore comments.
	ignoreFile []string
}

// stage is one FROM and its instructions.
type stage struct {
	index int
	name  string // lower case, "" when unnamed
	from  *instr
	// base is the FROM argument expanded with the global ARGs; resolved is
	// false when it uses an ARG without a value.
	base     string
	resolved bool
	parent   *stage // the earlier stage named by FROM, if any
	scratch  bool
	instrs   []*instr // after FROM
	env      vars     // ENV in effect at the end of the stage
	args     vars     // the stage's ARGs with a known value
	cur      vars     // args overlaid with env
	shell    []string // SHELL in effect at the end of the stage
}

// label is how findings name the stage.
func (s *stage) label() string {
	if s.name != "" {
		return "stage " + s.name
	}
	return "stage " + strconv.Itoa(s.index)
}

// instr is one instruction.
type instr struct {
	file  *file
	node  *parser.Node
	kind  string // lower-case instruction name
	cmd   any    // *instructions.RunCommand, *instructions.Stage, ...
	stage *stage // nil for global ARGs
	vars  vars   // ARG and ENV values in effect before the instruction
	shell []string
	run   *runInfo // RUN only, computed on first use
}

// expand expands word with the variables in effect at the instruction. ok
// is false when the word uses a variable that has no known value.
func (in *instr) expand(f *file, word string) (string, bool) {
	res, err := f.lex.ProcessWordWithMatches(word, in.vars)
	if err != nil {
		return word, false
	}
	for name := range res.Unmatched {
		if !defaulted(word, name) {
			return res.Result, false
		}
	}
	return res.Result, true
}

// defaulted reports whether every use of the unset variable name in word
// supplies a default (${name:-x}, ${name-x}, ${name:+x}), so that the
// expansion is known anyway.
func defaulted(word, name string) bool {
	if strings.Contains(word, "${"+name+"}") {
		return false
	}
	for i := 0; ; {
		j := strings.Index(word[i:], "$"+name)
		if j < 0 {
			break
		}
		end := i + j + 1 + len(name)
		if end >= len(word) || !isNameChar(word[end]) {
			return false // a bare $name
		}
		i = end
	}
	for _, op := range []string{":-", "-", ":+", "+"} {
		if strings.Contains(word, "${"+name+op) {
			return true
		}
	}
	return false
}

func isNameChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// vars is an immutable set of variables; changes copy it.
type vars map[string]string

func (v vars) Get(k string) (string, bool) { s, ok := v[k]; return s, ok }

func (v vars) Keys() []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (v vars) with(k, val string) vars {
	n := make(vars, len(v)+1)
	for kk, vv := range v {
		n[kk] = vv
	}
	n[k] = val
	return n
}

func (v vars) without(k string) vars {
	if _, ok := v[k]; !ok {
		return v
	}
	n := make(vars, len(v))
	for kk, vv := range v {
		if kk != k {
			n[kk] = vv
		}
	}
	return n
}

var defaultShell = []string{"/bin/sh", "-c"}

func parseFile(path string, src []byte, target string) (*file, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, inputErr(path, ErrParse, "%s", parseMessage(err, 0))
	}
	text := string(bytes.TrimPrefix(src, bom))
	f := &file{path: path, src: text, lines: splitLines(text), lex: shell.NewLex(res.EscapeToken), global: vars{}}
	var cur *stage
	for _, n := range res.AST.Children {
		cmd, err := instructions.ParseInstruction(n)
		if err != nil {
			return nil, inputErr(path, ErrParse, "%s", parseMessage(err, n.StartLine))
		}
		in := &instr{file: f, node: n, kind: strings.ToLower(n.Value), cmd: cmd}
		if st, ok := cmd.(*instructions.Stage); ok {
			cur = f.addStage(in, st)
			continue
		}
		if cur == nil {
			if a, ok := cmd.(*instructions.ArgCommand); ok {
				f.addMetaArg(in, a)
				continue
			}
			return nil, inputErr(path, ErrNoFrom, "line %d: %s before the first FROM", n.StartLine, strings.ToUpper(in.kind))
		}
		cur.add(f, in)
	}
	if len(f.stages) == 0 {
		return nil, inputErr(path, ErrNoFrom, "")
	}
	if err := f.selectTarget(target); err != nil {
		return nil, err
	}
	f.ignoreFile = fileIgnores(f.lines)
	return f, nil
}

// parseMessage is the one-line cause of a BuildKit parse error, with its
// line, without a stack.
func parseMessage(err error, line int) string {
	var loc *parser.LocationError
	if errors.As(err, &loc) {
		if len(loc.Locations) > 0 && len(loc.Locations[0]) > 0 && loc.Locations[0][0].Start.Line > 0 {
			line = loc.Locations[0][0].Start.Line
		}
		if inner := loc.Unwrap(); inner != nil {
			err = inner
		}
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if line > 0 {
		return "line " + strconv.Itoa(line) + ": " + msg
	}
	return msg
}

func splitLines(src string) []string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func (f *file) addMetaArg(in *instr, a *instructions.ArgCommand) {
	in.vars = f.global
	f.metaArgs = append(f.metaArgs, in)
	for _, kv := range a.Args {
		if kv.Value == nil {
			f.global = f.global.without(kv.Key)
			continue
		}
		v, ok := in.expand(f, *kv.Value)
		if ok {
			f.global = f.global.with(kv.Key, v)
		} else {
			f.global = f.global.without(kv.Key)
		}
	}
}

func (f *file) addStage(in *instr, st *instructions.Stage) *stage {
	in.vars = f.global
	s := &stage{index: len(f.stages), name: st.Name, from: in, env: vars{}, args: vars{}, cur: vars{}, shell: defaultShell}
	in.stage = s
	s.base, s.resolved = in.expand(f, st.BaseName)
	lower := strings.ToLower(s.base)
	for _, prev := range f.stages {
		if prev.name != "" && prev.name == lower {
			s.parent = prev
			s.env = prev.env
			s.cur = prev.env
			s.shell = prev.shell
			break
		}
	}
	s.scratch = s.parent == nil && lower == "scratch"
	f.stages = append(f.stages, s)
	return s
}

// add appends an instruction to the stage and tracks ARG, ENV and SHELL.
func (s *stage) add(f *file, in *instr) {
	in.stage = s
	in.vars = s.cur
	in.shell = s.shell
	s.instrs = append(s.instrs, in)
	switch c := in.cmd.(type) {
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			v, ok := f.global[kv.Key]
			if kv.Value != nil {
				v, ok = in.expand(f, *kv.Value)
			}
			if ok {
				s.args = s.args.with(kv.Key, v)
			} else {
				s.args = s.args.without(kv.Key)
			}
		}
	case *instructions.EnvCommand:
		// Every pair sees the values from before the instruction, as in
		// Docker: ENV a=1 b=$a gives b the old a.
		for _, kv := range c.Env {
			if v, ok := in.expand(f, kv.Value); ok {
				s.env = s.env.with(kv.Key, v)
			} else {
				s.env = s.env.without(kv.Key) // set, to a value we cannot know
			}
		}
	case *instructions.ShellCommand:
		s.shell = c.Shell
		return
	default:
		return
	}
	// ENV wins over an ARG of the same name.
	cur := make(vars, len(s.args)+len(s.env))
	for k, v := range s.args {
		cur[k] = v
	}
	for k, v := range s.env {
		cur[k] = v
	}
	s.cur = cur
}

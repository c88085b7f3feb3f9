package dockerlint

import (
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// selectTarget sets the final stage, the linted stages and the chain.
func (f *file) selectTarget(target string) error {
	f.final = f.stages[len(f.stages)-1]
	f.linted = f.stages
	if target != "" {
		f.final = f.stageNamed(target)
		if f.final == nil {
			var names []string
			for _, s := range f.stages {
				if s.name != "" {
					names = append(names, s.name)
				}
			}
			known := "the file names no stage"
			if len(names) > 0 {
				known = "stages: " + strings.Join(names, ", ")
			}
			return inputErr(f.path, ErrUnknownTarget, "%q (%s)", target, known)
		}
		f.linted = f.closure(f.final)
	}
	for s := f.final; s != nil; s = s.parent {
		f.chain = append([]*stage{s}, f.chain...)
	}
	return nil
}

func (f *file) stageNamed(name string) *stage {
	name = strings.ToLower(name)
	for _, s := range f.stages {
		if s.name != "" && s.name == name {
			return s
		}
	}
	return nil
}

// stageRef resolves a COPY --from or RUN --mount from= value to an earlier
// stage: by name or by index, as BuildKit does.
func (f *file) stageRef(ref string, before *stage) *stage {
	if s := f.stageNamed(ref); s != nil && s.index < before.index {
		return s
	}
	if i, err := strconv.Atoi(ref); err == nil && i >= 0 && i < before.index {
		return f.stages[i]
	}
	return nil
}

// closure is the stages that building target builds, in file order.
func (f *file) closure(target *stage) []*stage {
	need := make([]bool, len(f.stages))
	var visit func(s *stage)
	visit = func(s *stage) {
		if need[s.index] {
			return
		}
		need[s.index] = true
		if s.parent != nil {
			visit(s.parent)
		}
		for _, in := range s.instrs {
			for _, ref := range in.fromRefs() {
				if dep := f.stageRef(ref, s); dep != nil {
					visit(dep)
				}
			}
		}
	}
	visit(target)
	var out []*stage
	for _, s := range f.stages {
		if need[s.index] {
			out = append(out, s)
		}
	}
	return out
}

// fromRefs lists what the instruction copies or mounts from: COPY --from
// and RUN --mount from= values.
func (in *instr) fromRefs() []string {
	switch c := in.cmd.(type) {
	case *instructions.CopyCommand:
		if c.From != "" {
			return []string{c.From}
		}
	case *instructions.RunCommand:
		var refs []string
		for _, m := range in.runOf().mounts {
			if m.From != "" {
				refs = append(refs, m.From)
			}
		}
		return refs
	}
	return nil
}

// userSetting is the USER that is in effect at the end of a stage.
type userSetting struct {
	in       *instr // the USER instruction, in this stage or an ancestor
	user     string // expanded
	resolved bool
}

// effectiveUser is the last USER of the stage or of the stages it is built
// from; nil when none sets one.
func (f *file) effectiveUser(s *stage) *userSetting {
	for ; s != nil; s = s.parent {
		for i := len(s.instrs) - 1; i >= 0; i-- {
			in := s.instrs[i]
			if u, ok := in.cmd.(*instructions.UserCommand); ok {
				v, resolved := in.expand(f, u.User)
				return &userSetting{in: in, user: v, resolved: resolved}
			}
		}
	}
	return nil
}

// isRoot reports whether a USER value names root: root or uid 0, with or
// without a group.
func isRoot(user string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return name == "root" || strings.Trim(name, "0") == "" && name != ""
}

// chainInstrs calls fn for every instruction of the image chain, root
// stage first, that has the given kind.
func (f *file) chainInstrs(kind string) []*instr {
	var out []*instr
	for _, s := range f.chain {
		for _, in := range s.instrs {
			if in.kind == kind {
				out = append(out, in)
			}
		}
	}
	return out
}

// lintedInstrs lists the instructions of the linted stages with the given
// kinds, in file order.
func (f *file) lintedInstrs(kinds ...string) []*instr {
	if len(kinds) == 1 {
		if f.byKind == nil {
			f.byKind = map[string][]*instr{}
			for _, s := range f.linted {
				for _, in := range s.instrs {
					f.byKind[in.kind] = append(f.byKind[in.kind], in)
				}
			}
		}
		return f.byKind[kinds[0]]
	}
	var out []*instr
	for _, s := range f.linted {
		for _, in := range s.instrs {
			for _, k := range kinds {
				if in.kind == k {
					out = append(out, in)
					break
				}
			}
		}
	}
	return out
}

// imageRef is a parsed image reference.
type imageRef struct {
	name   string
	tag    string
	digest string
}

// parseImageRef splits ref into name, tag and digest, without
// normalising it.
func parseImageRef(ref string) imageRef {
	var r imageRef
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref, r.digest = ref[:i], ref[i+1:]
	}
	slash := strings.LastIndexByte(ref, '/')
	if i := strings.LastIndexByte(ref, ':'); i > slash {
		ref, r.tag = ref[:i], ref[i+1:]
	}
	r.name = ref
	return r
}

// pinned reports whether the reference names content by digest.
func (r imageRef) pinned() bool {
	return strings.HasPrefix(r.digest, "sha256:") || strings.HasPrefix(r.digest, "sha512:")
}

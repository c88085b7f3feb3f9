package composelint

import (
	"go.yaml.in/yaml/v4"

	"github.com/compose-spec/compose-go/v2/template"
)

// Helpers over YAML node trees that have passed the guard (so aliases are
// acyclic and expansion is bounded).

// deref follows documents and aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < maxDepth; i++ {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" &&
		k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0
}

// lookup finds key in mapping m and returns its key node and (dereferenced)
// value node. Keys written in m win over keys merged in with `<<`; among
// merged mappings the first listed wins, as YAML specifies.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	return lookupDepth(m, key, 0)
}

func lookupDepth(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > maxDepth {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if kn := m.Content[i]; kn.Value == key && !isMergeKey(kn) {
			return kn, deref(m.Content[i+1])
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		for _, src := range mergeSources(m.Content[i+1]) {
			if k, v := lookupDepth(src, key, depth+1); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

func mergeSources(v *yaml.Node) []*yaml.Node {
	v = deref(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

// pair is one entry of a mapping: its key node and dereferenced value.
type pair struct{ k, v *yaml.Node }

// pairs lists the entries of mapping m, merged ones included, each key once
// with the value that wins.
func pairs(m *yaml.Node) []pair {
	var out []pair
	seen := map[string]bool{}
	var walk func(m *yaml.Node, depth int)
	walk = func(m *yaml.Node, depth int) {
		m = deref(m)
		if m == nil || m.Kind != yaml.MappingNode || depth > maxDepth {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if kn := m.Content[i]; !isMergeKey(kn) && !seen[kn.Value] {
				seen[kn.Value] = true
				out = append(out, pair{kn, deref(m.Content[i+1])})
			}
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if isMergeKey(m.Content[i]) {
				for _, src := range mergeSources(m.Content[i+1]) {
					walk(src, depth+1)
				}
			}
		}
	}
	walk(m, 0)
	return out
}

// mappingKeys lists the keys of mapping m.
func mappingKeys(m *yaml.Node) []string {
	var keys []string
	for _, p := range pairs(m) {
		keys = append(keys, p.k.Value)
	}
	return keys
}

// scalar is the value of a scalar node, or "".
func scalar(n *yaml.Node) string {
	if n = deref(n); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// scalars reads a scalar or a sequence of scalars.
func scalars(n *yaml.Node) []string {
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, e := range n.Content {
		if s := scalar(e); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// value decodes n into plain Go values (string scalars interpolated with
// env), for matching list items against the merged model.
func value(n *yaml.Node, env template.Mapping) any {
	return valueDepth(n, env, 0)
}

func valueDepth(n *yaml.Node, env template.Mapping, depth int) any {
	n = deref(n)
	if n == nil || depth > maxDepth {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if env != nil {
			if s, err := substitute(n.Value, env); err == nil {
				return s
			}
		}
		return n.Value
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			out = append(out, valueDepth(e, env, depth+1))
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		for _, p := range pairs(n) {
			out[p.k.Value] = valueDepth(p.v, env, depth+1)
		}
		return out
	}
	return nil
}

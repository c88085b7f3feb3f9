package composelint

import (
	"go.yaml.in/yaml/v4"
)

// item is one entry of a list or mapping in a service definition, as a
// check's matcher sees it: a sequence element (key "") or a mapping entry,
// with scalars interpolated.
type item struct {
	key   string
	value any
}

// str is the item's value as a string ("" when it is not a scalar).
func (it item) str() string {
	s, _ := it.value.(string)
	return s
}

// field is a field of a long-syntax (mapping) item, as a string.
func (it item) field(name string) string {
	m, _ := it.value.(map[string]any)
	s, _ := m[name].(string)
	return s
}

// site is where something is written: a node of one definition, or (node
// nil) nowhere, in which case the service line of def stands in.
type site struct {
	def  def
	node *yaml.Node // the key, or the list item, to point at
	raw  *yaml.Node // the value as written, before interpolation
}

// line is the line the site points at.
func (st site) line() int {
	if st.node != nil {
		return st.node.Line
	}
	if st.def.key != nil {
		return st.def.key.Line
	}
	return 0
}

// column is the column the site points at (1-based), or 0.
func (st site) column() int {
	if st.node != nil {
		return st.node.Column
	}
	if st.def.key != nil {
		return st.def.key.Column
	}
	return 0
}

// locate finds where the value at path (keys from the service mapping) is
// written, for service: the last definition that writes it wins, as in the
// merged model. With match, it finds the list item or mapping entry under
// path that match accepts, searching later definitions first (lists merge).
// When nothing is found it returns false and the site of path itself if it
// is written (a list without the wanted entry), else the service line.
func (s *sources) locate(service string, path []string, match func(item) bool) (site, bool) {
	defs := s.defs[service]
	var written *site // the last definition that writes path, if no item matches
	for i := len(defs) - 1; i >= 0; i-- {
		d := defs[i]
		k, v, reset := walk(d.val, path)
		if reset {
			break
		}
		if k == nil {
			continue
		}
		if match == nil {
			return site{def: d, node: k, raw: v}, true
		}
		if n, raw := findItem(v, d, match); n != nil {
			return site{def: d, node: n, raw: raw}, true
		}
		if written == nil {
			written = &site{def: d, node: k}
		}
		if v != nil && v.Tag == "!override" {
			break
		}
	}
	if written != nil {
		return *written, false
	}
	return site{def: s.home(service)}, false
}

// home is the definition a missing key should be added to: the first one
// under the service's own name.
func (s *sources) home(service string) def {
	defs := s.defs[service]
	for _, d := range defs {
		if d.name == service {
			return d
		}
	}
	if len(defs) > 0 {
		return defs[0]
	}
	return def{}
}

// walk follows path from mapping m. reset reports a `!reset` on the way,
// which clears whatever earlier definitions wrote.
func walk(m *yaml.Node, path []string) (k, v *yaml.Node, reset bool) {
	v = m
	for _, p := range path {
		k, v = lookup(v, p)
		if k == nil {
			return nil, nil, false
		}
		if v != nil && v.Tag == "!reset" {
			return nil, nil, true
		}
	}
	return k, v, false
}

func findItem(v *yaml.Node, d def, match func(item) bool) (n, raw *yaml.Node) {
	v = deref(v)
	if v == nil {
		return nil, nil
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, e := range v.Content {
			if match(item{value: value(e, d.env)}) {
				// a long-syntax mount or device: point at its source
				if k, _ := lookup(e, "source"); k != nil {
					return k, deref(e)
				}
				return e, deref(e)
			}
		}
	case yaml.MappingNode:
		for _, p := range pairs(v) {
			if match(item{key: p.k.Value, value: value(p.v, d.env)}) {
				return p.k, p.v
			}
		}
	}
	return nil, nil
}

package composelint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v4"
)

// Default limits on what one compose file may cost before compose-go sees it.
const (
	// DefaultMaxFileSize is the largest compose file read, in bytes.
	DefaultMaxFileSize = 4 << 20
	// DefaultMaxNodes is the largest number of YAML nodes a file may expand
	// to once every alias is replaced by what it points at. Real compose
	// files stay in the thousands; an alias bomb reaches billions.
	DefaultMaxNodes = 250_000
	// maxDepth bounds nesting, so that walking a node tree cannot exhaust
	// the stack.
	maxDepth = 512
)

// limits are the per-file budgets of one run.
type limits struct {
	maxFileSize int64
	maxNodes    int64
}

// readGuarded reads a file of at most l.maxFileSize bytes.
func readGuarded(path string, l limits) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > l.maxFileSize {
		return nil, fmt.Errorf("file is %d bytes, over the limit of %d bytes", st.Size(), l.maxFileSize)
	}
	b, err := io.ReadAll(io.LimitReader(fh, l.maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > l.maxFileSize {
		return nil, fmt.Errorf("file is over the limit of %d bytes", l.maxFileSize)
	}
	return b, nil
}

// parseGuarded parses every YAML document of b into node trees, without
// expanding aliases, and rejects documents that would expand past the node
// budget (an alias bomb) or nest too deeply. Only then may b be given to a
// decoder that expands aliases.
func parseGuarded(b []byte, l limits) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []*yaml.Node
	var total int64
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("invalid YAML: %w", err)
		}
		c := counter{sizes: map[*yaml.Node]int64{}, budget: l.maxNodes - total}
		n, err := c.count(&doc, 0)
		if err != nil {
			return nil, err
		}
		total += n
		docs = append(docs, &doc)
	}
	return docs, nil
}

// counter computes how many nodes a tree expands to, each alias counted as
// the whole subtree it points at. Sizes are memoised per node, so the walk
// is linear in the size of the tree as written.
type counter struct {
	sizes  map[*yaml.Node]int64
	budget int64
}

// inProgress marks a node whose size is being computed.
const inProgress = -1

func (c *counter) count(n *yaml.Node, depth int) (int64, error) {
	if n == nil {
		return 0, nil
	}
	if depth > maxDepth {
		return 0, fmt.Errorf("YAML nests deeper than %d levels", maxDepth)
	}
	if s, ok := c.sizes[n]; ok {
		if s == inProgress {
			return 0, errors.New("YAML alias refers to a node that contains it")
		}
		return s, nil
	}
	c.sizes[n] = inProgress
	var size int64 = 1
	if n.Kind == yaml.AliasNode {
		s, err := c.count(n.Alias, depth+1)
		if err != nil {
			return 0, err
		}
		size = s
	}
	for _, ch := range n.Content {
		s, err := c.count(ch, depth+1)
		if err != nil {
			return 0, err
		}
		size += s
		if size > c.budget {
			break
		}
	}
	if size > c.budget {
		return 0, fmt.Errorf("YAML expands to more than %d nodes, counting each alias as what it points at (an alias bomb?)", c.budget)
	}
	c.sizes[n] = size
	return size, nil
}

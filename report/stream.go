package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// placeholder stands for the streamed array in the marshalled head.
const placeholder = `"\u0000vouch-stream\u0000"`

// streamJSON writes head as indented JSON, with the array at its top-level
// field marshalled one item at a time: a report of thousands of targets is
// never held in memory twice. The output is byte for byte what an indented
// json.Encoder writes for the whole document.
//
// head must hold json.RawMessage(placeholder) in the streamed field.
func streamJSON(w io.Writer, head any, n int, item func(i int) (any, error)) error {
	b, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	before, after, ok := bytes.Cut(b, []byte(placeholder))
	if !ok {
		return fmt.Errorf("report: stream placeholder missing")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(before)
	if n == 0 {
		bw.WriteString("[]")
	} else {
		bw.WriteString("[\n")
		for i := 0; i < n; i++ {
			v, err := item(i)
			if err != nil {
				return err
			}
			ib, err := json.MarshalIndent(v, "    ", "  ")
			if err != nil {
				return err
			}
			bw.WriteString("    ")
			bw.Write(ib)
			if i < n-1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
		}
		bw.WriteString("  ]")
	}
	bw.Write(after)
	bw.WriteByte('\n')
	return bw.Flush()
}

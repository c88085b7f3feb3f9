// Command gencorpus writes the compose benchmark corpus:
//
//	go run ./bench/composelint/gencorpus -n 50 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/vouch-dev/vouch/bench/composelint/corpus"
)

func main() {
	n := flag.Int("n", 50, "number of projects")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus [-n N] DIR")
		os.Exit(2)
	}
	dirs, err := corpus.Write(flag.Arg(0), *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(2)
	}
	for _, d := range dirs {
		fmt.Println(d)
	}
}

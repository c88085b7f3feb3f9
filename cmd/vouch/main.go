// Command vouch is a supply-chain security gate for CI: it lints
// Dockerfiles and compose files, scans images and filesystems, signs what
// passed, and writes every report format from one run.
//
// Exit codes: 0 passed, 1 policy failed, 2 could not decide.
package main

import "os"

func main() { os.Exit(run(os.Args[1:])) }

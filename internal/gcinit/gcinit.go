// Package gcinit turns the garbage collector off while the binary's
// packages initialize; main calls Done first thing to turn it back on.
//
// vouch links Trivy and cosign, whose package inits allocate about 22 MB
// at every start (compiled regexps, parsed YAML specs, Kubernetes
// schemes): with the default GOGC the collector runs several times during
// init for garbage that is mostly live anyway. Go initializes packages in
// dependency order, ties broken by import path, so this package runs once
// its only dependency (runtime/debug) is ready and no ready package sorts
// before it: in vouch that is about 500 of 1,271 packages in, before the
// inits that allocate two thirds of those bytes. bench/startup.sh shows
// the effect (GODEBUG=inittrace=1 shows where it lands).
package gcinit

import "runtime/debug"

// percent is the target GOGC asked for (100 unless GOGC says otherwise).
var percent = debug.SetGCPercent(-1)

// Done restores the collector's target from before init.
func Done() { debug.SetGCPercent(percent) }

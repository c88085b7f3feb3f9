// Command initprobe links only the scan package, so that
//
//	GODEBUG=inittrace=1 go run ./bench/scan/initprobe
//
// shows what linking Trivy costs every vouch start (bench/scan/startup.sh
// sums it).
package main

import _ "github.com/vouch-dev/vouch/scan"

func main() {}

package scan

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Error is a scan that could not run: the target, and the cause in one
// line.
type Error struct {
	// Target is what failed: "registry HOST", an image reference, a file,
	// the database directory.
	Target string
	Err    error
}

func (e *Error) Error() string { return e.Target + ": " + oneLine(e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// StaleDBError is a database older than the allowed age.
type StaleDBError struct {
	Dir    string
	Age    time.Duration
	MaxAge time.Duration
}

func (e *StaleDBError) Error() string {
	return fmt.Sprintf("trivy db at %s is %s old (max %s); update it or use --allow-stale-db",
		e.Dir, roundAge(e.Age), fmt.Sprintf("%dh", int(e.MaxAge/time.Hour)))
}

func roundAge(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%dh", int(d/time.Hour))
}

// registryError names the registry and the cause of a failed registry
// call: "registry 127.0.0.1:5000: unauthorized: authentication required".
func registryError(host string, err error) error {
	var terr *transport.Error
	if errors.As(err, &terr) {
		if len(terr.Errors) > 0 {
			d := terr.Errors[0]
			return &Error{Target: "registry " + host, Err: fmt.Errorf("%s: %s", strings.ToLower(string(d.Code)), d.Message)}
		}
	}
	return &Error{Target: "registry " + host, Err: err}
}

// oneLine flattens a multi-line error message.
func oneLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

package composelint

import (
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/vouch-dev/vouch/finding"
)

// rule is one check: its metadata and the function that runs it on one
// service of the merged model.
type rule struct {
	finding.Rule
	check func(s *service) []issue
}

// rules is every compose rule, in id order. Each is declared, with its
// check, in the file of its family.
var rules = []*rule{
	ruleUser,              // VCH-DC-001
	ruleCapDrop,           // VCH-DC-002
	ruleCapAdd,            // VCH-DC-003
	ruleReadOnly,          // VCH-DC-004
	ruleNoNewPrivileges,   // VCH-DC-005
	rulePrivileged,        // VCH-DC-006
	ruleRuntimeSocket,     // VCH-DC-007
	ruleSensitiveMount,    // VCH-DC-008
	ruleDevices,           // VCH-DC-009
	ruleHostNamespace,     // VCH-DC-010
	ruleUnconfined,        // VCH-DC-011
	ruleMemoryLimit,       // VCH-DC-012
	ruleCPULimit,          // VCH-DC-013
	rulePidsLimit,         // VCH-DC-014
	rulePortAllInterfaces, // VCH-DC-015
	ruleEnvSecret,         // VCH-DC-016
	ruleImagePin,          // VCH-DC-017
	ruleHealthcheck,       // VCH-DC-018
}

// Rules returns the metadata of every compose rule, in id order.
func Rules() []finding.Rule {
	out := make([]finding.Rule, len(rules))
	for i, r := range rules {
		out[i] = r.Rule
	}
	return out
}

// service is what a check sees: one service of the merged model, and the
// source map to read what was written before interpolation.
type service struct {
	name string
	cfg  types.ServiceConfig
	src  *sources
}

// issue is one problem a check found in a service.
type issue struct {
	message string
	// path is where the offending value is written, as keys from the
	// service mapping; match, if set, picks the list item or mapping entry
	// under path. When nothing is written there, the finding points at the
	// service.
	path  []string
	match func(item) bool
	// key identifies the issue within the service and rule, for the
	// fingerprint ("cap_add:SYS_ADMIN"). Never a line number, never a
	// secret.
	key string
	// severity raises the rule's severity for this issue.
	severity finding.Severity
}

// at is an issue about the value at path.
func at(message string, path ...string) issue {
	return issue{message: message, path: path, key: joinPath(path)}
}

// entry is an issue about one entry under path, picked by match.
func entry(message, key string, match func(item) bool, path ...string) issue {
	return issue{message: message, path: path, match: match, key: joinPath(path) + ":" + key}
}

func joinPath(path []string) string { return strings.Join(path, ".") }

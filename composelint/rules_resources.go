package composelint

import (
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/vouch-dev/vouch/finding"
)

// Rules about resource limits and health.

// limits returns the service's deploy.resources.limits, if any.
func (s *service) limits() *types.Resource {
	if s.cfg.Deploy == nil {
		return nil
	}
	return s.cfg.Deploy.Resources.Limits
}

func (s *service) reserved() *types.Resource {
	if s.cfg.Deploy == nil {
		return nil
	}
	return s.cfg.Deploy.Resources.Reservations
}

// has reports whether any definition of the service writes path.
func (s *service) has(path ...string) bool {
	_, ok := s.src.locate(s.name, path, nil)
	return ok
}

// firstWritten is the first of paths the service writes, or the last of
// them (which then points at the service).
func (s *service) firstWritten(paths ...[]string) []string {
	for _, p := range paths {
		if s.has(p...) {
			return p
		}
	}
	return paths[len(paths)-1]
}

// noLimit is the issue for a missing limit: at the value that fails to
// limit (such as -1) when one is written, else at the service.
func (s *service) noLimit(message, short string, long []string, reserved bool) issue {
	if reserved {
		message += " (a reservation is not a limit)"
	}
	p := s.firstWritten([]string{short}, long)
	is := at(message, p...)
	is.key = short
	return is
}

var ruleMemoryLimit = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-012", Name: "memory-limit", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service has no memory limit",
		Rationale: "A container without a memory limit can take all of the host's memory, through a leak " +
			"or an attack, and get other containers or the host's own processes killed. `-1` means no " +
			"limit, and a reservation is not a limit.",
		Fix:     "Set `deploy.resources.limits.memory` (or `mem_limit`) to what the service needs, for example `512M`.",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    mem_limit: -1\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "bb9ac4f7-e13b-423d-a010-c74a1bfbe492"}},
	},
	check: func(s *service) []issue {
		if s.cfg.MemLimit > 0 || s.limits() != nil && s.limits().MemoryBytes > 0 {
			return nil
		}
		reserved := s.cfg.MemReservation > 0 || s.reserved() != nil && s.reserved().MemoryBytes > 0
		return []issue{s.noLimit("no memory limit: set deploy.resources.limits.memory or mem_limit",
			"mem_limit", []string{"deploy", "resources", "limits", "memory"}, reserved)}
	},
}

var ruleCPULimit = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-013", Name: "cpu-limit", Category: finding.CategoryCompose, Severity: finding.Low,
		Title: "Service has no CPU limit",
		Rationale: "A container without a CPU limit can take every core of the host and starve the " +
			"other containers. `-1` or `0` means no limit, and a reservation is not a limit.",
		Fix:     "Set `deploy.resources.limits.cpus` (or `cpus`) to what the service needs, for example `\"0.5\"`.",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        reservations:\n          cpus: \"0.5\"\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits:\n          cpus: \"0.5\"\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "6b610c50-99fb-4ef0-a5f3-e312fd945bc3"}},
	},
	check: func(s *service) []issue {
		if s.cfg.CPUS > 0 || s.cfg.CPUQuota > 0 || s.limits() != nil && s.limits().NanoCPUs > 0 {
			return nil
		}
		reserved := s.reserved() != nil && s.reserved().NanoCPUs > 0
		return []issue{s.noLimit("no CPU limit: set deploy.resources.limits.cpus or cpus",
			"cpus", []string{"deploy", "resources", "limits", "cpus"}, reserved)}
	},
}

var rulePidsLimit = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-014", Name: "pids-limit", Category: finding.CategoryCompose, Severity: finding.Low,
		Title: "Service has no process limit",
		Rationale: "Without a pids limit, a fork bomb or a runaway worker pool in one container can " +
			"exhaust the host's process table. `-1` means no limit.",
		Fix:     "Set `deploy.resources.limits.pids` (or `pids_limit`), for example `200`.",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    pids_limit: -1\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    pids_limit: 200\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "221e0658-cb2a-44e3-b08a-db96a341d6fa"}},
	},
	check: func(s *service) []issue {
		if s.cfg.PidsLimit > 0 || s.limits() != nil && s.limits().Pids > 0 {
			return nil
		}
		return []issue{s.noLimit("no process limit: set deploy.resources.limits.pids or pids_limit",
			"pids_limit", []string{"deploy", "resources", "limits", "pids"}, false)}
	},
}

var ruleHealthcheck = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-018", Name: "healthcheck-disabled", Category: finding.CategoryCompose, Severity: finding.Low,
		Title: "Service disables its healthcheck",
		Rationale: "With the healthcheck disabled, a hung or compromised service keeps receiving traffic " +
			"and `depends_on: condition: service_healthy` cannot wait for it.",
		Fix:     "Remove `disable: true` (or `test: [\"NONE\"]`) and give the service a `healthcheck.test` that checks it works.",
		Bad:     "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      disable: true\n",
		Good:    "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/\"]\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "698ed579-b239-4f8f-a388-baa4bcb13ef8"}},
	},
	check: func(s *service) []issue {
		hc := s.cfg.HealthCheck
		if hc == nil {
			return nil
		}
		none := len(hc.Test) > 0 && strings.EqualFold(hc.Test[0], "NONE")
		if !hc.Disable && !none {
			return nil
		}
		p := s.firstWritten([]string{"healthcheck", "disable"}, []string{"healthcheck", "test"}, []string{"healthcheck"})
		is := at("healthcheck is disabled", p...)
		is.key = "healthcheck"
		return []issue{is}
	},
}

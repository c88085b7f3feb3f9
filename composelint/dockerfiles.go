package composelint

import (
	"context"

	"github.com/vouch-dev/vouch/finding"
)

// lintDockerfiles lints the Dockerfile of every service with `build:`.
func lintDockerfiles(ctx context.Context, p *loaded, l *linter) ([]finding.Finding, []finding.Rule, error) {
	return nil, nil, nil
}

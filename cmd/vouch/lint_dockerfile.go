package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/dockerlint"
)

type lintDockerfileOptions struct {
	Target string
	Output outputOptions
}

func newLintDockerfileCmd(g *globalOptions) *cobra.Command {
	o := &lintDockerfileOptions{}
	cmd := &cobra.Command{
		Use:   "dockerfile [PATH|DIR|-]... [--target STAGE]",
		Short: "Lint Dockerfiles as BuildKit builds them",
		Long: `dockerfile lints each Dockerfile with BuildKit's own parser and build
semantics: stages, global ARGs and their defaults, ARG and ENV expansion, and
the user the final stage (the last, or --target) runs as.

A directory is searched for Dockerfile, *.Dockerfile, Dockerfile.* and
Containerfile; - reads standard input; no argument means the current
directory. A file that cannot be linted is reported, the others still are,
and the run exits 2.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			started := time.Now()
			if err := o.Output.resolve(cmd, g); err != nil {
				return err
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			cfg := dockerlint.Config{Target: o.Target, Disable: o.Output.disabled()}
			return o.Output.emit(cmd, g, dockerlint.LintPaths(args, cmd.InOrStdin(), cfg), started)
		},
	}
	cmd.Flags().StringVar(&o.Target, "target", "", "stage that is built, as docker build --target (default: the last stage)")
	o.Output.AddFlags(cmd.Flags())
	return cmd
}

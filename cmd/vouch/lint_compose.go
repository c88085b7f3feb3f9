package main

import (
	"os"
	"runtime/debug"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vouch-dev/vouch/composelint"
)

type lintComposeOptions struct {
	Files       []string
	ProjectDir  string
	EnvFiles    []string
	Profiles    []string
	Dockerfiles bool
	Output      outputOptions
}

func newLintComposeCmd(g *globalOptions) *cobra.Command {
	o := &lintComposeOptions{}
	cmd := &cobra.Command{
		Use:   "compose [-f FILE]... [--project-directory DIR] [--env-file FILE] [--profile NAME]...",
		Short: "Lint a compose project as docker compose runs it",
		Long: `compose lints the merged model docker compose runs: override files, extends,
include, anchors and interpolation from the environment and .env applied.
Every finding names the file and line that writes the offending value.

Without -f, files are found as docker compose finds them: COMPOSE_FILE, else
compose.yaml (compose.yml, docker-compose.yml, docker-compose.yaml) and its
override file, in the project directory or the nearest parent that has one.
Every service is linted, profiled ones too, unless --profile narrows it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLintCompose(cmd, g, o)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&o.Files, "file", "f", nil, "compose file, merged in order; repeatable")
	fs.StringVar(&o.ProjectDir, "project-directory", "", "project directory (default: the first file's directory)")
	fs.StringArrayVar(&o.EnvFiles, "env-file", nil, "env file for interpolation; repeatable (default: .env in the project directory)")
	fs.StringArrayVar(&o.Profiles, "profile", nil, "lint only services with no profile or this one; repeatable")
	fs.BoolVar(&o.Dockerfiles, "dockerfiles", false, "also lint the Dockerfile of every service with build:")
	// -f is --file here, as in docker compose: --format keeps its long form.
	out := pflag.NewFlagSet("output", pflag.ContinueOnError)
	o.Output.AddFlags(out)
	out.VisitAll(func(f *pflag.Flag) {
		if f.Shorthand == "f" {
			f.Shorthand = ""
		}
		fs.AddFlag(f)
	})
	return cmd
}

func runLintCompose(cmd *cobra.Command, g *globalOptions, o *lintComposeOptions) error {
	started := time.Now()
	if err := o.Output.resolve(cmd, g); err != nil {
		return err
	}
	// A lint is short and its memory is bounded by composelint's guard:
	// collecting garbage less often saves 10 to 15% of its CPU time, for
	// ~15 MiB more peak RSS (bench/composelint/README.md).
	debug.SetGCPercent(400)
	// compose-go warns through logrus (an obsolete `version:`); the
	// findings are the report.
	logrus.SetLevel(logrus.ErrorLevel)
	results, err := composelint.Lint(cmd.Context(), composelint.Options{
		Files:       o.Files,
		ProjectDir:  o.ProjectDir,
		Env:         os.Environ(),
		EnvFiles:    o.EnvFiles,
		Profiles:    o.Profiles,
		Disable:     o.Output.disabled(),
		Dockerfiles: o.Dockerfiles,
	})
	if err != nil && results[0].Target.Name == "" {
		return err // nothing to report on: no compose file
	}
	return o.Output.emit(cmd, g, results, started)
}

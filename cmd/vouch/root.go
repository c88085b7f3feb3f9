package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/config"
)

// globalOptions are flags every command takes.
type globalOptions struct {
	ConfigFile string
	Verbose    bool

	// cfg is the loaded config file, set before any command runs.
	cfg *config.Config
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "vouch",
		Short: "A supply-chain security gate for CI",
		Long: `vouch lints Dockerfiles and compose files, scans images and filesystems,
signs what passed, and writes every report format from one run.

Exit codes: 0 passed, 1 policy failed, 2 could not decide.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		// The config file is read and checked before any command runs, so
		// a typo in it fails every command, not just the ones that use it.
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if g.ConfigFile == "" {
				// vouch.yaml in the working directory applies to every
				// command, so the hook, the CI job and a developer's run
				// judge by the same policy.
				if _, err := os.Stat(config.DefaultFile); err == nil {
					g.ConfigFile = config.DefaultFile
				}
			}
			cfg, err := config.Load(g.ConfigFile)
			if err != nil {
				return err
			}
			g.cfg = cfg
			return nil
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.PersistentFlags().StringVar(&g.ConfigFile, "config", "", "policy and settings file (vouch.yaml)")
	root.PersistentFlags().BoolVarP(&g.Verbose, "verbose", "v", false, "show suppressed findings and progress detail")

	root.AddCommand(newVersionCmd(), newRulesCmd(), newGateCmd(g), newInitCmd(), newBaselineCmd(g))
	root.AddCommand(newScanCmd(g), newSignCmd(), newVerifyCmd(), newKeygenCmd())
	root.AddCommand(newHookCmd())

	lint := newLintCmd()
	// Each linter adds its command here.
	lint.AddCommand(newLintComposeCmd(g))
	lint.AddCommand(newLintDockerfileCmd(g))
	if lint.HasSubCommands() {
		root.AddCommand(lint)
	}
	return root
}

// newLintCmd is the parent of the linters' commands.
func newLintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "lint",
		Short: "Lint Dockerfiles and compose files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("lint needs a subcommand; see 'vouch lint --help'")
		},
	}
}

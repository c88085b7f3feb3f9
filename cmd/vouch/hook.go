package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/hook"
)

func newHookCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Install, remove or run the git pre-push hook",
		Long: `The pre-push hook runs 'vouch gate --lint-only' on the Dockerfiles and
compose files a push changes, and refuses the push when the gate fails or
cannot decide. It honours core.hooksPath and keeps an existing pre-push hook
(renamed to pre-push.vouch-chained and run first). Skip it once with
'git push --no-verify'.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("hook needs a subcommand; see 'vouch hook --help'")
		},
	}
	var command string
	install := &cobra.Command{
		Use:   "install",
		Short: "Add the pre-push hook to this repository (idempotent)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if command == "" {
				command = hookCommand()
			}
			res, err := hook.Install(hook.InstallOptions{Command: command})
			if err != nil {
				return err
			}
			w := cmd.ErrOrStderr()
			switch {
			case !res.Changed:
				fmt.Fprintf(w, "vouch: %s is installed already\n", res.Path)
			case res.Chained != "":
				fmt.Fprintf(w, "vouch: installed %s; it runs %s first\n", res.Path, res.Chained)
			default:
				fmt.Fprintf(w, "vouch: installed %s\n", res.Path)
			}
			return nil
		},
	}
	install.Flags().StringVar(&command, "command", "", "vouch executable the hook runs (default: this one, else vouch from PATH)")
	uninstall := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove the pre-push hook and restore the hook it chained",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := hook.Uninstall("")
			if errors.Is(err, hook.ErrNotInstalled) {
				fmt.Fprintf(cmd.ErrOrStderr(), "vouch: %s\n", err)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "vouch: removed %s (restored the chained hook: %t)\n", res.Path, res.Restored)
			return nil
		},
	}
	run := &cobra.Command{
		Use:   "run [REMOTE [URL]]",
		Short: "What the hook runs: lint what the push on standard input changes",
		Args:  cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHook(cmd, args)
		},
	}
	cmd.AddCommand(install, uninstall, run)
	return cmd
}

// hookCommand is this executable, unless it is a temporary one (go run):
// then the hook runs vouch from PATH.
func hookCommand() string {
	self, err := os.Executable()
	if err != nil || strings.Contains(filepath.ToSlash(self), "/go-build") {
		return "vouch"
	}
	return self
}

func runHook(cmd *cobra.Command, args []string) error {
	updates, err := hook.ParseUpdates(cmd.InOrStdin())
	if err != nil {
		return err
	}
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	opts := hook.RunOptions{Dir: dir, Updates: updates, Log: cmd.ErrOrStderr()}
	if len(args) > 0 {
		opts.Remote = args[0]
	}
	opts.Lint = func(ctx context.Context, job hook.Job) (int, error) {
		c := exec.CommandContext(ctx, self, append([]string{"gate", "--lint-only", "--"}, job.Paths...)...)
		c.Dir, c.Env, c.Stdout, c.Stderr = job.Dir, job.Env, cmd.OutOrStdout(), cmd.ErrOrStderr()
		err := c.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), nil
		}
		return 0, err
	}
	code, err := hook.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	if code != 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "vouch: push refused (skip the hook once with 'git push --no-verify')")
		return &verdictError{verdict(code)}
	}
	return nil
}

// verdict maps a child gate's exit code back to its verdict; anything but
// 0 and 1 could not decide.
func verdict(code int) finding.Verdict {
	switch code {
	case 0:
		return finding.Passed
	case 1:
		return finding.Failed
	}
	return finding.Undecided
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/gate"
)

type initOptions struct {
	Force bool
}

func newInitCmd() *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter vouch.yaml for this repository",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := os.Getwd()
			if err != nil {
				return err
			}
			found, err := gate.Discover(root, nil, nil, nil)
			if err != nil {
				return err
			}
			path := filepath.Join(root, config.DefaultFile)
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if o.Force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flags, 0o644)
			if errors.Is(err, os.ErrExist) {
				return usagef("%s exists; --force replaces it", config.DefaultFile)
			}
			if err != nil {
				return err
			}
			if _, err := f.WriteString(config.Starter(found.Dockerfiles, found.ComposeDirs)); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s: %d Dockerfile(s) and %d compose project(s) found. Run 'vouch gate'.\n",
				config.DefaultFile, len(found.Dockerfiles), len(found.ComposeDirs))
			return nil
		},
	}
	cmd.Flags().BoolVar(&o.Force, "force", false, "replace an existing vouch.yaml")
	return cmd
}

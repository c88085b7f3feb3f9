package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/gate"
)

type baselineOptions struct {
	Output   string
	LintOnly bool
	Images   []string
	Registry registryFlags
	Scan     scanFlags
}

func newBaselineCmd(g *globalOptions) *cobra.Command {
	parent := &cobra.Command{Use: "baseline", Short: "Record today's findings so that the gate fails only on new ones"}
	o := &baselineOptions{}
	write := &cobra.Command{
		Use:   "write [PATH...]",
		Short: "Run the gate's checks and record every finding in a baseline file",
		RunE: func(cmd *cobra.Command, paths []string) error {
			root, err := os.Getwd()
			if err != nil {
				return err
			}
			opts := gate.Options{Root: root, Config: g.cfg, ConfigName: configName(g), Paths: relPaths(root, paths),
				Images: o.Images, LintOnly: o.LintOnly, Env: os.Environ(), Now: clock()}
			if !o.LintOnly {
				if opts.Scanner, err = o.Scan.scanner(cmd, g.cfg, o.Registry); err != nil {
					return err
				}
			}
			out, err := gate.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			for _, res := range out.Results {
				if res.Error != "" {
					return fmt.Errorf("%s: %s; a baseline of an incomplete run would hide findings", res.Target.Name, res.Error)
				}
			}
			b := gate.NewBaseline(out.Results, clock())
			tmp, err := os.CreateTemp(filepath.Dir(o.Output), ".baseline.*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			if err := b.Write(tmp); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Chmod(tmp.Name(), 0o644); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), o.Output); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s: %d finding(s) accepted. Use it with --baseline %s or baseline: in vouch.yaml.\n",
				o.Output, len(b.Findings), o.Output)
			return nil
		},
	}
	fs := write.Flags()
	fs.StringVarP(&o.Output, "output", "o", ".vouch-baseline.json", "baseline file to write")
	fs.BoolVar(&o.LintOnly, "lint-only", false, "record only the linters' findings")
	fs.StringArrayVar(&o.Images, "image", nil, "image to scan; repeatable")
	o.Registry.addFlags(fs)
	o.Scan.addFlags(fs)
	parent.AddCommand(write)
	return parent
}

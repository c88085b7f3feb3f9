package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set by the release build: -ldflags "-X main.version=… -X main.commit=…".
var (
	version = ""
	commit  = ""
)

// vouchVersion is the version reports carry: numeric, for SARIF.
func vouchVersion() string {
	if version != "" {
		return strings.TrimPrefix(version, "v")
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "0.0.0-dev"
}

func vouchCommit() string {
	if commit != "" {
		return commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// components are the modules whose versions `vouch version` reports.
var components = []struct{ name, module string }{
	{"trivy", "github.com/aquasecurity/trivy"},
	{"cosign", "github.com/sigstore/cosign/v2"},
	{"buildkit", "github.com/moby/buildkit"},
	{"compose-go", "github.com/compose-spec/compose-go/v2"},
	{"go-containerregistry", "github.com/google/go-containerregistry"},
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print vouch's version and the versions of what it embeds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "vouch %s\n", vouchVersion())
			fmt.Fprintf(w, "  %-21s %s\n", "commit:", vouchCommit())
			fmt.Fprintf(w, "  %-21s %s %s/%s\n", "go:", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			deps := map[string]string{}
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, d := range bi.Deps {
					v := d.Version
					if d.Replace != nil {
						v = d.Replace.Version
					}
					deps[d.Path] = v
				}
			}
			for _, c := range components {
				v := deps[c.module]
				if v == "" {
					v = "not linked"
				}
				fmt.Fprintf(w, "  %-21s %s\n", c.name+":", v)
			}
			return nil
		},
	}
}

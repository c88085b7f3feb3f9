package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/finding"
	"github.com/vouch-dev/vouch/gate"
	"github.com/vouch-dev/vouch/scan"
)

// scanCmdFlags are the scanner settings only the scan commands take, on
// top of the shared scanFlags and registryFlags.
type scanCmdFlags struct {
	AllPlatforms bool
	SBOM         string
	IgnoreFile   string
	VEX          []string
	Scanners     []string
	CacheBackend string
	Parallel     int
	MaxLayerMiB  int64
	Server       string
	Token        string
}

func (s *scanCmdFlags) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&s.AllPlatforms, "all-platforms", false, "scan every image of a multi-platform index")
	fs.StringVar(&s.SBOM, "sbom", "", "also write the CycloneDX SBOM of the same analysis to PATH")
	fs.StringVar(&s.IgnoreFile, "ignorefile", "", "Trivy ignore file (default: .trivyignore.yaml, else .trivyignore, if present)")
	fs.StringArrayVar(&s.VEX, "vex", nil, "OpenVEX (or CSAF, CycloneDX VEX) document; repeatable")
	fs.StringSliceVar(&s.Scanners, "scanners", []string{"vuln", "secret"}, "scanners to run: vuln, secret")
	fs.StringVar(&s.CacheBackend, "cache-backend", "memory", "layer cache: memory, fs (in --cache-dir) or redis://HOST:PORT")
	fs.IntVar(&s.Parallel, "parallel", 5, "layers and files analysed at once")
	fs.StringVar(&s.Server, "server", "", "Trivy server URL (client/server mode; the server holds the database and the layer cache)")
	fs.StringVar(&s.Token, "token", "", "token for the Trivy server (also VOUCH_TRIVY_TOKEN)")
	fs.Int64Var(&s.MaxLayerMiB, "max-layer-size", scan.DefaultMaxLayerSize>>20, "MiB a layer may expand to; past it the scan fails (exit 2)")
}

type scanCmdOptions struct {
	Input     string
	OCILayout string
	Scan      scanFlags
	Registry  registryFlags
	Own       scanCmdFlags
	Output    outputOptions
}

func newScanCmd(g *globalOptions) *cobra.Command {
	parent := &cobra.Command{
		Use:   "scan",
		Short: "Scan images and directories for known vulnerabilities and secrets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("scan needs a subcommand; see 'vouch scan --help'")
		},
	}
	parent.AddCommand(newScanImageCmd(g), newScanFSCmd(g))
	return parent
}

func (o *scanCmdOptions) addFlags(cmd *cobra.Command) {
	o.Scan.addFlags(cmd.Flags())
	_ = cmd.Flags().MarkHidden("no-fs-scan")
	o.Registry.addFlags(cmd.Flags())
	o.Own.addFlags(cmd.Flags())
	o.Output.AddFlags(cmd.Flags())
}

func newScanImageCmd(g *globalOptions) *cobra.Command {
	o := &scanCmdOptions{}
	cmd := &cobra.Command{
		Use:   "image [REF | --input FILE | --oci-layout DIR]",
		Short: "Scan a container image by digest",
		Long: `image resolves REF to its digest first (auth from the Docker config and
credential helpers), then scans exactly that image: OS packages, language
lockfiles, Go and Rust binaries, and secrets. --input scans a docker-archive
or OCI archive tar, --oci-layout an OCI layout directory. Every finding names
the digest. A registry, database or archive problem exits 2.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			started := time.Now()
			src := scan.ImageSource{Input: o.Input, OCILayout: o.OCILayout}
			if len(args) == 1 {
				src.Ref = args[0]
			}
			if n := len(args) + btoi(o.Input != "") + btoi(o.OCILayout != ""); n != 1 {
				return usagef("scan image takes one of REF, --input FILE or --oci-layout DIR")
			}
			s, err := o.scanner(cmd, g)
			if err != nil {
				return err
			}
			reps, err := s.Image(cmd.Context(), src)
			if err != nil {
				return err
			}
			results := make([]finding.Result, len(reps))
			for i := range reps {
				results[i] = reps[i].Result
			}
			return o.Output.emit(cmd, g, results, started)
		},
	}
	cmd.Flags().StringVar(&o.Input, "input", "", "docker-archive or OCI archive tar to scan")
	cmd.Flags().StringVar(&o.OCILayout, "oci-layout", "", "OCI layout directory to scan")
	o.addFlags(cmd)
	return cmd
}

func newScanFSCmd(g *globalOptions) *cobra.Command {
	o := &scanCmdOptions{}
	cmd := &cobra.Command{
		Use:   "fs [PATH]",
		Short: "Scan a directory: lockfiles, binaries and secrets",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			started := time.Now()
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			s, err := o.scanner(cmd, g)
			if err != nil {
				return err
			}
			rep, err := s.FS(cmd.Context(), path)
			if err != nil {
				return err
			}
			return o.Output.emit(cmd, g, []finding.Result{rep.Result}, started)
		},
	}
	o.addFlags(cmd)
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scanner resolves the output flags and builds the library's options from
// the flags over the config file.
func (o *scanCmdOptions) scanner(cmd *cobra.Command, g *globalOptions) (*scan.Scanner, error) {
	if err := o.Output.resolve(cmd, g); err != nil {
		return nil, err
	}
	cfg := g.cfg
	if cfg == nil {
		cfg = &config.Config{}
	}
	o.Scan.progress = o.Output.progress(cmd.ErrOrStderr())
	opts, err := scanOptions(cmd.Flags(), &o.Scan, o.Registry, cfg)
	if err != nil {
		return nil, err
	}
	opts.AllPlatforms = o.Own.AllPlatforms
	opts.SBOM = o.Own.SBOM
	opts.VEX = o.Own.VEX
	opts.CacheBackend = o.Own.CacheBackend
	opts.Parallel = o.Own.Parallel
	opts.MaxLayerSize = o.Own.MaxLayerMiB << 20
	opts.Server, opts.ServerToken = o.Own.Server, o.Own.Token
	if opts.ServerToken == "" {
		opts.ServerToken = os.Getenv("VOUCH_TRIVY_TOKEN")
	}
	if o.Own.IgnoreFile != "" {
		opts.IgnoreFile = o.Own.IgnoreFile
	}
	for _, sc := range o.Own.Scanners {
		switch sc {
		case "vuln":
			opts.Vulnerabilities = true
		case "secret":
			opts.Secrets = true
		default:
			return nil, usagef("--scanners %q: want vuln or secret", sc)
		}
	}
	if g.Verbose {
		opts.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	s, err := scan.New(opts)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return s, nil
}

// scanOptions maps the shared scan and registry flags, over the config
// file's scan section, onto the library's options. The gate uses it too.
func scanOptions(fs *pflag.FlagSet, s *scanFlags, reg registryFlags, cfg *config.Config) (scan.Options, error) {
	opts := scan.Options{
		DBRepositories: s.DBRepositories,
		CacheDir:       s.CacheDir,
		SkipDBUpdate:   s.SkipDBUpdate,
		Offline:        s.Offline,
		DBMaxAge:       s.DBMaxAge,
		AllowStaleDB:   s.AllowStaleDB,
		// A progress bar for the database download, on a terminal only.
		DownloadProgress: s.progress,
		IgnoreUnfixed:    s.IgnoreUnfixed,
		Platform:         s.Platform,
		CAFile:           reg.CAFile,
		Insecure:         reg.Insecure,
	}
	if len(opts.DBRepositories) == 0 {
		opts.DBRepositories = cfg.Scan.DBRepositories
	}
	if opts.CacheDir == "" {
		opts.CacheDir = cfg.Scan.CacheDir
	}
	opts.SkipDBUpdate = opts.SkipDBUpdate || cfg.Scan.SkipDBUpdate
	if !fs.Changed("db-max-age") && cfg.Scan.DBMaxAge != "" {
		d, err := config.ParseDays(cfg.Scan.DBMaxAge)
		if err != nil {
			return opts, usagef("config scan.db-max-age: %v", err)
		}
		opts.DBMaxAge = d
	}
	if !fs.Changed("platform") && cfg.Scan.Platform != "" {
		opts.Platform = cfg.Scan.Platform
	}
	opts.IgnoreUnfixed = opts.IgnoreUnfixed || cfg.IgnoreUnfixed
	// Trivy's ignore files in the working directory apply as Trivy
	// applies them, to `vouch scan` and the gate alike.
	for _, f := range []string{".trivyignore.yaml", ".trivyignore"} {
		if _, err := os.Stat(f); err == nil {
			opts.IgnoreFile = f
			break
		}
	}
	return opts, nil
}

// gateScanner is the gate's scanner on the scan library.
type gateScanner struct{ s *scan.Scanner }

// newGateScanner builds the gate's scanner from the shared flags and the
// config.
func newGateScanner(fs *pflag.FlagSet, s *scanFlags, reg registryFlags, cfg *config.Config) (gate.Scanner, error) {
	opts, err := scanOptions(fs, s, reg, cfg)
	if err != nil {
		return nil, err
	}
	sc, err := scan.New(opts)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return gateScanner{sc}, nil
}

func (g gateScanner) ScanImage(ctx context.Context, ref string) (*gate.ImageScan, error) {
	reps, err := g.s.Image(ctx, scan.ImageSource{Ref: ref})
	if err != nil {
		return nil, err
	}
	if len(reps) != 1 {
		return nil, fmt.Errorf("%s: %d platforms scanned, the gate signs one", ref, len(reps))
	}
	r := reps[0]
	return &gate.ImageScan{Result: r.Result, Ref: r.Ref, SBOM: r.SBOM, Vulnerabilities: r.Vulnerabilities,
		DBUpdatedAt: r.DBUpdatedAt, ScannerVersion: r.ScannerVersion}, nil
}

func (g gateScanner) ScanFilesystem(ctx context.Context, dir string) (finding.Result, error) {
	rep, err := g.s.FS(ctx, dir)
	return rep.Result, err
}

package main

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vouch-dev/vouch/config"
	"github.com/vouch-dev/vouch/gate"
)

// scanFlags configure the embedded scanner, for every command that scans.
type scanFlags struct {
	DBRepositories []string
	CacheDir       string
	SkipDBUpdate   bool
	Offline        bool
	DBMaxAge       time.Duration
	AllowStaleDB   bool
	IgnoreUnfixed  bool
	Platform       string
	NoFilesystem   bool

	// progress draws the database download's progress bar: set by the
	// command when standard error is a terminal and output is not quiet.
	progress bool
}

func (s *scanFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.DBRepositories, "db-repository", nil, "vulnerability database repository, tried in order; repeatable")
	fs.StringVar(&s.CacheDir, "cache-dir", "", "cache directory (default: the user cache directory)")
	fs.BoolVar(&s.SkipDBUpdate, "skip-db-update", false, "use the cached vulnerability database as it is")
	fs.BoolVar(&s.Offline, "offline", false, "make no network call for the database (implies --skip-db-update)")
	fs.DurationVar(&s.DBMaxAge, "db-max-age", 72*time.Hour, "an older vulnerability database is an error (exit 2)")
	fs.BoolVar(&s.AllowStaleDB, "allow-stale-db", false, "accept a database older than --db-max-age")
	fs.BoolVar(&s.IgnoreUnfixed, "ignore-unfixed", false, "leave out vulnerabilities that have no fix yet")
	fs.StringVar(&s.Platform, "platform", "linux/amd64", "platform to scan in a multi-platform image")
	fs.BoolVar(&s.NoFilesystem, "no-fs-scan", false, "do not scan the repository's files")
}

// maxAge is the database age limit in force, as a Go duration string.
func (s *scanFlags) maxAge(cfg *config.Config) string {
	if cfg.Scan.DBMaxAge != "" {
		if d, err := config.ParseDays(cfg.Scan.DBMaxAge); err == nil {
			return d.String()
		}
	}
	return s.DBMaxAge.String()
}

// scanner builds the gate's scanner from the flags and the config.
func (s *scanFlags) scanner(cmd *cobra.Command, cfg *config.Config, reg registryFlags) (gate.Scanner, error) {
	if s.NoFilesystem {
		off := false
		cfg.Scan.Filesystem = &off
	}
	return newGateScanner(cmd.Flags(), s, reg, cfg)
}

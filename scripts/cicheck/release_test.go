package cicheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReleaseAssetNames keeps the release config and the installers in
// step: the archives and checksums GoReleaser names are the ones the
// action and the GitLab template download.
func TestReleaseAssetNames(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version  int `yaml:"version"`
		Archives []struct {
			Formats      []string `yaml:"formats"`
			NameTemplate string   `yaml:"name_template"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string `yaml:"algorithm"`
		} `yaml:"checksum"`
		Sboms []any `yaml:"sboms"`
		Signs []any `yaml:"signs"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	render := strings.NewReplacer("{{ .Version }}", "1.2.3", "{{ .Os }}", "linux", "{{ .Arch }}", "amd64").Replace
	if cfg.Version != 2 || len(cfg.Archives) != 1 || len(cfg.Archives[0].Formats) != 1 || cfg.Archives[0].Formats[0] != "tar.gz" {
		t.Fatalf("release config: %+v", cfg)
	}
	archive := render(cfg.Archives[0].NameTemplate) + ".tar.gz"
	if archive != "vouch_1.2.3_linux_amd64.tar.gz" {
		t.Errorf("archive %s, but the installers download vouch_1.2.3_linux_amd64.tar.gz", archive)
	}
	if render(cfg.Checksum.NameTemplate) != "vouch_1.2.3_checksums.txt" || cfg.Checksum.Algorithm != "sha256" {
		t.Errorf("checksums: %+v", cfg.Checksum)
	}
	if len(cfg.Sboms) == 0 || len(cfg.Signs) == 0 {
		t.Error("the release must produce an SBOM and a signature")
	}
	for _, f := range []string{"scripts/action-install.sh", "templates/vouch.gitlab-ci.yml"} {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "vouch_${") || !strings.Contains(string(b), "_linux_amd64.tar.gz") && !strings.Contains(string(b), "_${os}_${arch}.tar.gz") {
			t.Errorf("%s does not build the archive name vouch_<version>_<os>_<arch>.tar.gz", f)
		}
	}
}

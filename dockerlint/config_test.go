package dockerlint

import (
	"slices"
	"testing"
)

// TestConfigDetectors checks the image-configuration rules on the final
// stage and the stages it is built from.
func TestConfigDetectors(t *testing.T) {
	from := "FROM alpine:3.20" + pin
	// Most cases have no HEALTHCHECK, so VCH-DF-023 is expected with them.
	tests := []struct {
		name, src string
		want      []string
	}{
		{"expose range", from + "\nEXPOSE 20-25/tcp\n", []string{"VCH-DF-020", "VCH-DF-023"}},
		{"expose udp 22", from + "\nEXPOSE 22/udp\n", []string{"VCH-DF-023"}},
		{"expose from ARG", from + "\nARG P=22\nEXPOSE $P\n", []string{"VCH-DF-020", "VCH-DF-023"}},
		{"expose inherited", from + " AS base\nEXPOSE 22\nFROM base\n", []string{"VCH-DF-020", "VCH-DF-023"}},
		{"expose in a builder", from + " AS build\nEXPOSE 22\n" + from + "\n", []string{"VCH-DF-023"}},
		{"workdir relative", from + "\nWORKDIR src/app\n", []string{"VCH-DF-022", "VCH-DF-023"}},
		{"workdir variable", from + "\nENV D=/srv\nWORKDIR $D/app\n", []string{"VCH-DF-023"}},
		{"workdir windows", from + "\nWORKDIR C:\\\\app\n", []string{"VCH-DF-023"}},
		{"only the CMD in effect", from + "\nCMD echo one\nCMD [\"two\"]\n", []string{"VCH-DF-023"}},
		{"shell ENTRYPOINT", from + "\nENTRYPOINT exec /app\n", []string{"VCH-DF-021", "VCH-DF-023"}},
		{"inherited shell CMD", from + " AS base\nCMD /app\nFROM base\n", []string{"VCH-DF-021", "VCH-DF-023"}},
		{"healthcheck none", from + "\nHEALTHCHECK NONE\n", nil},
		{"healthcheck inherited", from + " AS base\nHEALTHCHECK CMD [\"true\"]\nFROM base\n", nil},
		{"healthcheck in a builder", from + " AS build\nHEALTHCHECK CMD [\"true\"]\n" + from + "\n", []string{"VCH-DF-023"}},
	}
	configRules := []string{"VCH-DF-020", "VCH-DF-021", "VCH-DF-022", "VCH-DF-023"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Lint("Dockerfile", []byte(tt.src), Config{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				if slices.Contains(configRules, f.RuleID) {
					got = append(got, f.RuleID)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

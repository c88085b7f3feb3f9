package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ValidateJSON checks doc against the JSON Schema in the file schemaPath
// (any draft the schema declares) and fails the test with every violation.
func ValidateJSON(t testing.TB, schemaPath string, doc []byte) {
	t.Helper()
	if err := CheckJSON(schemaPath, doc); err != nil {
		t.Error(err)
	}
}

// CheckJSON checks doc against the JSON Schema in the file schemaPath.
func CheckJSON(schemaPath string, doc []byte) error {
	sf, err := os.Open(schemaPath)
	if err != nil {
		return err
	}
	defer sf.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(sf)
	if err != nil {
		return fmt.Errorf("schema %s: %w", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "file:///" + filepath.Base(schemaPath)
	if err := c.AddResource(url, schemaDoc); err != nil {
		return fmt.Errorf("schema %s: %w", schemaPath, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return fmt.Errorf("compile schema %s: %w", schemaPath, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("document is not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("document does not match %s:\n%v", filepath.Base(schemaPath), err)
	}
	return nil
}

// CheckSARIF runs Microsoft's SARIF Multitool (tool) with GitHub's and the
// SARIF rule kinds over doc and returns an error listing every result, error
// or warning it reports; nil means zero.
func CheckSARIF(tool string, doc []byte) error {
	dir, err := os.MkdirTemp("", "sarif")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.sarif")
	out := filepath.Join(dir, "out.sarif")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		return err
	}
	cmd := exec.Command(tool, "validate", "--rule-kind", "Gh;Sarif", in, "--output", out, "--log", "ForceOverwrite")
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	combined, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("Sarif.Multitool validate: %v\n%s", err, combined)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	var log struct {
		Runs []struct {
			Results     []json.RawMessage `json:"results"`
			Invocations []struct {
				ToolExecutionNotifications []json.RawMessage `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		return err
	}
	var problems []string
	for _, run := range log.Runs {
		for _, res := range run.Results {
			problems = append(problems, "result: "+string(res))
		}
		for _, inv := range run.Invocations {
			for _, n := range inv.ToolExecutionNotifications {
				problems = append(problems, "notification: "+string(n))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("Sarif.Multitool found %d problem(s):\n%s\n%s", len(problems), joinLines(problems), combined)
	}
	return nil
}

func joinLines(ss []string) string {
	var b bytes.Buffer
	for _, s := range ss {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.String()
}

package testutil

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ValidateJSON checks doc against the JSON Schema in the file schemaPath
// (any draft the schema declares) and fails the test with every violation.
func ValidateJSON(t testing.TB, schemaPath string, doc []byte) {
	t.Helper()
	sf, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(sf)
	if err != nil {
		t.Fatalf("schema %s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "file:///" + filepath.Base(schemaPath)
	if err := c.AddResource(url, schemaDoc); err != nil {
		t.Fatalf("schema %s: %v", schemaPath, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile schema %s: %v", schemaPath, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("document is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("document does not match %s:\n%v", filepath.Base(schemaPath), err)
	}
}

package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/vouch-dev/vouch/internal/testutil"
)

func schemaPath(t *testing.T) string {
	return filepath.Join(testutil.RepoRoot(t), "docs", "schemas", "vouch.schema.json")
}

// toJSON converts a YAML document to JSON for schema validation.
func toJSON(t *testing.T, doc string) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStarterMatchesSchema: what vouch init writes is valid for vouch and
// for the schema editors read.
func TestStarterMatchesSchema(t *testing.T) {
	doc := Starter([]string{"Dockerfile"}, []string{"deploy"})
	if _, err := Parse([]byte(doc)); err != nil {
		t.Fatalf("starter does not parse: %v", err)
	}
	testutil.ValidateJSON(t, schemaPath(t), toJSON(t, doc))
}

// TestSchemaAgreesWithParser: the schema rejects what the parser rejects.
func TestSchemaAgreesWithParser(t *testing.T) {
	for _, doc := range []string{
		"fail_on: high\n",
		"fail-on: severe\n",
		"thresholds: {secrets: low}\n",
		"exceptions: [{id: X, expires: 2027-01-01}]\n",
		"exceptions: [{id: X, reason: r}]\n",
		"exceptions: [{id: X, reason: r, expires: soon}]\n",
		"expiry-warning: soon\n",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("parser accepts %q", doc)
		}
		if err := testutil.CheckJSON(schemaPath(t), toJSON(t, doc)); err == nil {
			t.Errorf("schema accepts %q", doc)
		}
	}
}

// TestSchemaCoversEveryKey: every key the parser knows is in the schema.
func TestSchemaCoversEveryKey(t *testing.T) {
	var schema struct {
		Properties map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(readFile(t, schemaPath(t))), &schema); err != nil {
		t.Fatal(err)
	}
	check := func(name string, typ reflect.Type, props map[string]any) {
		var missing []string
		for i := 0; i < typ.NumField(); i++ {
			tag := strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			if _, ok := props[tag]; !ok {
				missing = append(missing, tag)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: keys missing from the schema: %v", name, missing)
		}
	}
	top := map[string]any{}
	for k := range schema.Properties {
		top[k] = true
	}
	check("top level", reflect.TypeOf(Config{}), top)
	check("scan", reflect.TypeOf(ScanConfig{}), schema.Properties["scan"].Properties)
	check("sign", reflect.TypeOf(SignConfig{}), schema.Properties["sign"].Properties)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

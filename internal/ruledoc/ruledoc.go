// Package ruledoc renders rule declarations into their documentation pages,
// docs/rules/<id>.md. The pages are generated: edit the declaration, then
// run the owning package's tests with -update.
package ruledoc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

// Render returns the Markdown page of one rule.
func Render(r finding.Rule) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "<!-- Generated from the rule declaration; do not edit. -->\n\n")
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| id | `%s` |\n| name | `%s` |\n| category | %s |\n| severity | %s |\n",
		r.ID, r.Name, r.Category, r.Severity)
	if len(r.Aliases) > 0 {
		var as []string
		for _, a := range r.Aliases {
			as = append(as, fmt.Sprintf("%s `%s`", a.Tool, a.ID))
		}
		fmt.Fprintf(&b, "| aliases | %s |\n", strings.Join(as, ", "))
	}
	fmt.Fprintf(&b, "\n## Why\n\n%s\n\n## Fix\n\n%s\n", strings.TrimSpace(r.Rationale), strings.TrimSpace(r.Fix))
	lang := codeLang(r.Category)
	if r.Bad != "" {
		fmt.Fprintf(&b, "\n## Flagged\n\n```%s\n%s\n```\n", lang, strings.TrimRight(r.Bad, "\n"))
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "\n## Passes\n\n```%s\n%s\n```\n", lang, strings.TrimRight(r.Good, "\n"))
	}
	fmt.Fprintf(&b, "\n## Suppress\n\n%s\n", suppressHelp(r))
	return b.Bytes()
}

func codeLang(c finding.Category) string {
	switch c {
	case finding.CategoryDockerfile:
		return "dockerfile"
	case finding.CategoryCompose:
		return "yaml"
	}
	return ""
}

func suppressHelp(r finding.Rule) string {
	switch r.Category {
	case finding.CategoryDockerfile:
		return fmt.Sprintf("Put `# vouch:ignore=%s` on the line above the instruction, or "+
			"`# vouch:ignore-file=%s` anywhere in the file, or list the rule under `disable:` in `vouch.yaml`. "+
			"Suppressed findings are still reported as suppressed.", r.ID, r.ID)
	case finding.CategoryCompose:
		return fmt.Sprintf("Put `# vouch:ignore=%s` on the line above the offending key or the service, "+
			"or list the rule under `disable:` in `vouch.yaml`. Suppressed findings are still reported as suppressed.", r.ID)
	}
	return "Add an exception with a reason and an expiry date in `vouch.yaml`."
}

// Sync compares (or, with update, writes) the page of every rule under dir.
// It returns the ids whose page is missing or stale.
func Sync(dir string, rules []finding.Rule, update bool) ([]string, error) {
	var stale []string
	for _, r := range rules {
		path := filepath.Join(dir, r.ID+".md")
		want := Render(r)
		got, err := os.ReadFile(path)
		if err == nil && bytes.Equal(got, want) {
			continue
		}
		if update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				return nil, err
			}
			continue
		}
		stale = append(stale, r.ID)
	}
	return stale, nil
}

package finding

import "strings"

// DocsBaseURL is where rule documentation is published; a rule's help URL
// is DocsBaseURL + id + ".md".
const DocsBaseURL = "https://github.com/vouch-dev/vouch/blob/main/docs/rules/"

// Rule is the metadata of one check. Linters declare their rules as data;
// report writers read the metadata (SARIF rule descriptors, docs pages).
type Rule struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"` // kebab-case
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	// Rationale says why the rule matters, Fix what to do about it.
	Rationale string `json:"rationale"`
	Fix       string `json:"fix"`
	// Bad and Good are short examples: one that the rule flags, one that
	// passes.
	Bad  string `json:"bad,omitempty"`
	Good string `json:"good,omitempty"`
	// Aliases are the ids of equivalent checks in other tools.
	Aliases []Alias `json:"aliases,omitempty"`
}

// Alias is the id of an equivalent check in another tool.
type Alias struct {
	Tool string `json:"tool"` // "hadolint", "trivy", "kics"
	ID   string `json:"id"`
}

// HelpURL is the rule's documentation page.
func (r Rule) HelpURL() string { return DocsBaseURL + r.ID + ".md" }

// Matches reports whether s names the rule: its id, its name or one of its
// aliases, case-insensitively.
func (r Rule) Matches(s string) bool {
	if strings.EqualFold(s, r.ID) || strings.EqualFold(s, r.Name) {
		return true
	}
	for _, a := range r.Aliases {
		if strings.EqualFold(s, a.ID) {
			return true
		}
	}
	return false
}

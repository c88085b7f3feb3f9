package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vouch-dev/vouch/composelint"
	"github.com/vouch-dev/vouch/dockerlint"
	"github.com/vouch-dev/vouch/finding"
)

// allRules lists the rules of every linter, sorted by id.
func allRules() []finding.Rule {
	var rules []finding.Rule
	// Each linter adds its rules here.
	rules = append(rules, composelint.Rules()...)
	rules = append(rules, dockerlint.Rules()...)
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

type rulesOptions struct{ Format string }

func newRulesCmd() *cobra.Command {
	o := &rulesOptions{}
	cmd := &cobra.Command{
		Use:   "rules [ID|NAME]",
		Short: "List every rule, or show one in full",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Format != "text" && o.Format != "json" {
				return usagef("--format %q: want text or json", o.Format)
			}
			rules := allRules()
			if len(args) == 1 {
				r, ok := findRule(rules, args[0])
				if !ok {
					return usagef("no rule %q; 'vouch rules' lists them", args[0])
				}
				return writeRule(cmd.OutOrStdout(), r, o.Format)
			}
			return writeRules(cmd.OutOrStdout(), rules, o.Format)
		},
	}
	cmd.Flags().StringVarP(&o.Format, "format", "f", "text", "text or json")
	return cmd
}

func findRule(rules []finding.Rule, s string) (finding.Rule, bool) {
	for _, r := range rules {
		if r.Matches(s) {
			return r, true
		}
	}
	return finding.Rule{}, false
}

type ruleJSON struct {
	finding.Rule
	HelpURL string `json:"helpUri"`
}

func writeRules(w io.Writer, rules []finding.Rule, format string) error {
	if format == "json" {
		out := make([]ruleJSON, len(rules))
		for i, r := range rules {
			out[i] = ruleJSON{r, r.HelpURL()}
		}
		return encodeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tTITLE\tALIASES")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Severity, r.Title, aliasList(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d rules. 'vouch rules ID' shows one in full; docs: %s\n", len(rules), finding.DocsBaseURL)
	return err
}

func writeRule(w io.Writer, r finding.Rule, format string) error {
	if format == "json" {
		return encodeJSON(w, ruleJSON{r, r.HelpURL()})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "  name:      %s\n  category:  %s\n  severity:  %s\n", r.Name, r.Category, r.Severity)
	if a := aliasList(r); a != "" {
		fmt.Fprintf(&b, "  aliases:   %s\n", a)
	}
	fmt.Fprintf(&b, "  docs:      %s\n\nWhy\n%s\n\nFix\n%s\n", r.HelpURL(), indent(r.Rationale), indent(r.Fix))
	if r.Bad != "" {
		fmt.Fprintf(&b, "\nFlagged\n%s\n", indent(r.Bad))
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "\nPasses\n%s\n", indent(r.Good))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func aliasList(r finding.Rule) string {
	var as []string
	for _, a := range r.Aliases {
		as = append(as, a.Tool+":"+a.ID)
	}
	return strings.Join(as, " ")
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

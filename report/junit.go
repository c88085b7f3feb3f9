package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vouch-dev/vouch/finding"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// writeJUnit writes one test suite per target and one test case per rule
// and file. A case fails when a finding of its rule counts against the
// threshold; findings below it, or suppressed, make a skipped case with
// the reason, so nothing is lost. A target that could not be checked is one
// errored case.
func writeJUnit(w io.Writer, r *Report) error {
	doc := junitSuites{Name: r.Tool.Name}
	for i := range r.Results {
		s := junitSuiteFor(r, &r.Results[i])
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitSuiteFor(r *Report, res *finding.Result) junitSuite {
	s := junitSuite{Name: res.Target.ID()}
	if !r.StartedAt.IsZero() {
		s.Timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	}
	if res.Error != "" {
		s.Tests, s.Errors = 1, 1
		s.Cases = []junitCase{{
			Name: "check " + res.Target.Name, ClassName: res.Target.ID(),
			Error: &junitMessage{Message: res.Error, Type: "error"},
		}}
		return s
	}
	type key struct{ rule, file string }
	groups := map[key][]*finding.Finding{}
	var keys []key
	for _, f := range sortedFindings(res) {
		k := key{f.RuleID, f.Location.Path}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], f)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].file != keys[j].file {
			return keys[i].file < keys[j].file
		}
		return keys[i].rule < keys[j].rule
	})
	for _, k := range keys {
		c := junitCaseFor(r, res.Target, k.rule, k.file, groups[k])
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	if len(s.Cases) == 0 {
		// A clean target is one passing case, so the suite is not empty.
		s.Tests = 1
		s.Cases = []junitCase{{Name: "no findings", ClassName: res.Target.ID()}}
	}
	return s
}

func junitCaseFor(r *Report, t finding.Target, ruleID, file string, fs []*finding.Finding) junitCase {
	rule := r.Rule(fs[0])
	name := ruleID
	if rule.Title != "" {
		name += ": " + rule.Title
	}
	if file != "" {
		name += " (" + file + ")"
	}
	c := junitCase{Name: name, ClassName: t.ID(), File: file}
	var failing, other []string
	for _, f := range fs {
		line := junitLine(f)
		if r.Threshold.Fails(f) {
			failing = append(failing, line)
		} else {
			other = append(other, line)
		}
	}
	switch {
	case len(failing) > 0:
		c.Failure = &junitMessage{
			Message: fmt.Sprintf("%d finding(s) at or above %s", len(failing), r.Threshold.For(fs[0].Category)),
			Type:    fs[0].Severity.String(),
			Body:    strings.Join(append(failing, other...), "\n"),
		}
	default:
		c.Skipped = &junitMessage{
			Message: fmt.Sprintf("%d finding(s) below %s or suppressed", len(other), r.Threshold.For(fs[0].Category)),
			Body:    strings.Join(other, "\n"),
		}
	}
	return c
}

func junitLine(f *finding.Finding) string {
	where := f.Location.Path
	if f.Location.StartLine > 0 {
		where = fmt.Sprintf("%s:%d", where, f.Location.StartLine)
	}
	if where == "" {
		where = f.Location.Logical
	}
	s := fmt.Sprintf("[%s] %s: %s", f.Severity, where, resultMessage(f))
	if f.Suppression != nil {
		s += " (suppressed: " + string(f.Suppression.Kind)
		if f.Suppression.Reason != "" {
			s += ", " + f.Suppression.Reason
		}
		s += ")"
	}
	return s
}

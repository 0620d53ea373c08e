// Package relapse is a client's relapse-prevention plan: the triggers and
// early warning signs they know, a coping strategy for each, people to call,
// safe places, their reasons for recovery, what to do after a lapse, and the
// crisis steps that every plan carries and no one can remove. It is written
// with the client; a client author is as much an author as a counselor, so
// each version records which kind wrote it. Every save is a new version. No
// SQL, no HTTP.
package relapse

import (
	"fmt"
	"strings"
	"time"
)

// Limits on a plan, so that a form cannot grow without bound.
const (
	MaxItems = 10 // per list
	maxText  = 500
)

// Author kinds.
const (
	AuthorStaff  = "staff"
	AuthorClient = "client"
)

// Cue is something that puts recovery at risk, with what the client does
// about it.
type Cue struct {
	Text   string `json:"text"`
	Coping string `json:"coping"`
}

// Contact is a person to call.
type Contact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship,omitempty"`
	Phone        string `json:"phone"`
}

// Plan is one version of a client's relapse-prevention plan.
type Plan struct {
	ID           string    `json:"-"`
	ClientID     string    `json:"-"`
	Version      int       `json:"-"`
	Triggers     []Cue     `json:"triggers"`
	WarningSigns []Cue     `json:"warning_signs"`
	Contacts     []Contact `json:"contacts"`
	SafePlaces   []string  `json:"safe_places"`
	Reasons      []string  `json:"reasons"`
	AfterLapse   string    `json:"after_lapse"`

	AuthorKind string    `json:"-"`
	AuthorName string    `json:"-"`
	At         time.Time `json:"-"`
}

// CrisisStep is one of the steps every plan shows first.
type CrisisStep struct {
	Text, Call, Tel string
}

// CrisisSteps are the crisis steps of every plan, in order. They are not
// stored with the plan, so no version can lose them.
func CrisisSteps(centerName, centerPhone string) []CrisisStep {
	steps := []CrisisStep{
		{Text: "Thinking about suicide, or in emotional crisis: call or text the 988 Suicide & Crisis Lifeline", Call: "988", Tel: "988"},
		{Text: "In danger, or someone may have overdosed or be in dangerous withdrawal: call 911 (give naloxone if you have it)", Call: "911", Tel: "911"},
	}
	if digits := telDigits(centerPhone); digits != "" {
		steps = append(steps, CrisisStep{Text: "Call " + centerName + " and ask for the counselor on duty", Call: centerPhone, Tel: digits})
	}
	return steps
}

func telDigits(phone string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, phone)
}

// Empty reports whether nothing was written.
func (p Plan) Empty() bool {
	return len(p.Triggers)+len(p.WarningSigns)+len(p.Contacts)+len(p.SafePlaces)+len(p.Reasons) == 0 &&
		strings.TrimSpace(p.AfterLapse) == ""
}

// Field names of the plan form.
func Field(list string, i int, name string) string { return fmt.Sprintf("%s%d.%s", list, i, name) }

// Check validates a version and returns field problems: a trigger or sign
// without its coping strategy, a contact without a name or a phone number,
// lists too long, texts too long, or nothing written at all.
func (p Plan) Check() map[string]string {
	out := map[string]string{}
	if p.Empty() {
		out["plan"] = "Write at least one part of the plan: a trigger, a person to call, a reason for recovery."
	}
	long := func(key, s string) {
		if len(s) > maxText {
			out[key] = fmt.Sprintf("Keep this to %d characters.", maxText)
		}
	}
	for name, cues := range map[string][]Cue{"trigger": p.Triggers, "sign": p.WarningSigns} {
		if len(cues) > MaxItems {
			out[name+"s"] = fmt.Sprintf("A plan holds at most %d of these.", MaxItems)
		}
		for i, c := range cues {
			if strings.TrimSpace(c.Text) == "" {
				out[Field(name, i, "text")] = "Describe it, or clear its coping strategy."
			}
			if strings.TrimSpace(c.Coping) == "" {
				out[Field(name, i, "coping")] = "Write what the client will do when this happens."
			}
			long(Field(name, i, "text"), c.Text)
			long(Field(name, i, "coping"), c.Coping)
		}
	}
	if len(p.Contacts) > MaxItems {
		out["contacts"] = fmt.Sprintf("A plan holds at most %d people.", MaxItems)
	}
	for i, c := range p.Contacts {
		if strings.TrimSpace(c.Name) == "" {
			out[Field("contact", i, "name")] = "Enter the person's name."
		}
		if d := telDigits(c.Phone); len(strings.TrimPrefix(d, "+")) < 7 || len(d) > 16 {
			out[Field("contact", i, "phone")] = "Enter a phone number the client can call (at least 7 digits)."
		}
		long(Field("contact", i, "name"), c.Name)
		long(Field("contact", i, "relationship"), c.Relationship)
	}
	for name, list := range map[string][]string{"place": p.SafePlaces, "reason": p.Reasons} {
		if len(list) > MaxItems {
			out[name+"s"] = fmt.Sprintf("A plan holds at most %d of these.", MaxItems)
		}
		for i, s := range list {
			long(Field(name, i, "text"), s)
		}
	}
	if len(p.AfterLapse) > 2000 {
		out["after_lapse"] = "Keep this to 2000 characters."
	}
	return out
}

// Change is one difference between two versions.
type Change struct {
	Kind  string // "added" or "removed"
	Where string // the part of the plan
	Text  string
}

func (p Plan) lines() [][2]string {
	var out [][2]string
	for _, c := range p.Triggers {
		out = append(out, [2]string{"Trigger", c.Text + " → " + c.Coping})
	}
	for _, c := range p.WarningSigns {
		out = append(out, [2]string{"Early warning sign", c.Text + " → " + c.Coping})
	}
	for _, c := range p.Contacts {
		who := c.Name
		if c.Relationship != "" {
			who += " (" + c.Relationship + ")"
		}
		out = append(out, [2]string{"Person to call", who + ", " + c.Phone})
	}
	for _, s := range p.SafePlaces {
		out = append(out, [2]string{"Safe place or activity", s})
	}
	for _, s := range p.Reasons {
		out = append(out, [2]string{"Reason for recovery", s})
	}
	if strings.TrimSpace(p.AfterLapse) != "" {
		out = append(out, [2]string{"After a lapse", p.AfterLapse})
	}
	return out
}

// Diff lists what version b added to and removed from version a. A
// reworded line shows as the old one removed and the new one added.
func Diff(a, b Plan) []Change {
	count := map[[2]string]int{}
	for _, l := range a.lines() {
		count[l]++
	}
	var added []Change
	for _, l := range b.lines() {
		if count[l] > 0 {
			count[l]--
			continue
		}
		added = append(added, Change{Kind: "added", Where: l[0], Text: l[1]})
	}
	var out []Change
	for _, l := range a.lines() {
		if count[l] > 0 {
			count[l]--
			out = append(out, Change{Kind: "removed", Where: l[0], Text: l[1]})
		}
	}
	return append(out, added...)
}

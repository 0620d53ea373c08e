package builder

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// Change is a what-if: a group added to the master schedule, or one
// client's availability widened.
type Change struct {
	AddGroup *Group `json:"add_group,omitempty"`
	Widen    *Widen `json:"widen,omitempty"`
}

// Widen adds windows to a client's availability.
type Widen struct {
	Client string `json:"client"`
	Spans  []Span `json:"spans"`
}

// Effect is what a change would do to a solved week.
type Effect struct {
	Met, Clients int // after the change
	Gained       int // Met minus the base's (negative if the week got worse)
	// Newly meet their minimum with the change; NoLonger meet it (the
	// search may trade one client for two). Client ids, in instance order.
	Newly, NoLonger []string
	Result          *Result
}

// WhatIf solves the week again with the change and compares it with base,
// which must be the result of the same instance and options.
func WhatIf(ctx context.Context, in *Instance, base *Result, ch Change, opt Options) (Effect, error) {
	changed, err := ch.Apply(in)
	if err != nil {
		return Effect{}, err
	}
	r, err := Solve(ctx, changed, opt)
	if err != nil {
		return Effect{}, err
	}
	e := Effect{Met: r.Objective.Met, Clients: r.Objective.Clients, Gained: r.Objective.Met - base.Objective.Met, Result: r}
	shortBefore, shortAfter := map[string]bool{}, map[string]bool{}
	for _, s := range base.Short {
		shortBefore[s.Client] = true
	}
	for _, s := range r.Short {
		shortAfter[s.Client] = true
	}
	for _, c := range in.Clients {
		switch {
		case shortBefore[c.ID] && !shortAfter[c.ID]:
			e.Newly = append(e.Newly, c.ID)
		case !shortBefore[c.ID] && shortAfter[c.ID]:
			e.NoLonger = append(e.NoLonger, c.ID)
		}
	}
	return e, nil
}

// Apply returns a copy of the instance with the change made. An added
// group without an id is given one no other group has.
func (ch Change) Apply(in *Instance) (*Instance, error) {
	out := *in
	out.Groups = slices.Clone(in.Groups)
	out.Clients = slices.Clone(in.Clients)
	if g := ch.AddGroup; g != nil {
		added := *g
		if added.ID == "" {
			added.ID = "what-if"
			for n := 2; slices.ContainsFunc(out.Groups, func(o Group) bool { return o.ID == added.ID }); n++ {
				added.ID = fmt.Sprintf("what-if-%d", n)
			}
		}
		out.Groups = append(out.Groups, added)
	}
	if w := ch.Widen; w != nil {
		i := slices.IndexFunc(out.Clients, func(c Client) bool { return c.ID == w.Client })
		if i < 0 {
			return nil, fmt.Errorf("what-if: client %q is not in the week", w.Client)
		}
		out.Clients[i].Available = mergeSpans(append(slices.Clone(out.Clients[i].Available), w.Spans...))
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return &out, nil
}

// mergeSpans joins overlapping and touching windows, so a widened
// availability stays valid.
func mergeSpans(spans []Span) []Span {
	slices.SortFunc(spans, func(a, b Span) int { return a.from() - b.from() })
	var out []Span
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].Day == s.Day && s.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// ParseSpan reads a window as people type it: "Tue 18:00-21:00" or
// "Tue 6:00 pm-9:00 pm". Day names are the first three letters, any case.
func ParseSpan(s string) (Span, error) {
	bad := fmt.Errorf("%q is not a window like \"Tue 18:00-21:00\"", s)
	day, times, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Span{}, bad
	}
	d := slices.IndexFunc(dayNames, func(n string) bool { return strings.EqualFold(n, day) })
	from, to, ok := strings.Cut(times, "-")
	if d < 0 || !ok {
		return Span{}, bad
	}
	start, err1 := parseClock(from)
	end, err2 := parseClock(to)
	if err1 != nil || err2 != nil {
		return Span{}, bad
	}
	if end == 0 {
		end = 24 * 60 // "-00:00" or "-12:00 am" is the end of the day
	}
	if end <= start {
		return Span{}, fmt.Errorf("%q ends before it starts", s)
	}
	return Span{Day: Day(d), Start: start, End: end}, nil
}

// parseClock takes model.ParseClock's 24-hour form, and the 12-hour forms
// the pages show, which the model's form fields do not accept.
func parseClock(s string) (int, error) {
	if c, err := model.ParseClock(s); err == nil {
		return int(c), nil
	}
	s = strings.ToLower(strings.TrimSpace(s))
	for _, layout := range []string{"3:04 pm", "3:04pm", "3 pm", "3pm"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Hour()*60 + t.Minute(), nil
		}
	}
	return 0, fmt.Errorf("%q is not a time of day", s)
}

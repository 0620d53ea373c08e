package builder

import (
	"context"
	"fmt"
	"slices"
)

// Change is a what-if: a group added to the master schedule, or one
// client's availability widened.
type Change struct {
	AddGroup *Group `json:"add_group,omitempty"`
	Widen    *Widen `json:"widen,omitempty"`
}

// Widen adds a window to a client's availability.
type Widen struct {
	Client string `json:"client"`
	Span   Span   `json:"span"`
}

// WhatIf solves the week again with the change and reports how many more
// clients would meet their minimum than in base (which must be the result
// of the same instance and options).
func WhatIf(ctx context.Context, in *Instance, base *Result, ch Change, opt Options) (int, *Result, error) {
	changed, err := ch.Apply(in)
	if err != nil {
		return 0, nil, err
	}
	r, err := Solve(ctx, changed, opt)
	if err != nil {
		return 0, nil, err
	}
	return r.Objective.Met - base.Objective.Met, r, nil
}

// Apply returns a copy of the instance with the change made.
func (ch Change) Apply(in *Instance) (*Instance, error) {
	out := *in
	out.Groups = slices.Clone(in.Groups)
	out.Clients = slices.Clone(in.Clients)
	if ch.AddGroup != nil {
		out.Groups = append(out.Groups, *ch.AddGroup)
	}
	if w := ch.Widen; w != nil {
		i := slices.IndexFunc(out.Clients, func(c Client) bool { return c.ID == w.Client })
		if i < 0 {
			return nil, fmt.Errorf("what-if: client %q is not in the week", w.Client)
		}
		out.Clients[i].Available = mergeSpans(append(slices.Clone(out.Clients[i].Available), w.Span))
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

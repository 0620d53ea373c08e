package builder

import (
	"context"
	"math/rand/v2"
)

// repair is the incremental re-solve of one site: previous weeks that still
// fit are kept as they were; the rest are placed around them, and the
// search moves others only for a strict gain in clients meeting the minimum.
func (s *site) repair(ctx context.Context, previous map[string]Assignment, rng *rand.Rand, opt Options) (*state, int) {
	st := newState(s)
	groupLocal := map[string]int{}
	for l, g := range s.groups {
		groupLocal[s.in.Groups[g.id].ID] = l
	}
	slotLocal := map[Session]int{}
	for l, sl := range s.slots {
		slotLocal[Session{s.in.Counselors[s.counselors[sl.counselor].id].ID, sl.span}] = l
	}
	changed := map[int]bool{}
	for ci, c := range s.clients {
		a, ok := previous[s.in.Clients[c.id].ID]
		if !ok {
			changed[ci] = true
			continue
		}
		p, ok := st.planFrom(ci, a, groupLocal, slotLocal)
		if !ok {
			changed[ci] = true
			continue
		}
		st.place(ci, p)
	}
	for ci := range s.clients {
		if changed[ci] {
			p, _ := st.best(ci, anyProcess, false, false)
			st.place(ci, p)
		}
	}
	budget := opt.Iterations
	if budget <= 0 {
		budget = 200 + 50*len(changed)
	}
	iters := st.search(ctx, rng, budget, opt.TimeBox, true)
	st.fill(changed)
	st.keepCurrent()
	return st, iters
}

// planFrom reads a previous assignment back, if it still fits the client's
// domain, the seats and the slots.
func (st *state) planFrom(ci int, a Assignment, groupLocal map[string]int, slotLocal map[Session]int) (plan, bool) {
	c := &st.s.clients[ci]
	p := plan{process: -1}
	if a.Process != "" {
		g, ok := groupLocal[a.Process]
		if !ok || !contains(c.process, g) || !st.free(g) {
			return p, false
		}
		p.process = g
	} else if c.fixed {
		return p, false
	}
	for _, id := range a.Groups {
		g, ok := groupLocal[id]
		if !ok || !contains(c.works, g) || !st.free(g) {
			return p, false
		}
		p.works = append(p.works, g)
	}
	for _, sess := range a.Sessions {
		sl, ok := slotLocal[sess]
		if !ok || !contains(c.slots, sl) || !st.slotOpen(ci, sl) {
			return p, false
		}
		p.slots = append(p.slots, sl)
	}
	spans := st.spansOf(p)
	for i := range spans {
		for j := i + 1; j < len(spans); j++ {
			if spans[i].Overlaps(spans[j]) {
				return p, false
			}
		}
	}
	return p, true
}

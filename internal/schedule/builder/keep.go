package builder

import (
	"fmt"
	"slices"
)

// Continuity beyond the process group: a client keeps the groups they are
// enrolled in now, even those beyond their weekly minimum, unless a seat
// is needed for someone else to reach their minimum. The search picks the
// fewest groups that reach each client's minimum; this pass, after it,
// gives clients back the current groups left out, and frees the seats that
// newcomers hold in them when the newcomer does as well without.

// keepCurrent runs the pass over a solved site. It never lowers the number
// of clients meeting their minimum, continuity or preferences.
func (st *state) keepCurrent() {
	s := st.s
	// A current process group with a seat, that the client does as well in.
	for ci := range s.clients {
		c := &s.clients[ci]
		if c.fixed || c.cur < 0 || st.plans[ci].process == c.cur || !contains(c.process, c.cur) || !st.free(c.cur) {
			continue
		}
		before := st.score
		old := st.remove(ci)
		p, _ := st.best(ci, c.cur, false, false)
		st.place(ci, p)
		if st.score.less(before) {
			st.remove(ci)
			st.place(ci, old)
		}
	}
	for ci := range s.clients {
		st.restoreCurrent(ci)
	}
	// Seats newcomers hold in a group someone is enrolled in now.
	for ci := range s.clients {
		c := &s.clients[ci]
		for _, g := range c.curWorks {
			if contains(st.plans[ci].works, g) || !contains(c.works, g) || st.free(g) {
				continue
			}
			for h := range s.clients {
				if h != ci && contains(st.plans[h].works, g) && !contains(s.clients[h].curWorks, g) && st.rehome(h, g) {
					st.restoreCurrent(ci)
					break
				}
			}
		}
	}
}

// restoreCurrent adds back the client's current groups that have a seat,
// fit their availability and do not clash with their process group or
// slots; another group that clashes with one goes, if the client still
// meets the minimum (or, when short, has no fewer hours).
func (st *state) restoreCurrent(ci int) {
	s := st.s
	c := &s.clients[ci]
	for _, g := range c.curWorks {
		p := st.plans[ci]
		if contains(p.works, g) || !contains(c.works, g) || !st.free(g) {
			continue
		}
		meets := s.groups[g].meets
		if p.process >= 0 && meetingsOverlap(meets, s.groups[p.process].meets) {
			continue
		}
		clash := false
		for _, sl := range p.slots {
			clash = clash || meetingsOverlap(meets, []Span{s.slots[sl].span})
		}
		if clash {
			continue
		}
		q := plan{process: p.process, slots: slices.Clone(p.slots)}
		for _, w := range p.works {
			if !meetingsOverlap(meets, s.groups[w].meets) {
				q.works = append(q.works, w)
			} else if contains(c.curWorks, w) {
				clash = true // two current groups at one time: keep the one chosen
			}
		}
		if clash {
			continue
		}
		q.works = append(q.works, g)
		was, now := st.vals[ci], st.evaluate(ci, q)
		if was.met && !now.met || !was.met && now.minutes < was.minutes {
			continue
		}
		st.remove(ci)
		st.place(ci, q)
	}
}

// rehome tries to move client h, a newcomer to group g, to a week without
// g that is as good for them (same process group, meeting the minimum if
// they did, no less continuity, preference or current groups kept). It
// reports whether h moved and left a seat in g.
func (st *state) rehome(h, g int) bool {
	was := st.vals[h]
	keptBefore := st.keptWorks(h, st.plans[h])
	old := st.remove(h)
	st.load[g]++ // a seat no one takes while h looks elsewhere
	p, v := st.best(h, old.process, false, false)
	st.load[g]--
	// A client short of the minimum does not need g to reach it, so it goes
	// back to the client enrolled in it now even if h has fewer hours.
	if p.process != old.process || was.met && !v.met || v.continuity < was.continuity || v.preference < was.preference ||
		st.keptWorks(h, p) < keptBefore {
		st.place(h, old)
		return false
	}
	st.place(h, p)
	return true
}

func (st *state) keptWorks(ci int, p plan) int {
	n := 0
	for _, w := range p.works {
		if contains(st.s.clients[ci].curWorks, w) {
			n++
		}
	}
	return n
}

// leaving lists the client's current groups that their planned week
// leaves out, each with its reason.
func (st *state) leaving(ci int) []Left {
	s := st.s
	c := &s.clients[ci]
	p := st.plans[ci]
	var out []Left
	add := func(g int, f string, a ...any) {
		out = append(out, Left{Group: s.in.Groups[s.groups[g].id].ID, Reason: fmt.Sprintf(f, a...)})
	}
	if c.cur >= 0 && p.process != c.cur {
		switch {
		case !contains(c.process, c.cur):
			add(c.cur, "%s", st.outOfDomain(ci, c.cur))
		case !st.free(c.cur):
			add(c.cur, "%s", st.fullReason(c.cur))
		case !st.couldMeet(ci, c.cur):
			add(c.cur, "with it, the groups within their availability cannot make up their weekly minimum")
		case p.process >= 0:
			add(c.cur, "with it, the seats left in other groups do not make up their weekly minimum; %s does", st.label(p.process))
		default:
			add(c.cur, "with it, the seats left in other groups do not make up their weekly minimum")
		}
	}
	for _, g := range c.curWorks {
		if contains(p.works, g) {
			continue
		}
		if !contains(c.works, g) {
			add(g, "%s", st.outOfDomain(ci, g))
			continue
		}
		if other := st.clashing(p, g); other != "" {
			add(g, "it clashes with %s in their planned week", other)
			continue
		}
		if !st.free(g) {
			add(g, "%s", st.fullReason(g))
			continue
		}
		add(g, "keeping it would leave them further from their weekly minimum")
	}
	return out
}

// fullReason says who holds the seats of a full group: newcomers keep a
// seat someone is enrolled in now only when they need it for their minimum
// (rehome), so either they do or the group is over-enrolled.
func (st *state) fullReason(g int) string {
	s := st.s
	newcomers := 0
	for h := range s.clients {
		p := st.plans[h]
		in := p.process == g || contains(p.works, g)
		if in && s.clients[h].cur != g && !contains(s.clients[h].curWorks, g) {
			newcomers++
		}
	}
	if newcomers == 0 {
		return fmt.Sprintf("it has %d seats for more current members", s.groups[g].cap)
	}
	return fmt.Sprintf("it is full (%d of %d) and %s", st.load[g], s.groups[g].cap,
		plural(newcomers, "a client new to it needs the seat to meet their weekly minimum", "%d clients new to it need the seats to meet their weekly minimum"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

// couldMeet reports whether the client could meet the minimum with process
// group g, were every seat free.
func (st *state) couldMeet(ci, g int) bool {
	_, ok := st.probeAlone(ci, g)
	return ok
}

// outOfDomain says why group g is not open to the client this week.
func (st *state) outOfDomain(ci, g int) string {
	s := st.s
	cl := &s.in.Clients[s.clients[ci].id]
	grp := &s.in.Groups[s.groups[g].id]
	switch {
	case grp.Program != cl.Program:
		return fmt.Sprintf("it is a %s group and they are in the %s program", grp.Program, cl.Program)
	case grp.Capacity <= 0:
		return "it has no seats this week"
	case !allInside(grp.Meetings, cl.Available):
		return fmt.Sprintf("it meets (%s) outside their availability", grp.When())
	case grp.Closed:
		return "it is a closed cohort with more members than seats"
	}
	return "it is not open to them this week"
}

// clashing names the item of the plan that overlaps group g, if any.
func (st *state) clashing(p plan, g int) string {
	s := st.s
	meets := s.groups[g].meets
	if p.process >= 0 && meetingsOverlap(meets, s.groups[p.process].meets) {
		return "their process group " + st.label(p.process)
	}
	for _, w := range p.works {
		if meetingsOverlap(meets, s.groups[w].meets) {
			return st.label(w)
		}
	}
	for _, sl := range p.slots {
		if meetingsOverlap(meets, []Span{s.slots[sl].span}) {
			return "their individual session " + s.slots[sl].span.String()
		}
	}
	return ""
}

func (st *state) label(g int) string {
	grp := &st.s.in.Groups[st.s.groups[g].id]
	return fmt.Sprintf("%s (%s)", grp.Label(), grp.When())
}

package builder

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

func assemble(in *Instance, states []*state, figures []SiteFigure) *Result {
	r := &Result{Assignments: make([]Assignment, len(in.Clients)), Sites: figures}
	for _, st := range states {
		s := st.s
		o := st.objective()
		r.Objective.Clients += o.Clients
		r.Objective.Met += o.Met
		r.Objective.Continuity += o.Continuity
		r.Objective.Preference += o.Preference
		r.Objective.Balance += o.Balance
		r.Objective.Kept += o.Kept
		r.Objective.KeepPossible += o.KeepPossible
		r.Objective.Enrolments += o.Enrolments
		r.Objective.EnrolmentsKept += o.EnrolmentsKept
		for ci, c := range s.clients {
			p, v := st.plans[ci], st.vals[ci]
			a := Assignment{Client: in.Clients[c.id].ID, Minutes: v.minutes, Days: v.days, Met: v.met}
			if p.process >= 0 {
				a.Process = in.Groups[s.groups[p.process].id].ID
			}
			for _, w := range p.works {
				a.Groups = append(a.Groups, in.Groups[s.groups[w].id].ID)
			}
			slices.Sort(a.Groups)
			for _, sl := range p.slots {
				a.Sessions = append(a.Sessions, Session{in.Counselors[s.counselors[s.slots[sl].counselor].id].ID, s.slots[sl].span})
			}
			a.Left = st.leaving(ci)
			r.Assignments[c.id] = a
		}
		for ci := range s.clients {
			if !st.vals[ci].met {
				r.Short = append(r.Short, st.explain(ci))
			}
		}
	}
	slices.SortFunc(r.Short, func(a, b Short) int { return strings.Compare(a.Client, b.Client) })
	return r
}

func hours(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%.1f h", float64(m)/60)
}

// explain says which constraint keeps a client short and what would help.
func (st *state) explain(ci int) Short {
	s := st.s
	c := &s.clients[ci]
	cl := &s.in.Clients[c.id]
	v := st.vals[ci]
	sh := Short{Client: cl.ID, Minutes: v.minutes, Need: c.need}
	reason := func(f string, a ...any) { sh.Reasons = append(sh.Reasons, fmt.Sprintf(f, a...)) }
	help := func(f string, a ...any) { sh.Helps = append(sh.Helps, fmt.Sprintf(f, a...)) }
	if len(c.process) == 0 && len(c.works) == 0 {
		reason("no %s group at this site fits their availability", cl.Program)
	}
	// Could they meet it if every seat were theirs?
	alone := plan{process: -1}
	reachable := false
	for _, g := range append(append([]int(nil), c.process...), -1) {
		if p, ok := st.probeAlone(ci, g); ok {
			alone, reachable = p, true
			break
		}
	}
	if !reachable {
		most := probe{st: st, ci: ci, ignoreCap: true, partial: true}
		_, mv := most.run(anyProcess)
		switch {
		case mv.minutes < c.need:
			reason("the groups within their availability add up to at most %s of the %s minimum", hours(mv.minutes), hours(c.need))
		case mv.days < c.needDays:
			reason("the groups within their availability meet on %d days; the minimum is %d days", mv.days, c.needDays)
		case mv.sessions < c.needSess:
			if len(c.slots) == 0 {
				who := "any counselor"
				if c.counselor >= 0 {
					k := s.in.Counselors[s.counselors[c.counselor].id]
					who = "their counselor " + cmp.Or(k.Name, k.ID)
				}
				reason("%s has no individual slot within their availability", who)
			} else {
				reason("the individual slots within their availability clash with the groups they need")
			}
		default:
			reason("no combination of groups within their availability avoids overlaps and reaches the minimum")
		}
		st.widenHelps(ci, help)
		return sh
	}
	// Seats or slots are the binding constraint.
	var full []string
	if pg := alone.process; pg >= 0 && !st.free(pg) && st.plans[ci].process != pg {
		g := &s.in.Groups[s.groups[pg].id]
		full = append(full, fmt.Sprintf("%s (%s) is full, %d of %d", g.Label(), g.When(), st.load[pg], g.Capacity))
	}
	for _, w := range alone.works {
		if !st.free(w) && !contains(st.plans[ci].works, w) {
			g := &s.in.Groups[s.groups[w].id]
			full = append(full, fmt.Sprintf("%s (%s) is full, %d of %d", g.Label(), g.When(), st.load[w], g.Capacity))
		}
	}
	for _, sl := range alone.slots {
		if o := st.slotBy[sl]; o >= 0 && o != ci {
			full = append(full, fmt.Sprintf("the individual slot %s with %s is taken", s.slots[sl].span, s.in.Counselors[s.counselors[s.slots[sl].counselor].id].ID))
		} else if o < 0 && !st.slotOpen(ci, sl) {
			full = append(full, fmt.Sprintf("counselor %s has reached their caseload limit", s.in.Counselors[s.counselors[s.slots[sl].counselor].id].ID))
		}
	}
	if len(full) == 0 {
		full = append(full, "the seats they could use are taken by clients who need them to meet their own minimum")
	}
	reason("%s", strings.Join(full, "; "))
	for _, w := range append([]int{alone.process}, alone.works...) {
		if w >= 0 && !st.free(w) {
			g := &s.in.Groups[s.groups[w].id]
			help("one more seat in %s (%s), or a second group at that time", g.Label(), g.When())
			break
		}
	}
	return sh
}

// widenHelps tries each group of the client's program at the site that is
// outside their availability: if widening their windows to cover it would
// let them meet the minimum, it says so.
func (st *state) widenHelps(ci int, help func(string, ...any)) {
	s := st.s
	c := &s.clients[ci]
	cl := &s.in.Clients[c.id]
	found := 0
	for l, g := range s.groups {
		grp := &s.in.Groups[g.id]
		if found >= 2 || grp.Program != cl.Program || g.cap <= 0 || contains(c.process, l) || contains(c.works, l) || g.closed && l != c.cur {
			continue
		}
		saved := *c
		if g.process {
			c.process = append(slices.Clone(c.process), l)
		} else {
			c.works = append(slices.Clone(c.works), l)
			slices.SortStableFunc(c.works, func(a, b int) int { return s.groups[b].minutes - s.groups[a].minutes })
		}
		ok := false
		for _, o := range append(append([]int(nil), c.process...), -1) {
			if _, ok = st.probeAloneFresh(ci, o); ok {
				break
			}
		}
		*c = saved
		if ok {
			help("widening their availability to cover %s (%s) would let them reach the minimum", grp.Label(), grp.When())
			found++
		}
	}
	if found == 0 && slotHelp(c) != "" {
		help("%s", slotHelp(c))
	}
}

func slotHelp(c *cclient) string {
	if c.needSess > 0 && len(c.slots) == 0 {
		return "an individual slot within their availability"
	}
	return ""
}

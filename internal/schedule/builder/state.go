package builder

import "slices"

// debugChecks turns on internal consistency checks (tests set it).
var debugChecks = false

// plan is one client's week: a process group (or -1), other groups and
// individual slots (local indices).
type plan struct {
	process int
	works   []int
	slots   []int
}

func (p plan) clone() plan {
	return plan{p.process, slices.Clone(p.works), slices.Clone(p.slots)}
}

// value is what a plan is worth to one client.
type value struct {
	met        bool
	continuity int // 2: same process group; 1: another group of the same track
	preference int // preferred track, telehealth
	minutes    int
	days       int
	sessions   int
}

// score is the lexicographic objective of a whole site (or network).
type score struct {
	Met        int
	Continuity int
	Preference int
	Balance    int64 // minus the sum of squared group sizes and counselor loads
}

func (a score) less(b score) bool {
	switch {
	case a.Met != b.Met:
		return a.Met < b.Met
	case a.Continuity != b.Continuity:
		return a.Continuity < b.Continuity
	case a.Preference != b.Preference:
		return a.Preference < b.Preference
	}
	return a.Balance < b.Balance
}

// state is an assignment of a site's clients with the loads it causes.
type state struct {
	s      *site
	plans  []plan
	vals   []value
	load   []int // per group
	slotBy []int // per slot: client, or -1
	seen   []int // per counselor: sessions this week (balance)
	extra  []int // per counselor: clients without a fixed counselor assigned to them
	score  score

	scratch struct { // reused by the per-client search, which never nests
		cands, slots, chosen []int
		suffix               []uint8
		suffixMax            []int
		spans                []Span
	}
}

func newState(s *site) *state {
	st := &state{s: s, plans: make([]plan, len(s.clients)), vals: make([]value, len(s.clients)),
		load: make([]int, len(s.groups)), slotBy: make([]int, len(s.slots)),
		seen: make([]int, len(s.counselors)), extra: make([]int, len(s.counselors))}
	for i := range st.plans {
		st.plans[i].process = -1
	}
	for i := range st.slotBy {
		st.slotBy[i] = -1
	}
	return st
}

func (st *state) evaluate(ci int, p plan) value {
	s := st.s
	c := &s.clients[ci]
	var v value
	var days uint8
	if p.process >= 0 {
		g := &s.groups[p.process]
		v.minutes += g.minutes
		days |= g.days
		v.continuity, v.preference = st.processWorth(ci, p.process)
	}
	for _, w := range p.works {
		v.minutes += s.groups[w].minutes
		days |= s.groups[w].days
	}
	for _, sl := range p.slots {
		if s.sessCount {
			v.minutes += s.slots[sl].minutes
		}
		days |= 1 << uint(s.slots[sl].span.Day)
	}
	_ = c
	v.sessions = len(p.slots)
	v.days = popcount(days)
	v.met = v.minutes >= c.need && v.days >= c.needDays && v.sessions >= c.needSess
	return v
}

// processWorth is the continuity and preference a process group gives a client.
func (st *state) processWorth(ci, g int) (continuity, preference int) {
	c := &st.s.clients[ci]
	grp := &st.s.groups[g]
	switch {
	case g == c.cur:
		continuity = 2
	case c.curTrack != "" && grp.track == c.curTrack:
		continuity = 1
	}
	if c.prefTrack != "" && grp.track == c.prefTrack {
		preference++
	}
	if c.prefTele && grp.tele {
		preference++
	}
	return
}

func (st *state) bump(g, d int) {
	st.score.Balance -= int64(2*st.load[g]*d + d*d)
	st.load[g] += d
}

func (st *state) bumpCounselor(k, d int) {
	st.score.Balance -= int64(2*st.seen[k]*d + d*d)
	st.seen[k] += d
}

// remove takes a client's plan out of the state.
func (st *state) remove(ci int) plan {
	p := st.plans[ci]
	if p.process >= 0 {
		st.bump(p.process, -1)
	}
	for _, w := range p.works {
		st.bump(w, -1)
	}
	for _, sl := range p.slots {
		st.slotBy[sl] = -1
		st.bumpCounselor(st.s.slots[sl].counselor, -1)
	}
	if len(p.slots) > 0 && st.s.clients[ci].counselor < 0 {
		st.extra[st.s.slots[p.slots[0]].counselor]--
	}
	v := st.vals[ci]
	if v.met {
		st.score.Met--
	}
	st.score.Continuity -= v.continuity
	st.score.Preference -= v.preference
	st.plans[ci] = plan{process: -1}
	st.vals[ci] = value{}
	return p
}

// place puts a plan into the state; the caller has checked it fits.
func (st *state) place(ci int, p plan) {
	if debugChecks && (st.plans[ci].process >= 0 || len(st.plans[ci].works) > 0 || len(st.plans[ci].slots) > 0) {
		panic("builder: a client placed twice")
	}
	if p.process >= 0 {
		st.bump(p.process, 1)
	}
	for _, w := range p.works {
		st.bump(w, 1)
	}
	for _, sl := range p.slots {
		st.slotBy[sl] = ci
		st.bumpCounselor(st.s.slots[sl].counselor, 1)
	}
	if len(p.slots) > 0 && st.s.clients[ci].counselor < 0 {
		st.extra[st.s.slots[p.slots[0]].counselor]++
	}
	v := st.evaluate(ci, p)
	if v.met {
		st.score.Met++
	}
	st.score.Continuity += v.continuity
	st.score.Preference += v.preference
	st.plans[ci] = p
	st.vals[ci] = v
}

// free reports whether group g has a seat.
func (st *state) free(g int) bool { return st.load[g] < st.s.groups[g].cap }

// slotOpen reports whether client ci may take slot sl now.
func (st *state) slotOpen(ci, sl int) bool {
	if st.slotBy[sl] >= 0 {
		return false
	}
	c := &st.s.clients[ci]
	if c.counselor >= 0 {
		return true
	}
	return st.extra[st.s.slots[sl].counselor] < st.s.counselors[st.s.slots[sl].counselor].limit
}

package builder

import "slices"

// The per-client step: the best week for one client given the seats the
// others leave free. It is the repair operator of the search and the
// probe behind explanations and what-ifs.

const anyProcess = -2

// searchLimit caps the nodes of one client's subset search, so one odd
// client cannot eat the time box.
const searchLimit = 400

type probe struct {
	st        *state
	ci        int
	ignoreCap bool // every seat and slot free: what the client could reach alone
	partial   bool // a short client still takes what seats there are (final fill)
}

func (st *state) best(ci int, only int, ignoreCap, partial bool) (plan, value) {
	pr := probe{st: st, ci: ci, ignoreCap: ignoreCap, partial: partial}
	return pr.run(only)
}

type planKey struct {
	met        bool
	continuity int
	preference int
	minutes    int // for short clients: more hours is better
	kept       int // current other groups kept: continuity beyond the process group
	seats      int // fewer other groups leave seats for others
	load       int // emptier process group balances sizes
}

func (a planKey) better(b planKey) bool {
	switch {
	case a.met != b.met:
		return a.met
	case a.continuity != b.continuity:
		return a.continuity > b.continuity
	case a.preference != b.preference:
		return a.preference > b.preference
	case !a.met && a.minutes != b.minutes:
		return a.minutes > b.minutes
	case a.kept != b.kept:
		return a.kept > b.kept
	case a.seats != b.seats:
		return a.seats < b.seats
	}
	return a.load < b.load
}

func (pr *probe) run(only int) (plan, value) {
	st, s := pr.st, pr.st.s
	c := &s.clients[pr.ci]
	options := append(append([]int(nil), c.process...), -1)
	if c.fixed {
		options = []int{c.cur}
	} else if only != anyProcess {
		options = []int{only}
	}
	bestPlan := plan{process: -1}
	var bestVal value
	var bestKey planKey
	first := true
	for _, o := range options {
		if o >= 0 && !pr.ignoreCap && !st.free(o) {
			continue
		}
		var p plan
		ok := false
		if _, could := st.probeAlone(pr.ci, o); could || pr.ignoreCap {
			p, ok = pr.complete(o)
		} else if pr.partial {
			p = pr.fallbackFor(o)
		}
		if !ok && !pr.partial {
			// A short client keeps only a process group that is worth
			// continuity or a preference; the rest of its seats stay free.
			p = plan{process: o}
			if o >= 0 {
				if cont, pref := st.processWorth(pr.ci, o); cont == 0 && pref == 0 {
					continue
				}
			}
		}
		v := st.evaluate(pr.ci, p)
		load := 0
		if o >= 0 {
			load = st.load[o]
		}
		kept := 0
		for _, w := range p.works {
			if contains(c.curWorks, w) {
				kept++
			}
		}
		k := planKey{v.met, v.continuity, v.preference, v.minutes, kept, len(p.works), load}
		if first || k.better(bestKey) {
			bestPlan, bestVal, bestKey, first = p, v, k, false
		}
	}
	return bestPlan, bestVal
}

// complete finds, for a given process group (or -1), the fewest other groups
// and the slots that make the client meet the minimum. Without a way to meet
// it, it returns the plan with the most hours (used only when partial).
func (pr *probe) complete(o int) (plan, bool) {
	st, s := pr.st, pr.st.s
	c := &s.clients[pr.ci]
	var base []Span
	minutes, days := 0, uint8(0)
	if o >= 0 {
		base = s.groups[o].meets
		minutes, days = s.groups[o].minutes, s.groups[o].days
	}
	cands := st.scratch.cands[:0]
	defer func() { st.scratch.cands = cands[:0] }()
	for _, w := range c.works {
		if (pr.ignoreCap || st.free(w)) && !meetingsOverlap(base, s.groups[w].meets) {
			cands = append(cands, w)
		}
	}
	// The client's current groups first (continuity), then longest first,
	// then the group with the most seats left, so scarce seats stay for
	// clients who need them. The search takes the first set it finds of the
	// smallest size, so this order is its tie-break.
	slices.SortStableFunc(cands, func(a, b int) int {
		if ca, cb := contains(c.curWorks, a), contains(c.curWorks, b); ca != cb {
			if ca {
				return -1
			}
			return 1
		}
		if d := s.groups[b].minutes - s.groups[a].minutes; d != 0 {
			return d
		}
		if pr.ignoreCap {
			return 0
		}
		return (s.groups[b].cap - st.load[b]) - (s.groups[a].cap - st.load[a])
	})
	// suffix sums bound the minutes and days still reachable.
	n := len(cands)
	if cap(st.scratch.suffix) < n+1 {
		st.scratch.suffix = make([]uint8, n+1)
	}
	suffixDays := st.scratch.suffix[:n+1]
	suffixDays[n] = 0
	if cap(st.scratch.suffixMax) < n+1 {
		st.scratch.suffixMax = make([]int, n+1)
	}
	suffixMax := st.scratch.suffixMax[:n+1]
	suffixMax[n] = 0
	for i := n - 1; i >= 0; i-- {
		suffixDays[i] = suffixDays[i+1] | s.groups[cands[i]].days
		suffixMax[i] = max(suffixMax[i+1], s.groups[cands[i]].minutes)
	}
	slotDays, slotMinutes := uint8(0), 0
	slotCands := st.scratch.slots[:0]
	defer func() { st.scratch.slots = slotCands[:0] }()
	for _, sl := range c.slots {
		if pr.ignoreCap || st.slotOpen(pr.ci, sl) {
			slotCands = append(slotCands, sl)
			slotDays |= 1 << uint(s.slots[sl].span.Day)
		}
	}
	if s.sessCount && c.needSess > 0 {
		slotMinutes = c.needSess * 60 * 4 // generous upper bound: sessions are at most 4 h
	}
	if len(slotCands) < c.needSess {
		return pr.fallback(o, base, cands, slotCands), false
	}
	chosen := st.scratch.chosen[:0]
	spans := append(st.scratch.spans[:0], base...)
	defer func() { st.scratch.chosen, st.scratch.spans = chosen[:0], spans[:0] }()
	nodes := 0
	var found plan
	var dfs func(i, left, minutes int, days uint8) bool
	dfs = func(i, left, minutes int, days uint8) bool {
		nodes++
		if nodes > searchLimit {
			return false
		}
		if left == 0 {
			if minutes+slotMinutes < c.need || popcount(days|slotDays) < c.needDays {
				return false
			}
			slots, ok := pr.pickSlots(slotCands, spans, minutes, days)
			if ok {
				found = plan{process: o, works: append([]int(nil), chosen...), slots: slots}
			}
			return ok
		}
		// bound: the left longest remaining candidates
		if popcount(days|suffixDays[i]|slotDays) < c.needDays {
			return false
		}
		if n-i < left || minutes+left*suffixMax[i]+slotMinutes < c.need {
			return false
		}
		for j := i; j < n; j++ {
			g := &s.groups[cands[j]]
			if meetingsOverlap(spans, g.meets) {
				continue
			}
			chosen = append(chosen, cands[j])
			spans = append(spans, g.meets...)
			ok := dfs(j+1, left-1, minutes+g.minutes, days|g.days)
			chosen = chosen[:len(chosen)-1]
			spans = spans[:len(spans)-len(g.meets)]
			if ok {
				return true
			}
		}
		return false
	}
	// The client's current groups, if they still fit and reach the minimum,
	// are the week they keep (continuity before saving seats).
	if len(c.curWorks) > 0 {
		mins, ds := minutes, days
		chosen = chosen[:0]
		for _, w := range cands {
			if contains(c.curWorks, w) && !meetingsOverlap(spans, s.groups[w].meets) {
				chosen = append(chosen, w)
				spans = append(spans, s.groups[w].meets...)
				mins += s.groups[w].minutes
				ds |= s.groups[w].days
			}
		}
		if slots, ok := pr.pickSlots(slotCands, spans, mins, ds); ok && len(chosen) > 0 {
			return plan{process: o, works: append([]int(nil), chosen...), slots: slots}, true
		}
		chosen = chosen[:0]
		spans = spans[:len(base)]
	}
	most := n
	if !pr.ignoreCap {
		// a client rarely needs more groups than when every seat is free
		if a, ok := st.probeAlone(pr.ci, o); ok {
			most = min(n, len(a.works)+1)
		}
	}
	for k := 0; k <= most; k++ {
		if dfs(0, k, minutes, days) {
			return found, true
		}
		if nodes > searchLimit {
			break
		}
	}
	return pr.fallback(o, base, cands, slotCands), false
}

// pickSlots chooses the required sessions among free slots that do not clash
// with the client's groups, preferring slots on days the client still needs.
func (pr *probe) pickSlots(cands []int, busy []Span, minutes int, days uint8) ([]int, bool) {
	s := pr.st.s
	c := &s.clients[pr.ci]
	if c.needSess == 0 {
		return nil, minutes >= c.need && popcount(days) >= c.needDays
	}
	var buf [4]int
	out := buf[:0]
	counselor := -1
	clash := func(sp Span) bool {
		for _, b := range busy {
			if b.Overlaps(sp) {
				return true
			}
		}
		for _, o := range out {
			if s.slots[o].span.Overlaps(sp) {
				return true
			}
		}
		return false
	}
	for round := 0; round < 2 && len(out) < c.needSess; round++ {
		for _, sl := range cands {
			if len(out) == c.needSess {
				break
			}
			sp := s.slots[sl].span
			newDay := days&(1<<uint(sp.Day)) == 0
			if round == 0 && !newDay && popcount(days) < c.needDays {
				continue
			}
			if clash(sp) || (counselor >= 0 && s.slots[sl].counselor != counselor) {
				continue
			}
			if contains(out, sl) {
				continue
			}
			out = append(out, sl)
			days |= 1 << uint(sp.Day)
			if s.sessCount {
				minutes += s.slots[sl].minutes
			}
			if c.counselor < 0 {
				counselor = s.slots[sl].counselor
			}
		}
	}
	if len(out) == c.needSess && minutes >= c.need && popcount(days) >= c.needDays {
		return append([]int(nil), out...), true
	}
	return nil, false
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// fallbackFor is fallback for process group o with the seats left.
func (pr *probe) fallbackFor(o int) plan {
	st, s := pr.st, pr.st.s
	c := &s.clients[pr.ci]
	var base []Span
	if o >= 0 {
		base = s.groups[o].meets
	}
	var cands, slotCands []int
	for _, w := range c.works {
		if st.free(w) && !meetingsOverlap(base, s.groups[w].meets) {
			cands = append(cands, w)
		}
	}
	for _, sl := range c.slots {
		if st.slotOpen(pr.ci, sl) {
			slotCands = append(slotCands, sl)
		}
	}
	return pr.fallback(o, base, cands, slotCands)
}

// fallback is the most hours the client can have with process group o:
// longest groups first, then one counselor's slots.
func (pr *probe) fallback(o int, base []Span, cands, slotCands []int) plan {
	s := pr.st.s
	c := &s.clients[pr.ci]
	p := plan{process: o}
	busy := append([]Span(nil), base...)
	for _, w := range cands {
		if !meetingsOverlap(busy, s.groups[w].meets) {
			p.works = append(p.works, w)
			busy = append(busy, s.groups[w].meets...)
		}
	}
	counselor := -1
	for _, sl := range slotCands {
		if len(p.slots) == c.needSess {
			break
		}
		if (counselor < 0 || s.slots[sl].counselor == counselor) && !meetingsOverlap(busy, []Span{s.slots[sl].span}) {
			p.slots = append(p.slots, sl)
			busy = append(busy, s.slots[sl].span)
			counselor = s.slots[sl].counselor
		}
	}
	return p
}

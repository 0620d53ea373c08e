package builder

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/openiop/openiop/internal/schedule/flow"
)

// WeekOptions are the settings the director's page and `iop schedule` plan
// a real week with, the same in both so that their proposals and what-ifs
// agree: the time box only guards a slow machine.
func WeekOptions(seed uint64) Options { return Options{Seed: seed, TimeBox: 5 * time.Second} }

// Options steer a solve. The result depends only on the instance, Seed and
// Iterations; TimeBox only cuts a run short on a slow or busy machine (then
// the result is still valid, but may differ from an uncut run).
type Options struct {
	Seed       uint64
	Iterations int           // search steps per site; 0 means 2,000 + 10 per client
	TimeBox    time.Duration // 0 means no limit beyond Iterations
	Parallel   int           // sites solved at once; 0 means 2
}

// Weights of the lexicographic objective when it is written as one sum (the
// ILP the benchmark hands to CBC): W1 per client meeting the minimum, W2 per
// continuity point, W3 per preference point. A site has at most 499 clients
// for the weights to stay lexicographic (2 continuity points and 2
// preference points a client).
const (
	W1 = 1_000_000
	W2 = 1_000
	W3 = 1
)

// Objective is a result's lexicographic objective and the figures around it.
type Objective struct {
	Clients    int   `json:"clients"`
	Met        int   `json:"met"`        // level 1: clients meeting their weekly minimum
	Continuity int   `json:"continuity"` // level 2: 2 a client kept in their process group, 1 kept in their track
	Preference int   `json:"preference"` // level 3: preferred track, telehealth
	Balance    int64 `json:"balance"`    // level 4: minus the sum of squared group sizes and counselor loads
	// Kept counts clients kept in their current process group, of
	// KeepPossible who have one that still fits their availability.
	Kept         int `json:"kept"`
	KeepPossible int `json:"keep_possible"`
	// EnrolmentsKept counts current enrolments (process and other groups)
	// the week keeps, of Enrolments.
	Enrolments     int `json:"enrolments"`
	EnrolmentsKept int `json:"enrolments_kept"`
}

// Weighted is levels 1 to 3 as one number, as in the benchmark's ILP.
func (o Objective) Weighted() int64 {
	return int64(o.Met)*W1 + int64(o.Continuity)*W2 + int64(o.Preference)*W3
}

// Session is a booked individual counseling slot.
type Session struct {
	Counselor string `json:"counselor"`
	Span      Span   `json:"span"`
}

// Assignment is one client's week.
type Assignment struct {
	Client   string    `json:"client"`
	Process  string    `json:"process,omitempty"` // the process group, which carries the track
	Groups   []string  `json:"groups,omitempty"`  // other groups
	Sessions []Session `json:"sessions,omitempty"`
	Minutes  int       `json:"minutes"`
	Days     int       `json:"days"`
	Met      bool      `json:"met"`
	// Left lists the current groups the week takes the client out of, each
	// with its reason.
	Left []Left `json:"left,omitempty"`
}

// Left is a current group a client leaves, and why.
type Left struct {
	Group  string `json:"group"`
	Reason string `json:"reason"`
}

// Short explains a client left short of the minimum.
type Short struct {
	Client  string   `json:"client"`
	Minutes int      `json:"minutes"`
	Need    int      `json:"need"`
	Reasons []string `json:"reasons"`
	Helps   []string `json:"helps,omitempty"`
}

// Result is a solved week.
type Result struct {
	Assignments []Assignment `json:"assignments"` // in the instance's client order
	Short       []Short      `json:"short"`
	Objective   Objective    `json:"objective"`
	Sites       []SiteFigure `json:"sites"`
}

// SiteFigure is one site's part of a solve.
type SiteFigure struct {
	Site       string        `json:"site"`
	Objective  Objective     `json:"objective"`
	Iterations int           `json:"iterations"`
	Elapsed    time.Duration `json:"elapsed"`
}

// Solve plans a week. An inconsistent instance is an *InvalidError; an
// infeasible week is not an error: the result is the best partial
// assignment, with reasons for everyone left short.
func Solve(ctx context.Context, in *Instance, opt Options) (*Result, error) {
	return solve(ctx, in, opt, nil)
}

// Resolve re-plans a week after a small change (an admission, a discharge,
// an availability edit): clients whose previous week still fits keep it,
// changed and new clients are placed around them, and others move only when
// that lets someone more meet their minimum.
func Resolve(ctx context.Context, in *Instance, prev *Result, opt Options) (*Result, error) {
	if prev == nil {
		return Solve(ctx, in, opt)
	}
	return solve(ctx, in, opt, prev)
}

func solve(ctx context.Context, in *Instance, opt Options, prev *Result) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 2
	}
	var previous map[string]Assignment
	if prev != nil {
		previous = make(map[string]Assignment, len(prev.Assignments))
		for _, a := range prev.Assignments {
			previous[a.Client] = a
		}
	}
	names := in.Sites()
	states := make([]*state, len(names))
	figures := make([]SiteFigure, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, opt.Parallel)
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			s := compile(in, name)
			h := fnv.New64a()
			h.Write([]byte(name))
			rng := rand.New(rand.NewPCG(opt.Seed, h.Sum64())) // #nosec G404 -- a seeded, reproducible search, not a secret
			var st *state
			var iters int
			if previous != nil {
				st, iters = s.repair(ctx, previous, rng, opt)
			} else {
				st, iters = s.solve(ctx, rng, opt)
			}
			states[i] = st
			figures[i] = SiteFigure{Site: name, Objective: st.objective(), Iterations: iters, Elapsed: time.Since(start)}
		}()
	}
	wg.Wait()
	return assemble(in, states, figures), nil
}

func (st *state) objective() Objective {
	o := Objective{Clients: len(st.s.clients), Met: st.score.Met, Continuity: st.score.Continuity,
		Preference: st.score.Preference, Balance: st.score.Balance}
	for ci, c := range st.s.clients {
		p := st.plans[ci]
		if c.cur >= 0 && contains(c.process, c.cur) {
			o.KeepPossible++
			if p.process == c.cur {
				o.Kept++
			}
		}
		if c.cur >= 0 {
			o.Enrolments++
			if p.process == c.cur {
				o.EnrolmentsKept++
			}
		}
		for _, w := range c.curWorks {
			o.Enrolments++
			if contains(p.works, w) {
				o.EnrolmentsKept++
			}
		}
	}
	return o
}

func (s *site) budget(opt Options) int {
	if opt.Iterations > 0 {
		return opt.Iterations
	}
	return 2000 + 10*len(s.clients)
}

// solve is the layered solve of one site: process groups by min-cost flow,
// then each client's other groups and slots, then the search, then the
// exact slot matching and the fill of short clients' hours.
func (s *site) solve(ctx context.Context, rng *rand.Rand, opt Options) (*state, int) {
	st := newState(s)
	st.processLayer()
	order := st.byDifficulty()
	for _, ci := range order {
		only := st.plans[ci].process
		st.remove(ci)
		p, v := st.best(ci, only, false, false)
		if !v.met {
			// the flow's group did not work out with the seats left: any group
			p, _ = st.best(ci, anyProcess, false, false)
		}
		st.place(ci, p)
	}
	iters := st.search(ctx, rng, s.budget(opt), opt.TimeBox, false)
	st.rematchSlots()
	st.fill(nil)
	st.keepCurrent()
	return st, iters
}

// processLayer places clients in process groups exactly, as a
// transportation problem: a client's reward for a group is W1 when the group
// lets them reach the minimum with the other groups and slots in their
// windows (seats aside), plus continuity and preference.
func (st *state) processLayer() {
	s := st.s
	none := len(s.groups)
	capacity := make([]int, len(s.groups)+1)
	for g := range s.groups {
		capacity[g] = s.groups[g].cap
	}
	capacity[none] = len(s.clients)
	var free []int
	var reward []map[int]int64
	for ci := range s.clients {
		c := &s.clients[ci]
		if c.fixed {
			st.place(ci, plan{process: c.cur})
			capacity[c.cur]--
			continue
		}
		m := map[int]int64{}
		for _, g := range c.process {
			_, ok := st.probeAlone(ci, g)
			cont, pref := st.processWorth(ci, g)
			w := int64(cont)*W2 + int64(pref)*W3
			if ok {
				w += W1
			}
			// +1: at equal worth a client is better placed than not...
			m[g] = w + 1
		}
		// ...unless they are in no process group now: then they stay out
		// of one unless it is worth something to them.
		stayOut := int64(0)
		if c.cur < 0 {
			stayOut = 2
		}
		if _, ok := st.probeAlone(ci, -1); ok {
			m[none] = W1 + stayOut
		} else if stayOut > 0 {
			m[none] = stayOut
		}
		free = append(free, ci)
		reward = append(reward, m)
	}
	choice, _ := flow.Assign(reward, capacity)
	for i, ci := range free {
		if g := choice[i]; g >= 0 && g < none {
			st.place(ci, plan{process: g})
		}
	}
}

// probeAlone reports whether a client could meet the minimum with process
// group g if every seat were theirs.
func (st *state) probeAlone(ci, g int) (plan, bool) {
	c := &st.s.clients[ci]
	if c.alone == nil {
		c.alone = map[int]aloneEntry{}
	}
	if e, ok := c.alone[g]; ok {
		return e.plan, e.ok
	}
	p, ok := st.probeAloneFresh(ci, g)
	c.alone[g] = aloneEntry{p, ok}
	return p, ok
}

// probeAloneFresh is probeAlone without the cache (for a changed domain).
func (st *state) probeAloneFresh(ci, g int) (plan, bool) {
	pr := probe{st: st, ci: ci, ignoreCap: true}
	return pr.complete(g)
}

// byDifficulty orders clients for the first placement: those with the fewest
// other groups to choose from go first, ties by position (deterministic).
func (st *state) byDifficulty() []int {
	order := make([]int, len(st.s.clients))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return len(st.s.clients[a].works) + len(st.s.clients[a].process) - len(st.s.clients[b].works) - len(st.s.clients[b].process)
	})
	return order
}

// reachable reports per client whether they could meet the minimum with
// every seat free; the search only spends effort on those.
func (st *state) reachable() []bool {
	out := make([]bool, len(st.s.clients))
	for ci, c := range st.s.clients {
		opts := append(append([]int(nil), c.process...), -1)
		if c.fixed {
			opts = []int{c.cur}
		}
		for _, g := range opts {
			if _, ok := st.probeAlone(ci, g); ok {
				out[ci] = true
				break
			}
		}
	}
	return out
}

// search is the large-neighbourhood search. Each step takes a target: a
// client who is short but could meet the minimum (mostly), or one who could
// gain continuity or a preference. It frees the target and some of the
// clients holding seats in the target's groups, puts the target back first
// and the others after in a random order, and keeps the change unless the
// objective got worse. A change that keeps the number of clients meeting the
// minimum but loses on a lower level is kept one time in eight, to leave
// plateaus; the best week seen is what the search returns. With strict (the
// incremental re-solve) a change must raise the number of clients meeting
// the minimum, so others are not moved for less.
func (st *state) search(ctx context.Context, rng *rand.Rand, budget int, box time.Duration, strict bool) int {
	s := st.s
	reach := st.reachable()
	deadline := time.Time{}
	if box > 0 {
		deadline = time.Now().Add(box)
	}
	holders := make([][]int, len(s.groups))
	// inPool[ci] == iters+1 marks a client in this step's pool: a client
	// holding seats in several of the target's groups counts once, and the
	// pool comes out in client order without a sort (the order the shuffle
	// starts from, so the search stays deterministic).
	inPool := make([]int, len(s.clients))
	best := st.score
	bestPlans := st.snapshot()
	iters, stale := 0, 0
	// Stop when the best week has not improved for this many steps (a
	// count, not a clock, so the result stays deterministic).
	patience := max(400, len(s.clients))
	var short, gain, pool []int
	for ; iters < budget && stale < patience; iters++ {
		stale++
		if iters%64 == 0 && (ctx.Err() != nil || !deadline.IsZero() && time.Now().After(deadline)) {
			break
		}
		short, gain = short[:0], gain[:0]
		for ci := range s.clients {
			switch {
			case reach[ci] && !st.vals[ci].met:
				short = append(short, ci)
			case !strict && st.improvable(ci):
				gain = append(gain, ci)
			}
		}
		var target int
		lower := false // the target is after continuity or preference
		switch {
		case len(short) > 0 && (len(gain) == 0 || rng.IntN(4) > 0):
			target = short[rng.IntN(len(short))]
		case len(gain) > 0:
			target, lower = gain[rng.IntN(len(gain))], true
		default:
			iters = budget
			continue
		}
		// who holds seats in the target's groups
		for g := range holders {
			holders[g] = holders[g][:0]
		}
		for ci := range s.clients {
			if ci == target || s.clients[ci].fixed { // a closed cohort's members stay
				continue
			}
			p := st.plans[ci]
			if p.process >= 0 {
				holders[p.process] = append(holders[p.process], ci)
			}
			for _, w := range p.works {
				holders[w] = append(holders[w], ci)
			}
		}
		c := &s.clients[target]
		stamp, marked := iters+1, 0
		for _, gs := range [][]int{c.process, c.works} {
			for _, g := range gs {
				if !st.free(g) {
					for _, ci := range holders[g] {
						if inPool[ci] != stamp {
							inPool[ci], marked = stamp, marked+1
						}
					}
				}
			}
		}
		for _, sl := range c.slots {
			if o := st.slotBy[sl]; o >= 0 && o != target && !s.clients[o].fixed && inPool[o] != stamp {
				inPool[o], marked = stamp, marked+1
			}
		}
		pool = pool[:0]
		for ci := 0; len(pool) < marked; ci++ {
			if inPool[ci] == stamp {
				pool = append(pool, ci)
			}
		}
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		k := 1 + rng.IntN(6)
		if k > len(pool) {
			k = len(pool)
		}
		victims := append([]int{target}, pool[:k]...)
		before := st.score
		saved := make([]plan, len(victims))
		for i, ci := range victims {
			saved[i] = st.remove(ci)
		}
		order := victims
		if rng.IntN(2) == 0 {
			order = slices.Clone(victims)
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		for _, ci := range order {
			p, _ := st.best(ci, anyProcess, false, false)
			st.place(ci, p)
		}
		var undo bool
		switch {
		case strict:
			undo = st.score.Met <= before.Met
		case st.score.less(before):
			undo = lower || st.score.Met < before.Met || rng.IntN(8) > 0
		}
		if undo {
			for _, ci := range victims {
				st.remove(ci)
			}
			for i, ci := range victims {
				st.place(ci, saved[i])
			}
		}
		if best.less(st.score) {
			best, bestPlans, stale = st.score, st.snapshot(), 0
		}
	}
	if st.score != best {
		st.restore(bestPlans)
	}
	return iters
}

// improvable reports whether a client meeting the minimum is away from a
// current process group or preferred track that fits them.
func (st *state) improvable(ci int) bool {
	c := &st.s.clients[ci]
	if c.fixed || !st.vals[ci].met {
		return false
	}
	p := st.plans[ci].process
	if c.cur >= 0 && p != c.cur && contains(c.process, c.cur) {
		return true
	}
	if c.prefTrack != "" && (p < 0 || st.s.groups[p].track != c.prefTrack) {
		for _, g := range c.process {
			if st.s.groups[g].track == c.prefTrack {
				return true
			}
		}
	}
	return false
}

func (st *state) snapshot() []plan {
	out := make([]plan, len(st.plans))
	for i, p := range st.plans {
		out[i] = p.clone()
	}
	return out
}

func (st *state) restore(plans []plan) {
	for ci := range st.plans {
		st.remove(ci)
	}
	for ci, p := range plans {
		st.place(ci, p)
	}
}

// rematchSlots re-deals each counselor's slots exactly (a min-cost
// assignment) among the clients who need one session with them, so that
// every client whose groups already reach the minimum gets a slot if any
// assignment allows it.
func (st *state) rematchSlots() {
	s := st.s
	for k := range s.counselors {
		var slotsK []int
		local := map[int]int{}
		for sl := range s.slots {
			if s.slots[sl].counselor == k {
				local[sl] = len(slotsK)
				slotsK = append(slotsK, sl)
			}
		}
		var who []int
		for ci, c := range s.clients {
			if c.needSess != 1 || c.counselor != k {
				continue
			}
			who = append(who, ci)
		}
		if len(who) == 0 {
			continue
		}
		saved := make([]plan, len(who))
		before := st.score
		for i, ci := range who {
			saved[i] = st.remove(ci)
		}
		reward := make([]map[int]int64, len(who))
		for i, ci := range who {
			reward[i] = map[int]int64{}
			p := saved[i]
			busy := append([]Span(nil), st.spansOf(plan{process: p.process, works: p.works})...)
			for _, sl := range s.clients[ci].slots {
				if st.slotBy[sl] >= 0 || meetingsOverlap(busy, []Span{s.slots[sl].span}) {
					continue
				}
				try := plan{process: p.process, works: p.works, slots: []int{sl}}
				w := int64(1)
				if st.evaluate(ci, try).met {
					w = W1
				}
				reward[i][local[sl]] = w - int64(s.slots[sl].span.Day) // earlier in the week on ties
			}
		}
		capacity := make([]int, len(slotsK))
		for i := range capacity {
			capacity[i] = 1
		}
		choice, _ := flow.Assign(reward, capacity)
		for i, ci := range who {
			p := saved[i].clone()
			p.slots = nil
			if choice[i] >= 0 {
				p.slots = []int{slotsK[choice[i]]}
			}
			st.place(ci, p)
		}
		if st.score.less(before) {
			for _, ci := range who {
				st.remove(ci)
			}
			for i, ci := range who {
				st.place(ci, saved[i])
			}
		}
	}
}

func (st *state) spansOf(p plan) []Span {
	var out []Span
	if p.process >= 0 {
		out = append(out, st.s.groups[p.process].meets...)
	}
	for _, w := range p.works {
		out = append(out, st.s.groups[w].meets...)
	}
	for _, sl := range p.slots {
		out = append(out, st.s.slots[sl].span)
	}
	return out
}

// fill gives clients left short the seats that remain, for as many hours
// as they can have; only clients in only (all when nil) are touched.
func (st *state) fill(only map[int]bool) {
	for ci := range st.s.clients {
		if st.vals[ci].met || only != nil && !only[ci] {
			continue
		}
		old := st.remove(ci)
		keep := old.process
		if keep < 0 {
			keep = anyProcess
		}
		p, v := st.best(ci, keep, false, true)
		if keep != anyProcess && !v.met {
			if q, w := st.best(ci, anyProcess, false, true); w.met || w.continuity >= v.continuity && w.minutes > v.minutes {
				p = q
			}
		}
		st.place(ci, p)
	}
}

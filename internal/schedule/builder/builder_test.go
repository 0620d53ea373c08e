package builder

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func sp(d Day, from, to int) Span { return Span{Day: d, Start: from * 60, End: to * 60} }

func allWeek() []Span {
	var out []Span
	for d := Day(0); d < 7; d++ {
		out = append(out, Span{Day: d, Start: 0, End: 1440})
	}
	return out
}

func solveT(t *testing.T, in *Instance) *Result {
	t.Helper()
	r, err := Solve(context.Background(), in, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func assignmentOf(r *Result, id string) Assignment {
	for _, a := range r.Assignments {
		if a.Client == id {
			return a
		}
	}
	return Assignment{}
}

// A greedy placement in the given order puts the flexible client first in
// the only group the inflexible one can use; the optimum meets both.
func TestGreedyWrongProcessGroups(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "am", Site: "s", Program: "adult", Track: "AM", Process: true, Capacity: 1, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "pm", Site: "s", Program: "adult", Track: "PM", Process: true, Capacity: 1, Meetings: []Span{sp(0, 18, 21), sp(2, 18, 21), sp(4, 18, 21)}},
		},
		Clients: []Client{
			// flexible and currently in "am": greedy (and continuity) keeps them there
			{ID: "flex", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek(), Current: []string{"am"}},
			{ID: "day-worker", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: []Span{sp(0, 8, 13), sp(2, 8, 13), sp(4, 8, 13)}},
		},
	}
	r := solveT(t, in)
	if r.Objective.Met != 2 {
		t.Fatalf("met %d, want 2: %+v", r.Objective.Met, r.Assignments)
	}
	if a := assignmentOf(r, "flex"); a.Process != "pm" {
		t.Errorf("flex in %q, want pm (moved so the day worker can meet the minimum)", a.Process)
	}
	if r.Objective.Continuity != 0 || len(r.Short) != 0 {
		t.Errorf("objective %+v short %+v", r.Objective, r.Short)
	}
}

// Workshops where taking the longest first (a natural greedy) leaves a
// client short: the two-hour workshop is the only one client B can use.
func TestGreedyWrongWorkshops(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "long", Site: "s", Program: "adult", Capacity: 1, Meetings: []Span{sp(1, 10, 12)}},
			{ID: "a", Site: "s", Program: "adult", Capacity: 1, Meetings: []Span{sp(2, 10, 11)}},
			{ID: "b", Site: "s", Program: "adult", Capacity: 1, Meetings: []Span{sp(3, 10, 11)}},
		},
		Clients: []Client{
			{ID: "A", Site: "s", Program: "adult", MinMinutes: 120, Available: allWeek()},
			{ID: "B", Site: "s", Program: "adult", MinMinutes: 120, Available: []Span{sp(1, 9, 13)}},
		},
	}
	r := solveT(t, in)
	if r.Objective.Met != 2 {
		t.Fatalf("met %d, want 2: %+v", r.Objective.Met, r.Assignments)
	}
	if a := assignmentOf(r, "A"); !reflect.DeepEqual(a.Groups, []string{"a", "b"}) {
		t.Errorf("A has %v, want a and b", a.Groups)
	}
}

func TestContinuityAndPreferenceAfterMeeting(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "am1", Site: "s", Program: "adult", Track: "AM", Process: true, Capacity: 5, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "am2", Site: "s", Program: "adult", Track: "AM", Process: true, Capacity: 5, Meetings: []Span{sp(1, 9, 12), sp(3, 9, 12), sp(5, 9, 12)}},
			{ID: "pm", Site: "s", Program: "adult", Track: "PM", Process: true, Capacity: 5, Telehealth: true, Meetings: []Span{sp(0, 18, 21), sp(2, 18, 21), sp(4, 18, 21)}},
		},
		Clients: []Client{
			{ID: "stays", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek(), Current: []string{"am2"}},
			{ID: "tele", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek(), PreferTelehealth: true},
			{ID: "track", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek(), PreferTrack: "AM"},
		},
	}
	r := solveT(t, in)
	if a := assignmentOf(r, "stays"); a.Process != "am2" {
		t.Errorf("stays in %q", a.Process)
	}
	if a := assignmentOf(r, "tele"); a.Process != "pm" {
		t.Errorf("tele in %q", a.Process)
	}
	if a := assignmentOf(r, "track"); !strings.HasPrefix(a.Process, "am") {
		t.Errorf("track in %q", a.Process)
	}
	if r.Objective.Met != 3 || r.Objective.Continuity != 2 || r.Objective.Preference != 2 || r.Objective.Kept != 1 || r.Objective.KeepPossible != 1 {
		t.Errorf("objective %+v", r.Objective)
	}
}

func TestClosedCohortAndPrograms(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "closed", Site: "s", Program: "adult", Process: true, Closed: true, Capacity: 10, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "teen", Site: "s", Program: "adolescent", Process: true, Capacity: 10, Meetings: []Span{sp(0, 15, 17), sp(2, 15, 17), sp(4, 15, 17)}},
		},
		Clients: []Client{
			{ID: "member", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek(), Current: []string{"closed"}},
			{ID: "newcomer", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek()},
			{ID: "teen", Site: "s", Program: "adolescent", MinMinutes: 360, MinDays: 3, Available: allWeek()},
		},
	}
	r := solveT(t, in)
	if a := assignmentOf(r, "member"); a.Process != "closed" || !a.Met {
		t.Errorf("member %+v", a)
	}
	if a := assignmentOf(r, "newcomer"); a.Process != "" || a.Met {
		t.Errorf("newcomer joined a closed cohort or an adolescent group: %+v", a)
	}
	if a := assignmentOf(r, "teen"); a.Process != "teen" || !a.Met {
		t.Errorf("teen %+v", a)
	}
	if len(r.Short) != 1 || r.Short[0].Client != "newcomer" || !strings.Contains(r.Short[0].Reasons[0], "no adult group") {
		t.Errorf("short %+v", r.Short)
	}
}

func TestInfeasibleWeekExplainsAndHelps(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "pm", Title: "Evening process", Site: "s", Program: "adult", Process: true, Capacity: 1, Meetings: []Span{sp(1, 18, 21), sp(3, 18, 21), sp(5, 18, 21)}},
			{ID: "sat", Title: "Saturday skills", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(5, 10, 13)}},
		},
		Counselors: []Counselor{{ID: "k1", Site: "s", Caseload: 5, Slots: []Span{sp(0, 10, 11)}}},
		Clients: []Client{
			{ID: "first", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek(), Current: []string{"pm"}},
			{ID: "second", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek()},
			// available only on Tuesday and Thursday evenings
			{ID: "narrow", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: []Span{sp(1, 17, 22), sp(3, 17, 22)}},
			{ID: "no-slot", Site: "s", Program: "adult", MinMinutes: 180, MinDays: 1, Sessions: 1, Counselor: "k1", Available: []Span{sp(5, 9, 14)}},
		},
	}
	r := solveT(t, in)
	if r.Objective.Met != 1 {
		t.Fatalf("met %d: %+v", r.Objective.Met, r.Assignments)
	}
	byID := map[string]Short{}
	for _, s := range r.Short {
		byID[s.Client] = s
	}
	if s := byID["second"]; !strings.Contains(strings.Join(s.Reasons, " "), "is full, 1 of 1") || !strings.Contains(strings.Join(s.Helps, " "), "one more seat in Evening process") {
		t.Errorf("second: %+v", s)
	}
	if s := byID["narrow"]; len(s.Reasons) == 0 {
		t.Errorf("narrow: %+v", s)
	}
	if s := byID["no-slot"]; !strings.Contains(strings.Join(s.Reasons, " "), "no individual slot") {
		t.Errorf("no-slot: %+v", s)
	}
	// The short client with full seats keeps hours from what is left.
	if a := assignmentOf(r, "second"); a.Minutes != 180 || !reflect.DeepEqual(a.Groups, []string{"sat"}) {
		t.Errorf("second's partial week %+v", a)
	}
}

func TestWidenHelp(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "pm", Title: "Evening process", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(1, 18, 21), sp(3, 18, 21), sp(5, 18, 21)}},
		},
		Clients: []Client{{ID: "weekday", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: []Span{sp(1, 17, 22), sp(3, 17, 22)}}},
	}
	r := solveT(t, in)
	if len(r.Short) != 1 || !strings.Contains(strings.Join(r.Short[0].Helps, " "), "widening their availability to cover Evening process") {
		t.Fatalf("%+v", r.Short)
	}
	e, err := WhatIf(context.Background(), in, r, Change{Widen: &Widen{Client: "weekday", Spans: []Span{sp(5, 18, 21)}}}, Options{Seed: 1})
	if err != nil || e.Gained != 1 || e.Met != 1 || !reflect.DeepEqual(e.Newly, []string{"weekday"}) || len(e.NoLonger) != 0 {
		t.Fatalf("widen: %+v, %v", e, err)
	}
	extra := Group{ID: "pm2", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(1, 17, 20), sp(3, 17, 20), sp(3, 20, 22)}}
	e, err = WhatIf(context.Background(), in, r, Change{AddGroup: &extra}, Options{Seed: 1})
	if err != nil || e.Gained != 0 || len(e.Newly) != 0 {
		t.Fatalf("a group only on two days: %+v, %v", e, err)
	}
	// An added group without an id gets one that is free; one that is
	// not a group is refused, naming it.
	third := Group{Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(5, 18, 21)}}
	changed, err := Change{AddGroup: &third}.Apply(in)
	if err != nil || changed.Groups[len(changed.Groups)-1].ID != "what-if" || len(in.Groups) != 1 {
		t.Fatalf("added %+v, %v; the base instance has %d groups", changed.Groups, err, len(in.Groups))
	}
	third.Capacity = -2
	if _, err := (Change{AddGroup: &third}).Apply(in); err == nil || !strings.Contains(err.Error(), `group "what-if": capacity -2 is negative`) {
		t.Errorf("a negative capacity: %v", err)
	}
}

func TestValidateNamesTheItem(t *testing.T) {
	base := func() *Instance {
		return &Instance{
			Groups:  []Group{{ID: "g1", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(0, 9, 12)}, Facilitator: "f", Room: "r"}},
			Clients: []Client{{ID: "c1", Site: "s", Program: "adult", MinMinutes: 60, Available: allWeek()[:1]}},
		}
	}
	for name, tc := range map[string]struct {
		change func(*Instance)
		want   string
	}{
		"negative capacity": {func(in *Instance) { in.Groups[0].Capacity = -1 }, `group "g1": capacity -1 is negative`},
		"unknown group":     {func(in *Instance) { in.Clients[0].Current = []string{"nope"} }, `client "c1": is enrolled in group "nope"`},
		"odd windows": {func(in *Instance) { in.Clients[0].Available = []Span{sp(0, 9, 12), sp(0, 11, 14)} },
			`client "c1": availability windows Mon 9:00 am-12:00 pm and Mon 11:00 am-2:00 pm overlap`},
		"backwards span":    {func(in *Instance) { in.Groups[0].Meetings = []Span{sp(0, 12, 9)} }, `group "g1": Mon 12:00 pm-9:00 am is not a time span`},
		"double client":     {func(in *Instance) { in.Clients = append(in.Clients, in.Clients[0]) }, `client #2`},
		"unknown counselor": {func(in *Instance) { in.Clients[0].Counselor = "k9" }, `client "c1": primary counselor "k9" is not in the week`},
		"double-booked facilitator": {func(in *Instance) {
			in.Groups = append(in.Groups, Group{ID: "g2", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(0, 11, 13)}, Facilitator: "f"})
		}, `group "g2": facilitator "f" also runs group "g1"`},
		"bad day": {func(in *Instance) { in.Groups[0].Meetings[0].Day = 9 }, `day 9 is not a weekday`},
	} {
		in := base()
		tc.change(in)
		_, err := Solve(context.Background(), in, Options{})
		if err == nil || !IsInvalid(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if err := base().Validate(); err != nil {
		t.Errorf("valid instance: %v", err)
	}
}

// randomSmall is a tiny random site for the brute-force comparison.
func randomSmall(rng *rand.Rand) *Instance {
	in := &Instance{}
	nProcess, nWorks := 1+rng.IntN(2), 1+rng.IntN(3)
	for i := 0; i < nProcess; i++ {
		d := Day(rng.IntN(2))
		in.Groups = append(in.Groups, Group{ID: "p" + string(rune('0'+i)), Site: "s", Program: "adult", Process: true, Track: []string{"AM", "PM"}[rng.IntN(2)],
			Capacity: 1 + rng.IntN(2), Meetings: []Span{sp(d, 9+3*i, 11+3*i), sp(d+2, 9+3*i, 11+3*i)}})
	}
	for i := 0; i < nWorks; i++ {
		d := Day(rng.IntN(4))
		h := 9 + rng.IntN(8)
		in.Groups = append(in.Groups, Group{ID: "w" + string(rune('0'+i)), Site: "s", Program: "adult", Capacity: rng.IntN(3),
			Meetings: []Span{sp(d, h, h+1+rng.IntN(2))}})
	}
	in.Counselors = []Counselor{{ID: "k", Site: "s", Caseload: 1 + rng.IntN(3), Slots: []Span{sp(Day(rng.IntN(4)), 12, 13), sp(Day(rng.IntN(4)), 17, 18)}}}
	if in.Counselors[0].Slots[0].Overlaps(in.Counselors[0].Slots[1]) {
		in.Counselors[0].Slots = in.Counselors[0].Slots[:1]
	}
	nClients := 2 + rng.IntN(3)
	for i := 0; i < nClients; i++ {
		c := Client{ID: "c" + string(rune('0'+i)), Site: "s", Program: "adult", MinMinutes: 60 * (2 + rng.IntN(4)), MinDays: 1 + rng.IntN(2), Sessions: rng.IntN(2)}
		for d := Day(0); d < 4; d++ {
			if rng.IntN(4) > 0 {
				from := 8 + rng.IntN(4)
				c.Available = append(c.Available, Span{Day: d, Start: from * 60, End: (from + 6 + rng.IntN(6)) * 60})
			}
		}
		if rng.IntN(2) == 0 {
			c.Current = []string{"p0"}
		}
		if rng.IntN(2) == 0 {
			c.PreferTrack = "PM"
		}
		if rng.IntN(3) == 0 {
			c.Counselor = "k"
		}
		in.Clients = append(in.Clients, c)
	}
	return in
}

// bruteBest enumerates every client's every plan and every combination.
func bruteBest(in *Instance) score {
	s := compile(in, "s")
	st := newState(s)
	var plans [][]plan
	for ci := range s.clients {
		c := &s.clients[ci]
		var ps []plan
		opts := append(append([]int(nil), c.process...), -1)
		if c.fixed {
			opts = []int{c.cur}
		}
		for _, o := range opts {
			for mask := 0; mask < 1<<len(c.works); mask++ {
				var works []int
				for j, w := range c.works {
					if mask&(1<<j) != 0 {
						works = append(works, w)
					}
				}
				slotSets := [][]int{nil}
				for _, sl := range c.slots {
					slotSets = append(slotSets, []int{sl})
				}
				for i, a := range c.slots {
					for _, b := range c.slots[i+1:] {
						slotSets = append(slotSets, []int{a, b})
					}
				}
				for _, ss := range slotSets {
					if len(ss) > c.needSess {
						continue
					}
					p := plan{process: o, works: works, slots: ss}
					spans := st.spansOf(p)
					ok := true
					for i := range spans {
						for j := i + 1; j < len(spans); j++ {
							ok = ok && !spans[i].Overlaps(spans[j])
						}
					}
					if c.counselor < 0 && len(ss) == 2 && s.slots[ss[0]].counselor != s.slots[ss[1]].counselor {
						ok = false
					}
					if ok {
						ps = append(ps, p)
					}
				}
			}
		}
		plans = append(plans, ps)
	}
	var best score
	first := true
	var rec func(ci int)
	rec = func(ci int) {
		if ci == len(s.clients) {
			sc := st.score
			sc.Balance = 0
			if first || best.less(sc) {
				best, first = sc, false
			}
			return
		}
		for _, p := range plans[ci] {
			fits := true
			if p.process >= 0 && !st.free(p.process) {
				fits = false
			}
			for _, w := range p.works {
				fits = fits && st.free(w)
			}
			for _, sl := range p.slots {
				fits = fits && st.slotOpen(ci, sl)
			}
			if !fits {
				continue
			}
			st.place(ci, p)
			rec(ci + 1)
			st.remove(ci)
		}
	}
	rec(0)
	return best
}

func TestMatchesBruteForceOnSmallInstances(t *testing.T) {
	debugChecks = true
	defer func() { debugChecks = false }()
	rng := rand.New(rand.NewPCG(8, 12))
	const instances = 1000
	worse, metTotal, clients := 0, 0, 0
	for i := 0; i < instances; i++ {
		in := randomSmall(rng)
		if err := in.Validate(); err != nil {
			t.Fatalf("instance %d invalid: %v", i, err)
		}
		want := bruteBest(in)
		metTotal += want.Met
		clients += len(in.Clients)
		r, err := Solve(context.Background(), in, Options{Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Objective.Met != want.Met {
			t.Fatalf("instance %d: met %d, optimum %d\n%+v\n%+v", i, r.Objective.Met, want.Met, in, r.Assignments)
		}
		if r.Objective.Continuity != want.Continuity || r.Objective.Preference != want.Preference {
			worse++
		}
	}
	// Levels 2 and 3 come from the search, not a proof; report how often they miss.
	t.Logf("continuity or preference below the optimum on %d of %d instances; %d of %d clients meet the minimum at the optimum", worse, instances, metTotal, clients)
	if metTotal < clients/5 || metTotal == clients {
		t.Errorf("the random instances are too easy or too hard to tell anything: %d of %d clients meet the minimum", metTotal, clients)
	}
	if worse > instances/50 {
		t.Errorf("continuity or preference below the optimum on %d of %d instances", worse, instances)
	}
}

func TestDeterministicForASeed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 20; i++ {
		in := randomSmall(rng)
		a, _ := Solve(context.Background(), in, Options{Seed: 3})
		b, _ := Solve(context.Background(), in, Options{Seed: 3})
		if !reflect.DeepEqual(a.Assignments, b.Assignments) || !reflect.DeepEqual(a.Short, b.Short) || a.Objective != b.Objective {
			t.Fatalf("instance %d: two runs differ", i)
		}
	}
}

func TestSitesSolvedApart(t *testing.T) {
	in := &Instance{}
	for _, site := range []string{"north", "south"} {
		in.Groups = append(in.Groups, Group{ID: site + "-am", Site: site, Program: "adult", Process: true, Capacity: 1, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}})
		in.Clients = append(in.Clients, Client{ID: site + "-1", Site: site, Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek()})
	}
	r := solveT(t, in)
	if r.Objective.Met != 2 || len(r.Sites) != 2 || assignmentOf(r, "south-1").Process != "south-am" {
		t.Fatalf("%+v", r)
	}
}

func TestResolveKeepsOthers(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "am", Site: "s", Program: "adult", Process: true, Capacity: 2, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "pm", Site: "s", Program: "adult", Process: true, Capacity: 2, Meetings: []Span{sp(0, 18, 21), sp(2, 18, 21), sp(4, 18, 21)}},
		},
		Clients: []Client{
			{ID: "a", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek()},
			{ID: "b", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek()},
		},
	}
	first := solveT(t, in)
	// Admit two evening-only clients: the others move only if needed.
	evening := []Span{sp(0, 17, 22), sp(2, 17, 22), sp(4, 17, 22)}
	in.Clients = append(in.Clients, Client{ID: "new1", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: evening})
	r, err := Resolve(context.Background(), in, first, Options{Seed: 1})
	if err != nil || r.Objective.Met != 3 {
		t.Fatalf("%+v %v", r, err)
	}
	for _, id := range []string{"a", "b"} {
		if before, after := assignmentOf(first, id), assignmentOf(r, id); before.Process != after.Process && assignmentOf(first, "a").Process != "pm" {
			t.Errorf("%s moved from %s to %s without need", id, before.Process, after.Process)
		}
	}
	in.Clients = append(in.Clients, Client{ID: "new2", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: evening})
	r2, err := Resolve(context.Background(), in, r, Options{Seed: 1})
	if err != nil || r2.Objective.Met != 4 {
		t.Fatalf("second admission: met %d %v: %+v", r2.Objective.Met, err, r2.Assignments)
	}
	if assignmentOf(r2, "a").Process != "am" || assignmentOf(r2, "b").Process != "am" {
		t.Errorf("a and b should have moved to the morning to make room: %+v", r2.Assignments)
	}
}

// A closed cohort with fewer seats than members keeps as many as it seats.
func TestClosedCohortOverFull(t *testing.T) {
	in := &Instance{Groups: []Group{{ID: "closed", Site: "s", Program: "adult", Process: true, Closed: true, Capacity: 1, Meetings: []Span{sp(0, 9, 12)}}}}
	for _, id := range []string{"a", "b"} {
		in.Clients = append(in.Clients, Client{ID: id, Site: "s", Program: "adult", MinMinutes: 180, Available: allWeek(), Current: []string{"closed"}})
	}
	r := solveT(t, in)
	if r.Objective.Met != 1 || assignmentOf(r, "a").Process != "closed" || assignmentOf(r, "b").Process != "" {
		t.Fatalf("%+v", r.Assignments)
	}
}

func TestSpansReadAsThePagesShowTimes(t *testing.T) {
	for span, want := range map[Span]string{
		{Day: 1, Start: 18 * 60, End: 21 * 60}:    "Tue 6:00 pm-9:00 pm",
		{Day: 0, Start: 0, End: 12*60 + 30}:       "Mon 12:00 am-12:30 pm",
		{Day: 5, Start: 23*60 + 15, End: 24 * 60}: "Sat 11:15 pm-12:00 am",
	} {
		if got := span.String(); got != want {
			t.Errorf("%#v reads %q, want %q", span, got, want)
		}
	}
}

func TestParseSpanReadsWindowsAsPeopleTypeThem(t *testing.T) {
	evening := Span{Day: 1, Start: 18 * 60, End: 21 * 60}
	for in, want := range map[string]Span{"Tue 18:00-21:00": evening, "tue 6:00 pm-9:00 pm": evening, " TUE 6pm-9pm ": evening,
		"Sun 20:00-00:00": {Day: 6, Start: 20 * 60, End: 24 * 60}} {
		if got, err := ParseSpan(in); err != nil || got != want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Tue", "Tues 18:00-21:00", "Tue 21:00-18:00", "Tue 18:00", "Tue 25:00-26:00", "Tue six-nine"} {
		if got, err := ParseSpan(in); err == nil {
			t.Errorf("ParseSpan(%q) = %v, want an error", in, got)
		}
	}
}

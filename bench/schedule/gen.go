package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/openiop/openiop/internal/schedule/builder"
)

// Kind names a generated instance family (shared/reference/scheduling-performance.md §5.1).
type Kind struct {
	Name       string
	Sites      int
	Clients    int     // per site
	Cohorts    [3]int  // adult process groups per site: AM, PM, weekend
	Teen       int     // adolescent process groups per site
	CapLo      int     // process-group capacity range before scaling
	CapHi      int     //
	SeatRatio  float64 // adult process seats / adult clients; 0 keeps the drawn capacities
	Counselors int     // per site
	Churn      bool    // the week after a solved week: 10% discharges, admissions, availability edits
}

// Kinds are the benchmark's instances.
var Kinds = []Kind{
	{Name: "S", Sites: 1, Clients: 60, Cohorts: [3]int{2, 3, 1}, Teen: 1, CapLo: 8, CapHi: 12, Counselors: 4},
	{Name: "S-tight", Sites: 1, Clients: 60, Cohorts: [3]int{2, 3, 1}, Teen: 1, CapLo: 8, CapHi: 12, SeatRatio: 0.9, Counselors: 4},
	{Name: "S-loose", Sites: 1, Clients: 60, Cohorts: [3]int{2, 3, 1}, Teen: 1, CapLo: 8, CapHi: 12, SeatRatio: 1.3, Counselors: 4},
	{Name: "M", Sites: 1, Clients: 500, Cohorts: [3]int{14, 18, 8}, Teen: 4, CapLo: 10, CapHi: 15, Counselors: 15},
	{Name: "M-tight", Sites: 1, Clients: 500, Cohorts: [3]int{14, 18, 8}, Teen: 4, CapLo: 10, CapHi: 15, SeatRatio: 0.9, Counselors: 15},
	{Name: "M-loose", Sites: 1, Clients: 500, Cohorts: [3]int{14, 18, 8}, Teen: 4, CapLo: 10, CapHi: 15, SeatRatio: 1.3, Counselors: 15},
	{Name: "L", Sites: 10, Clients: 500, Cohorts: [3]int{14, 18, 8}, Teen: 4, CapLo: 10, CapHi: 15, Counselors: 15},
	{Name: "M-churn", Sites: 1, Clients: 500, Cohorts: [3]int{14, 18, 8}, Teen: 4, CapLo: 10, CapHi: 15, Counselors: 15, Churn: true},
}

func kindNamed(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

func hm(d builder.Day, h, m, minutes int) builder.Span {
	return builder.Span{Day: d, Start: h*60 + m, End: h*60 + m + minutes}
}

// block is a track's time of day: the process groups' meeting patterns and
// the days and time its workshops use.
type block struct {
	track    string
	patterns [][]builder.Span // process-group meeting patterns (6 h a week)
	workDays []builder.Day
	workAt   [2]int // hour, minute of the workshops (90 minutes)
}

var blocks = []block{
	{track: "AM", patterns: [][]builder.Span{
		{hm(0, 9, 0, 120), hm(2, 9, 0, 120), hm(4, 9, 0, 120)},
		{hm(1, 9, 0, 120), hm(3, 9, 0, 120), hm(4, 9, 0, 120)},
	}, workDays: []builder.Day{0, 1, 2, 3}, workAt: [2]int{11, 15}},
	{track: "PM", patterns: [][]builder.Span{
		{hm(0, 18, 0, 120), hm(1, 18, 0, 120), hm(3, 18, 0, 120)},
		{hm(0, 18, 0, 120), hm(2, 18, 0, 120), hm(3, 18, 0, 120)},
	}, workDays: []builder.Day{0, 1, 2, 3}, workAt: [2]int{20, 15}},
	{track: "WE", patterns: [][]builder.Span{
		{hm(5, 9, 0, 150), hm(6, 9, 0, 150), hm(2, 17, 0, 60)},
	}, workDays: []builder.Day{5, 6}, workAt: [2]int{12, 0}},
}

// persona is a kind of weekly availability.
type persona struct {
	share   int // in percent
	windows []builder.Span
}

func weekdays(h0, h1 int, days ...builder.Day) []builder.Span {
	var out []builder.Span
	for _, d := range days {
		out = append(out, builder.Span{Day: d, Start: h0 * 60, End: h1 * 60})
	}
	return out
}

var personas = []persona{
	{30, weekdays(8, 22, 0, 1, 2, 3, 4)},                                    // not working
	{30, append(weekdays(17, 22, 0, 1, 2, 3, 4), weekdays(8, 16, 5, 6)...)}, // day worker
	{15, weekdays(8, 13, 0, 1, 2, 3, 4)},                                    // mornings
	{10, append(weekdays(8, 16, 5, 6), weekdays(16, 19, 2)...)},             // weekends
	{15, weekdays(8, 22, 0, 1, 2, 3, 4, 5, 6)},                              // flexible
}

func drawAvailability(rng *rand.Rand) []builder.Span {
	r := rng.IntN(100)
	var p persona
	for _, p = range personas {
		if r < p.share {
			break
		}
		r -= p.share
	}
	av := append([]builder.Span(nil), p.windows...)
	// a blackout day for a third of clients
	if rng.IntN(3) == 0 && len(av) > 3 {
		i := rng.IntN(len(av))
		av = append(av[:i], av[i+1:]...)
	}
	return av
}

// Generate builds an instance, deterministic for its kind and seed.
func Generate(k Kind, seed uint64) *builder.Instance {
	rng := rand.New(rand.NewPCG(seed, uint64(len(k.Name))*7919+uint64(k.Clients)))
	in := &builder.Instance{Week: "2026-W49"}
	for s := 0; s < k.Sites; s++ {
		genSite(rng, k, fmt.Sprintf("site%02d", s+1), in)
	}
	return in
}

func genSite(rng *rand.Rand, k Kind, site string, in *builder.Instance) {
	var clients []builder.Client
	adults := 0
	for i := 0; i < k.Clients; i++ {
		c := builder.Client{ID: fmt.Sprintf("%s-c%03d", site, i+1), Site: site, Program: "adult", MinMinutes: 540, MinDays: 3, Sessions: 1}
		if rng.IntN(100) < 15 {
			c.Program, c.MinMinutes = "adolescent", 360
		} else {
			adults++
		}
		c.Available = drawAvailability(rng)
		clients = append(clients, c)
	}
	// process groups
	scale := 1.0
	firstGroup := len(in.Groups)
	var adultSeats int
	n := 0
	for b, count := range k.Cohorts {
		for j := 0; j < count; j++ {
			bl := blocks[b]
			n++
			g := builder.Group{ID: fmt.Sprintf("%s-%s%02d", site, bl.track, j+1), Title: fmt.Sprintf("%s process group %d", bl.track, j+1),
				Site: site, Program: "adult", Track: bl.track, Type: "process", Process: true,
				Meetings: bl.patterns[j%len(bl.patterns)], Capacity: k.CapLo + rng.IntN(k.CapHi-k.CapLo+1),
				Closed: rng.IntN(10) == 0, Facilitator: fmt.Sprintf("%s-f%02d", site, n), Room: fmt.Sprintf("%s-r%02d", site, n),
				Telehealth: rng.IntN(5) == 0}
			adultSeats += g.Capacity
			in.Groups = append(in.Groups, g)
		}
	}
	if k.SeatRatio > 0 {
		scale = k.SeatRatio * float64(adults) / float64(adultSeats)
		for i := firstGroup; i < len(in.Groups); i++ {
			in.Groups[i].Capacity = max(1, int(float64(in.Groups[i].Capacity)*scale+0.5))
		}
	}
	for j := 0; j < k.Teen; j++ {
		n++
		in.Groups = append(in.Groups, builder.Group{ID: fmt.Sprintf("%s-T%02d", site, j+1), Title: fmt.Sprintf("Adolescent group %d", j+1),
			Site: site, Program: "adolescent", Track: "TEEN", Type: "process", Process: true,
			Meetings:    []builder.Span{hm(builder.Day(j%2), 15, 30, 120), hm(builder.Day(2+j%2), 15, 30, 120), hm(4, 15, 30, 120)},
			Capacity:    max(1, int(float64(k.CapLo+rng.IntN(k.CapHi-k.CapLo+1))*scale+0.5)),
			Facilitator: fmt.Sprintf("%s-f%02d", site, n), Room: fmt.Sprintf("%s-r%02d", site, n)})
	}
	// workshops: per block, one per process group plus a family session,
	// 90 minutes, spread over the block's days
	types := []string{"psychoeducation", "relapse_prevention", "skills", "vocational"}
	for b, count := range k.Cohorts {
		bl := blocks[b]
		for j := 0; j <= count; j++ {
			n++
			typ, title := types[j%len(types)], fmt.Sprintf("%s workshop %d", bl.track, j+1)
			if j == count {
				typ, title = "family_education", bl.track+" family education"
			}
			d := bl.workDays[j%len(bl.workDays)]
			in.Groups = append(in.Groups, builder.Group{ID: fmt.Sprintf("%s-%sw%02d", site, bl.track, j+1), Title: title, Site: site,
				Program: "adult", Track: bl.track, Type: typ, Meetings: []builder.Span{hm(d, bl.workAt[0], bl.workAt[1], 90)},
				Capacity:    max(1, int(float64(k.CapLo+rng.IntN(k.CapHi-k.CapLo+1))*scale+0.5)),
				Facilitator: fmt.Sprintf("%s-f%02d", site, n), Room: fmt.Sprintf("%s-r%02d", site, n)})
		}
	}
	// counselors: six slots a day on weekdays (12:00, 13:00, 14:00, 15:00,
	// 16:00, 17:00); every third counselor also Saturday 14:00 and 15:00
	for j := 0; j < k.Counselors; j++ {
		co := builder.Counselor{ID: fmt.Sprintf("%s-k%02d", site, j+1), Site: site, Caseload: 35 + rng.IntN(11)}
		for d := builder.Day(0); d < 5; d++ {
			for _, h := range []int{12, 13, 14, 15, 16, 17} {
				co.Slots = append(co.Slots, hm(d, h, 0, 60))
			}
		}
		if j%3 == 0 {
			co.Slots = append(co.Slots, hm(5, 14, 0, 60), hm(5, 15, 0, 60))
		}
		in.Counselors = append(in.Counselors, co)
	}
	// current enrolments, primary counselors, preferences
	var process []builder.Group
	for _, g := range in.Groups[firstGroup:] {
		if g.Process {
			process = append(process, g)
		}
	}
	for i := range clients {
		c := &clients[i]
		if rng.IntN(100) < 60 {
			var fits []string
			for _, g := range process {
				if g.Program == c.Program && allWithin(g.Meetings, c.Available) {
					fits = append(fits, g.ID)
				}
			}
			if len(fits) > 0 {
				c.Current = []string{fits[rng.IntN(len(fits))]}
			}
		}
		if rng.IntN(100) < 80 {
			c.Counselor = fmt.Sprintf("%s-k%02d", site, 1+rng.IntN(k.Counselors))
		}
		if rng.IntN(100) < 30 {
			c.PreferTrack = []string{"AM", "PM", "WE"}[rng.IntN(3)]
		}
		c.PreferTelehealth = rng.IntN(5) == 0
	}
	// a closed group keeps only its current members: drop the closed flag
	// from groups nobody is in, so no group is closed and empty
	members := map[string]int{}
	for _, c := range clients {
		for _, g := range c.Current {
			members[g]++
		}
	}
	for i := firstGroup; i < len(in.Groups); i++ {
		if in.Groups[i].Closed && members[in.Groups[i].ID] == 0 {
			in.Groups[i].Closed = false
		}
	}
	in.Clients = append(in.Clients, clients...)
}

func allWithin(spans, windows []builder.Span) bool {
	for _, s := range spans {
		ok := false
		for _, w := range windows {
			ok = ok || s.Within(w)
		}
		if !ok {
			return false
		}
	}
	return true
}

// Churn makes the next week from a solved one: enrolments follow the
// result, then 10% of clients are discharged, as many admitted and 10% edit
// their availability.
func Churn(in *builder.Instance, r *builder.Result, seed uint64) *builder.Instance {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := *in
	out.Week = "2026-W50"
	out.Clients = nil
	byClient := map[string]builder.Assignment{}
	for _, a := range r.Assignments {
		byClient[a.Client] = a
	}
	admitted := 0
	for _, c := range in.Clients {
		if rng.IntN(10) == 0 {
			admitted++
			continue // discharged
		}
		a := byClient[c.ID]
		c.Current = append([]string(nil), a.Groups...)
		if a.Process != "" {
			c.Current = append([]string{a.Process}, c.Current...)
		}
		if rng.IntN(10) == 0 {
			c.Available = drawAvailability(rng)
		}
		out.Clients = append(out.Clients, c)
	}
	for i := 0; i < admitted; i++ {
		site := in.Clients[rng.IntN(len(in.Clients))].Site
		c := builder.Client{ID: fmt.Sprintf("%s-n%03d", site, i+1), Site: site, Program: "adult", MinMinutes: 540, MinDays: 3, Sessions: 1,
			Available: drawAvailability(rng)}
		if rng.IntN(100) < 15 {
			c.Program, c.MinMinutes = "adolescent", 360
		}
		out.Clients = append(out.Clients, c)
	}
	return &out
}

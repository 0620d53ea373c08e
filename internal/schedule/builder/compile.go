package builder

import (
	"math/bits"
	"slices"
)

// The solver works on one site at a time, on compiled data with local
// indices: groups and slots as interval lists, each client's domain already
// filtered by site, program and availability (most of the size reduction).

type cgroup struct {
	id      int // index into Instance.Groups
	process bool
	meets   []Span
	minutes int
	days    uint8
	cap     int
	closed  bool
	track   string
	tele    bool
}

type cslot struct {
	counselor int // local counselor index
	span      Span
	minutes   int
}

type ccounselor struct {
	id      int // index into Instance.Counselors
	limit   int // caseload left for clients without a fixed counselor
	primary int
}

type cclient struct {
	id        int   // index into Instance.Clients
	process   []int // feasible process groups (local)
	works     []int // feasible other groups, by minutes, longest first
	slots     []int // feasible slots (local)
	cur       int   // current process group (local) or -1
	curTrack  string
	curWorks  []int // current other groups (local)
	fixed     bool  // in a closed cohort that still fits: stays there
	need      int
	needDays  int
	needSess  int
	counselor int // local counselor or -1 for any
	prefTrack string
	prefTele  bool
	alone     map[int]aloneEntry // per process group (or -1): could they meet the minimum with every seat free
}

type aloneEntry struct {
	plan plan
	ok   bool
}

type site struct {
	in         *Instance
	name       string
	groups     []cgroup
	slots      []cslot
	counselors []ccounselor
	clients    []cclient
	sessCount  bool
}

func daysOf(spans []Span) uint8 {
	var d uint8
	for _, s := range spans {
		d |= 1 << uint(s.Day)
	}
	return d
}

func popcount(d uint8) int { return bits.OnesCount8(d) }

func inside(s Span, windows []Span) bool {
	for _, w := range windows {
		if s.Within(w) {
			return true
		}
	}
	return false
}

func allInside(spans, windows []Span) bool {
	for _, s := range spans {
		if !inside(s, windows) {
			return false
		}
	}
	return true
}

// compile builds one site's problem; clients is the indices of its clients.
func compile(in *Instance, name string) *site {
	st := &site{in: in, name: name, sessCount: in.SessionsCount}
	groupLocal := map[string]int{}
	for i, g := range in.Groups {
		if g.Site != name {
			continue
		}
		groupLocal[g.ID] = len(st.groups)
		st.groups = append(st.groups, cgroup{id: i, process: g.Process, meets: g.Meetings, minutes: g.Minutes(),
			days: daysOf(g.Meetings), cap: g.Capacity, closed: g.Closed, track: g.Track, tele: g.Telehealth})
	}
	counselorLocal := map[string]int{}
	for i, k := range in.Counselors {
		if k.Site != name {
			continue
		}
		counselorLocal[k.ID] = len(st.counselors)
		st.counselors = append(st.counselors, ccounselor{id: i, limit: k.Caseload})
		for _, s := range k.Slots {
			st.slots = append(st.slots, cslot{counselor: len(st.counselors) - 1, span: s, minutes: s.End - s.Start})
		}
	}
	kept := map[int]int{}
	for i, c := range in.Clients {
		if c.Site != name {
			continue
		}
		cc := cclient{id: i, cur: -1, counselor: -1, need: c.MinMinutes, needDays: c.MinDays, needSess: c.Sessions,
			prefTrack: c.PreferTrack, prefTele: c.PreferTelehealth}
		if k, ok := counselorLocal[c.Counselor]; ok && c.Counselor != "" {
			cc.counselor = k
			st.counselors[k].primary++
		}
		for _, id := range c.Current {
			if l, ok := groupLocal[id]; ok {
				if st.groups[l].process {
					cc.cur, cc.curTrack = l, st.groups[l].track
				} else {
					cc.curWorks = append(cc.curWorks, l)
				}
			}
		}
		for l, g := range st.groups {
			if in.Groups[g.id].Program != c.Program || g.cap <= 0 || !allInside(g.meets, c.Available) {
				continue
			}
			if g.closed && l != cc.cur {
				continue
			}
			if g.process {
				cc.process = append(cc.process, l)
			} else {
				cc.works = append(cc.works, l)
			}
		}
		// A closed cohort keeps its members while it has seats for them (the
		// first ones listed, should it have fewer seats than members).
		if cc.cur >= 0 && st.groups[cc.cur].closed && slices.Contains(cc.process, cc.cur) && kept[cc.cur] < st.groups[cc.cur].cap {
			cc.fixed = true
			kept[cc.cur]++
		}
		slices.SortStableFunc(cc.works, func(a, b int) int { return st.groups[b].minutes - st.groups[a].minutes })
		for l, s := range st.slots {
			if (cc.counselor < 0 || s.counselor == cc.counselor) && inside(s.span, c.Available) {
				cc.slots = append(cc.slots, l)
			}
		}
		st.clients = append(st.clients, cc)
	}
	for k := range st.counselors {
		st.counselors[k].limit -= st.counselors[k].primary
	}
	return st
}

package builder

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteLP writes one site's week as the exact integer program of the
// builder's model, in CPLEX LP format, for reference solvers (CBC, HiGHS).
// Levels 1 to 3 of the objective are one weighted sum (W1, W2, W3); balance
// is left out (it is quadratic and only breaks ties). Variables:
// y_c_g (client c in process group g), x_c_g (other group), z_c_s (slot s),
// w_c_d (attends on day d), u_c (meets the minimum), a_c_k (counselor k
// for a client without a fixed one). Indices are the site's own.
func WriteLP(out io.Writer, in *Instance, siteName string) error {
	if err := in.Validate(); err != nil {
		return err
	}
	s := compile(in, siteName)
	st := newState(s)
	w := bufio.NewWriter(out)
	var obj []string
	var rows []string
	var bins []string
	row := func(terms []string, rel string, rhs int) {
		if len(terms) == 0 {
			return
		}
		rows = append(rows, strings.Join(terms, " + ")+" "+rel+" "+fmt.Sprint(rhs))
	}
	processOf := make([][]string, len(s.groups))
	worksOf := make([][]string, len(s.groups))
	slotOf := make([][]string, len(s.slots))
	caseOf := make([][]string, len(s.counselors))
	for ci := range s.clients {
		c := &s.clients[ci]
		u := fmt.Sprintf("u_%d", ci)
		bins = append(bins, u)
		obj = append(obj, fmt.Sprintf("%d %s", W1, u))
		type item struct {
			name    string
			spans   []Span
			minutes int
			days    uint8
		}
		var items []item
		var ys, zs []string
		opts := c.process
		if c.fixed {
			opts = []int{c.cur}
		}
		for _, g := range opts {
			y := fmt.Sprintf("y_%d_%d", ci, g)
			bins = append(bins, y)
			ys = append(ys, y)
			processOf[g] = append(processOf[g], y)
			items = append(items, item{y, s.groups[g].meets, s.groups[g].minutes, s.groups[g].days})
			if cont, pref := st.processWorth(ci, g); cont > 0 || pref > 0 {
				obj = append(obj, fmt.Sprintf("%d %s", cont*W2+pref*W3, y))
			}
		}
		if c.fixed {
			row(ys, "=", 1)
		} else {
			row(ys, "<=", 1)
		}
		for _, g := range c.works {
			x := fmt.Sprintf("x_%d_%d", ci, g)
			bins = append(bins, x)
			worksOf[g] = append(worksOf[g], x)
			items = append(items, item{x, s.groups[g].meets, s.groups[g].minutes, s.groups[g].days})
		}
		counselors := map[int][]string{}
		for _, sl := range c.slots {
			z := fmt.Sprintf("z_%d_%d", ci, sl)
			bins = append(bins, z)
			zs = append(zs, z)
			slotOf[sl] = append(slotOf[sl], z)
			minutes := 0
			if s.sessCount {
				minutes = s.slots[sl].minutes
			}
			items = append(items, item{z, []Span{s.slots[sl].span}, minutes, 1 << uint(s.slots[sl].span.Day)})
			counselors[s.slots[sl].counselor] = append(counselors[s.slots[sl].counselor], z)
		}
		// sessions: at least the required number when met, at most that
		row(append(slices.Clone(zs), fmt.Sprintf("-%d %s", c.needSess, u)), ">=", 0)
		if len(zs) > 0 {
			row(zs, "<=", c.needSess)
		}
		if c.counselor < 0 && len(counselors) > 0 {
			var as []string
			for _, k := range sortedInts(counselors) {
				a := fmt.Sprintf("a_%d_%d", ci, k)
				bins = append(bins, a)
				as = append(as, a)
				caseOf[k] = append(caseOf[k], a)
				for _, z := range counselors[k] {
					rows = append(rows, fmt.Sprintf("%s - %s <= 0", z, a))
				}
			}
			row(as, "<=", 1)
		}
		// no overlaps: one row per start point (interval graphs are perfect)
		var starts []Span
		for _, it := range items {
			starts = append(starts, it.spans...)
		}
		done := map[[2]int]bool{}
		for _, p := range starts {
			key := [2]int{int(p.Day), p.Start}
			if done[key] {
				continue
			}
			done[key] = true
			var terms []string
			for _, it := range items {
				for _, sp := range it.spans {
					if sp.Day == p.Day && sp.Start <= p.Start && p.Start < sp.End {
						terms = append(terms, it.name)
						break
					}
				}
			}
			if len(terms) > 1 {
				row(terms, "<=", 1)
			}
		}
		// hours
		var hrs []string
		for _, it := range items {
			if it.minutes > 0 {
				hrs = append(hrs, fmt.Sprintf("%d %s", it.minutes, it.name))
			}
		}
		row(append(hrs, fmt.Sprintf("-%d %s", c.need, u)), ">=", 0)
		// days
		var ws []string
		for d := 0; d < 7; d++ {
			var on []string
			for _, it := range items {
				if it.days&(1<<uint(d)) != 0 {
					on = append(on, it.name)
				}
			}
			if len(on) == 0 {
				continue
			}
			wv := fmt.Sprintf("w_%d_%d", ci, d)
			bins = append(bins, wv)
			ws = append(ws, wv)
			rows = append(rows, wv+" - "+strings.Join(on, " - ")+" <= 0")
		}
		row(append(ws, fmt.Sprintf("-%d %s", c.needDays, u)), ">=", 0)
	}
	for g := range s.groups {
		row(processOf[g], "<=", s.groups[g].cap)
		row(worksOf[g], "<=", s.groups[g].cap)
	}
	for sl := range s.slots {
		if len(slotOf[sl]) > 1 {
			row(slotOf[sl], "<=", 1)
		}
	}
	for k := range s.counselors {
		if len(caseOf[k]) > 0 {
			row(caseOf[k], "<=", max(0, s.counselors[k].limit))
		}
	}
	fmt.Fprintf(w, "\\ OpenIOP schedule builder, week %s, site %s: %d clients\nMaximize\n obj:", in.Week, siteName, len(s.clients))
	for i, t := range obj {
		if i > 0 {
			w.WriteString(" +")
		}
		if i%8 == 7 {
			w.WriteString("\n ")
		}
		w.WriteString(" " + t)
	}
	w.WriteString("\nSubject To\n")
	for i, r := range rows {
		fmt.Fprintf(w, " r%d: %s\n", i, strings.ReplaceAll(r, "+ -", "- "))
	}
	w.WriteString("Binaries\n")
	for i, b := range bins {
		w.WriteString(" " + b)
		if i%10 == 9 {
			w.WriteString("\n")
		}
	}
	w.WriteString("\nEnd\n")
	return w.Flush()
}

func sortedInts[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

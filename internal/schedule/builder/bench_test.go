package builder

import (
	"context"
	"math/rand/v2"
	"testing"
)

// randomSite is a mid-sized random site for benchmarks: many clients over a
// few process groups and workshops, with availability windows.
func randomSite(n int, seed uint64) *Instance {
	rng := rand.New(rand.NewPCG(seed, 1))
	in := &Instance{}
	for i := 0; i < n/12; i++ {
		d := Day(i % 2)
		h := []int{9, 13, 18}[i%3]
		in.Groups = append(in.Groups, Group{ID: "p" + itoa(i), Site: "s", Program: "adult", Process: true, Track: itoa(h), Capacity: 10 + rng.IntN(6),
			Meetings: []Span{sp(d, h, h+2), sp(d+2, h, h+2), sp(4, h, h+2)}})
	}
	for i := 0; i < n/10; i++ {
		d := Day(i % 5)
		h := []int{11, 15, 20}[i%3]
		in.Groups = append(in.Groups, Group{ID: "w" + itoa(i), Site: "s", Program: "adult", Capacity: 10 + rng.IntN(6), Meetings: []Span{{Day: d, Start: h * 60, End: h*60 + 90}}})
	}
	for i := 0; i < n; i++ {
		c := Client{ID: "c" + itoa(i), Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3}
		for d := Day(0); d < 5; d++ {
			if rng.IntN(5) > 0 {
				from := 8 + rng.IntN(6)
				c.Available = append(c.Available, Span{Day: d, Start: from * 60, End: min(22, from+6+rng.IntN(10)) * 60})
			}
		}
		in.Clients = append(in.Clients, c)
	}
	return in
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// BenchmarkSolve500 reports a 500-client site's solve and clients meeting
// their minimum (the benchmark suite with references is bench/schedule).
func BenchmarkSolve500(b *testing.B) {
	in := randomSite(500, 1)
	var met int
	for b.Loop() {
		r, err := Solve(context.Background(), in, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		met = r.Objective.Met
	}
	b.ReportMetric(float64(met), "met")
}

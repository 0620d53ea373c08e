package flow

import (
	"math/rand/v2"
	"testing"
)

// bruteAssign tries every choice for every left item.
func bruteAssign(reward []map[int]int64, capacity []int) int64 {
	used := make([]int, len(capacity))
	var best int64
	var rec func(l int, sum int64)
	rec = func(l int, sum int64) {
		if l == len(reward) {
			best = max(best, sum)
			return
		}
		rec(l+1, sum)
		for r, w := range reward[l] {
			if used[r] < capacity[r] {
				used[r]++
				rec(l+1, sum+w)
				used[r]--
			}
		}
	}
	rec(0, 0)
	return best
}

func randomInstance(rng *rand.Rand) ([]map[int]int64, []int) {
	nl, nr := 1+rng.IntN(7), 1+rng.IntN(4)
	reward := make([]map[int]int64, nl)
	for l := range reward {
		reward[l] = map[int]int64{}
		for r := 0; r < nr; r++ {
			if rng.IntN(3) > 0 {
				reward[l][r] = 1 + rng.Int64N(20)
			}
		}
	}
	capacity := make([]int, nr)
	for r := range capacity {
		capacity[r] = rng.IntN(3)
	}
	return reward, capacity
}

func TestAssignMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		reward, capacity := randomInstance(rng)
		choice, got := Assign(reward, capacity)
		if want := bruteAssign(reward, capacity); got != want {
			t.Fatalf("instance %d: reward %v capacity %v: got %d, brute force %d", i, reward, capacity, got, want)
		}
		// The choice must be feasible and add up to the reported total.
		used := make([]int, len(capacity))
		var sum int64
		for l, r := range choice {
			if r < 0 {
				continue
			}
			w, ok := reward[l][r]
			if !ok {
				t.Fatalf("instance %d: item %d sent to %d, which it has no reward for", i, l, r)
			}
			used[r]++
			sum += w
		}
		for r := range used {
			if used[r] > capacity[r] {
				t.Fatalf("instance %d: right %d over capacity", i, r)
			}
		}
		if sum != got {
			t.Fatalf("instance %d: choices add to %d, reported %d", i, sum, got)
		}
	}
}

func TestMinCostMaxFlowOnKnownNetwork(t *testing.T) {
	// Two paths s-a-t (cap 2, cost 1+1) and s-b-t (cap 1, cost 5+0), plus a-b.
	g := NewGraph(4)
	s, a, b, tt := 0, 1, 2, 3
	g.AddArc(s, a, 3, 1)
	g.AddArc(a, tt, 2, 1)
	g.AddArc(s, b, 1, 5)
	g.AddArc(a, b, 1, 1)
	g.AddArc(b, tt, 2, 0)
	f, c := g.MinCostFlow(s, tt, 10, false)
	// Max flow 4: s-a-t twice (cost 4), s-a-b-t once (2), s-b-t once (5).
	if f != 4 || c != 11 {
		t.Fatalf("flow %d cost %d, want 4 and 11", f, c)
	}
}

func bruteMatching(adj [][]int, nRight int) int {
	used := make([]bool, nRight)
	best := 0
	var rec func(u, size int)
	rec = func(u, size int) {
		if u == len(adj) {
			best = max(best, size)
			return
		}
		rec(u+1, size)
		for _, v := range adj[u] {
			if !used[v] {
				used[v] = true
				rec(u+1, size+1)
				used[v] = false
			}
		}
	}
	rec(0, 0)
	return best
}

func TestMaxMatchingMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		nl, nr := 1+rng.IntN(7), 1+rng.IntN(7)
		adj := make([][]int, nl)
		for u := range adj {
			for v := 0; v < nr; v++ {
				if rng.IntN(3) == 0 {
					adj[u] = append(adj[u], v)
				}
			}
		}
		match, size := MaxMatching(adj, nr)
		if want := bruteMatching(adj, nr); size != want {
			t.Fatalf("instance %d: %v: size %d, brute force %d", i, adj, size, want)
		}
		seen := map[int]bool{}
		n := 0
		for _, v := range match {
			if v >= 0 {
				if seen[v] {
					t.Fatalf("instance %d: right %d matched twice", i, v)
				}
				seen[v] = true
				n++
			}
		}
		if n != size {
			t.Fatalf("instance %d: %d matched, reported %d", i, n, size)
		}
	}
}

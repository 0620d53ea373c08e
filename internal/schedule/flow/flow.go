// Package flow holds the two textbook network algorithms the schedule
// builder solves its polynomial layers with: min-cost flow by successive
// shortest paths (Bellman-Ford once, then Dijkstra on reduced costs, Ahuja,
// Magnanti & Orlin, Network Flows, ch. 9) and Hopcroft-Karp maximum bipartite
// matching. No Go binding of an LP or flow library is reachable here, and
// these are a few hundred lines.
package flow

import (
	"container/heap"
	"math"
)

// Graph is a directed network with integer capacities and costs.
type Graph struct {
	n     int
	head  []int32
	next  []int32
	to    []int32
	cap   []int64
	cost  []int64
	flow0 []int64 // the original capacity, so Flow can report what an arc carries
}

// NewGraph makes a network with n nodes, numbered 0..n-1.
func NewGraph(n int) *Graph {
	if n < 0 || n > math.MaxInt32 {
		panic("flow: a graph of more nodes than int32 indexes")
	}
	g := &Graph{n: n, head: make([]int32, n)}
	for i := range g.head {
		g.head[i] = -1
	}
	return g
}

// AddNode adds a node and returns its number.
func (g *Graph) AddNode() int {
	g.head = append(g.head, -1)
	g.n++
	return g.n - 1
}

// Nodes is the number of nodes.
func (g *Graph) Nodes() int { return g.n }

// AddArc adds an arc from u to v and returns its id for Flow.
func (g *Graph) AddArc(u, v int, capacity, cost int64) int {
	id := len(g.to)
	g.add(u, v, capacity, cost)
	g.add(v, u, 0, -cost)
	return id
}

func (g *Graph) add(u, v int, c, w int64) {
	g.to = append(g.to, int32(v)) // #nosec G115 -- v < n, which NewGraph keeps within int32
	g.cap = append(g.cap, c)
	g.cost = append(g.cost, w)
	g.flow0 = append(g.flow0, c)
	g.next = append(g.next, g.head[u])
	g.head[u] = int32(len(g.to) - 1) // #nosec G115 -- edges of a schedule graph stay far below 2^31
}

// Flow is what the arc with this id carries after a solve.
func (g *Graph) Flow(arc int) int64 { return g.flow0[arc] - g.cap[arc] }

// MinCostFlow sends as much flow as it can, up to maxFlow, from s to t at
// the least cost for that amount. With stopWhenPositive it stops as soon as
// the next shortest path would not lower the cost, which gives the cheapest
// flow of any amount: the question to ask when arcs carry rewards as
// negative costs. It returns the flow value and its cost.
//
// Costs may be negative, but the network must hold no negative cycle (the
// builder's networks are acyclic before the first augmentation).
func (g *Graph) MinCostFlow(s, t int, maxFlow int64, stopWhenPositive bool) (int64, int64) {
	pot := g.bellmanFord(s)
	dist := make([]int64, g.n)
	prev := make([]int32, g.n)
	var total, cost int64
	for total < maxFlow {
		if !g.dijkstra(s, pot, dist, prev) || dist[t] == math.MaxInt64 {
			break
		}
		for v := 0; v < g.n; v++ {
			if dist[v] != math.MaxInt64 {
				pot[v] += dist[v]
			}
		}
		pathCost := pot[t] - pot[s]
		if stopWhenPositive && pathCost >= 0 {
			break
		}
		// Send flow along every shortest path found in this phase (arcs of
		// zero reduced cost), as a blocking flow: one Dijkstra serves many
		// augmentations, which matters when each path carries one unit.
		pushed := g.blockingFlow(s, t, pot, maxFlow-total)
		if pushed == 0 {
			break
		}
		total += pushed
		cost += pushed * pathCost
	}
	return total, cost
}

// blockingFlow pushes up to limit units along paths of arcs with zero
// reduced cost, by depth-first search with dead-end marking.
func (g *Graph) blockingFlow(s, t int, pot []int64, limit int64) int64 {
	dead := make([]bool, g.n)
	onPath := make([]bool, g.n)
	cur := make([]int32, g.n)
	copy(cur, g.head)
	var dfs func(u int, f int64) int64
	dfs = func(u int, f int64) int64 {
		if u == t {
			return f
		}
		onPath[u] = true
		defer func() { onPath[u] = false }()
		for ; cur[u] >= 0; cur[u] = g.next[cur[u]] {
			e := cur[u]
			v := int(g.to[e])
			if g.cap[e] <= 0 || dead[v] || onPath[v] || g.cost[e]+pot[u]-pot[v] != 0 {
				continue
			}
			if got := dfs(v, min(f, g.cap[e])); got > 0 {
				g.cap[e] -= got
				g.cap[e^1] += got
				return got
			}
		}
		dead[u] = true
		return 0
	}
	var total int64
	for total < limit {
		got := dfs(s, limit-total)
		if got == 0 {
			break
		}
		total += got
	}
	return total
}

// bellmanFord gives start potentials (shortest distances from s) so that
// reduced costs are non-negative; unreachable nodes get 0.
func (g *Graph) bellmanFord(s int) []int64 {
	const inf = math.MaxInt64
	d := make([]int64, g.n)
	for i := range d {
		d[i] = inf
	}
	d[s] = 0
	in := make([]bool, g.n)
	queue := []int{s}
	in[s] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		in[u] = false
		for e := g.head[u]; e >= 0; e = g.next[e] {
			if g.cap[e] > 0 {
				v := int(g.to[e])
				if nd := d[u] + g.cost[e]; nd < d[v] {
					d[v] = nd
					if !in[v] {
						in[v] = true
						queue = append(queue, v)
					}
				}
			}
		}
	}
	for i := range d {
		if d[i] == inf {
			d[i] = 0
		}
	}
	return d
}

type item struct {
	node int32
	dist int64
}
type pq []item

func (q pq) Len() int           { return len(q) }
func (q pq) Less(i, j int) bool { return q[i].dist < q[j].dist }
func (q pq) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)        { *q = append(*q, x.(item)) }
func (q *pq) Pop() any          { o := *q; x := o[len(o)-1]; *q = o[:len(o)-1]; return x }

func (g *Graph) dijkstra(s int, pot, dist []int64, prev []int32) bool {
	for i := range dist {
		dist[i] = math.MaxInt64
		prev[i] = -1
	}
	dist[s] = 0
	q := &pq{{int32(s), 0}} // #nosec G115 -- a node index, within int32 (NewGraph)
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		u := int(it.node)
		if it.dist > dist[u] {
			continue
		}
		for e := g.head[u]; e >= 0; e = g.next[e] {
			if g.cap[e] <= 0 {
				continue
			}
			v := int(g.to[e])
			nd := dist[u] + g.cost[e] + pot[u] - pot[v]
			if nd < dist[v] {
				dist[v] = nd
				prev[v] = e
				heap.Push(q, item{int32(v), nd}) // #nosec G115 -- a node index, within int32 (NewGraph)
			}
		}
	}
	return true
}

// MaxMatching is Hopcroft-Karp: adj[u] lists the right-hand vertices (0..nRight-1)
// left vertex u may be matched to. It returns, for each left vertex, its match
// or -1, and the size of the matching.
func MaxMatching(adj [][]int, nRight int) ([]int, int) {
	nLeft := len(adj)
	matchL := make([]int, nLeft)
	matchR := make([]int, nRight)
	for i := range matchL {
		matchL[i] = -1
	}
	for i := range matchR {
		matchR[i] = -1
	}
	dist := make([]int, nLeft)
	const inf = math.MaxInt32
	bfs := func() bool {
		var queue []int
		for u := 0; u < nLeft; u++ {
			if matchL[u] < 0 {
				dist[u] = 0
				queue = append(queue, u)
			} else {
				dist[u] = inf
			}
		}
		found := false
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, v := range adj[u] {
				w := matchR[v]
				if w < 0 {
					found = true
				} else if dist[w] == inf {
					dist[w] = dist[u] + 1
					queue = append(queue, w)
				}
			}
		}
		return found
	}
	var dfs func(u int) bool
	dfs = func(u int) bool {
		for _, v := range adj[u] {
			w := matchR[v]
			if w < 0 || dist[w] == dist[u]+1 && dfs(w) {
				matchL[u], matchR[v] = v, u
				return true
			}
		}
		dist[u] = inf
		return false
	}
	size := 0
	for bfs() {
		for u := 0; u < nLeft; u++ {
			if matchL[u] < 0 && dfs(u) {
				size++
			}
		}
	}
	return matchL, size
}

// Assign solves a transportation problem exactly: each left item goes to at
// most one right item it has a reward for (reward[l] maps right index to a
// positive reward), right item r takes at most capacity[r] items, and the
// total reward is the greatest possible. It returns each left item's choice
// or -1, and the total.
func Assign(reward []map[int]int64, capacity []int) ([]int, int64) {
	nl, nr := len(reward), len(capacity)
	g := NewGraph(nl + nr + 2)
	s, t := nl+nr, nl+nr+1
	type arc struct{ l, r, id int }
	var arcs []arc
	for l, m := range reward {
		g.AddArc(s, l, 1, 0)
		for _, r := range sortedKeys(m) {
			if m[r] > 0 {
				arcs = append(arcs, arc{l, r, g.AddArc(l, nl+r, 1, -m[r])})
			}
		}
	}
	for r, c := range capacity {
		if c > 0 {
			g.AddArc(nl+r, t, int64(c), 0)
		}
	}
	_, cost := g.MinCostFlow(s, t, int64(nl), true)
	choice := make([]int, nl)
	for i := range choice {
		choice[i] = -1
	}
	for _, a := range arcs {
		if g.Flow(a.id) > 0 {
			choice[a.l] = a.r
		}
	}
	return choice, -cost
}

func sortedKeys(m map[int]int64) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

package builder

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A client whose current groups fall short of a raised minimum keeps every
// current group that still fits and adds what is missing; the search for
// the fewest groups must not drop a current one.
func TestKeepsCurrentGroupsBeyondTheMinimum(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "P", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "A", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(1, 9, 12)}},
			{ID: "B", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(3, 9, 12)}},
			{ID: "X", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(5, 9, 15)}},
		},
		Clients: []Client{
			// 15 h: P and A make 12 h, B no longer fits (Thursday is taken), X (6 h) completes the week
			{ID: "c", Site: "s", Program: "adult", MinMinutes: 900, MinDays: 3, Current: []string{"P", "A", "B"},
				Available: []Span{sp(0, 8, 13), sp(1, 8, 13), sp(2, 8, 13), sp(4, 8, 13), sp(5, 8, 16)}},
			// 9 h in P alone: A and B are beyond the minimum and still fit
			{ID: "extra", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Current: []string{"P", "A", "B"}, Available: allWeek()},
		},
	}
	r := solveT(t, in)
	if a := assignmentOf(r, "c"); a.Process != "P" || !reflect.DeepEqual(a.Groups, []string{"A", "X"}) || !a.Met {
		t.Errorf("c: %+v, want P with A and X", a)
	}
	if a := assignmentOf(r, "extra"); a.Process != "P" || !reflect.DeepEqual(a.Groups, []string{"A", "B"}) {
		t.Errorf("extra: %+v, want every current group kept", a)
	}
	moves := Diff(in, r)
	if len(moves) != 1 || moves[0].Client != "c" || !reflect.DeepEqual(moves[0].Leave, []string{"B"}) || !reflect.DeepEqual(moves[0].Join, []string{"X"}) {
		t.Fatalf("diff %+v", moves)
	}
	if why := moves[0].Why["B"]; !strings.Contains(why, "outside their availability") {
		t.Errorf("why c leaves B: %q", why)
	}
	if r.Objective.Enrolments != 6 || r.Objective.EnrolmentsKept != 5 {
		t.Errorf("enrolments kept %d of %d, want 5 of 6", r.Objective.EnrolmentsKept, r.Objective.Enrolments)
	}
}

// A seat beyond one client's minimum goes to a new client only when that
// client needs it to reach theirs; a newcomer with another way to their
// hours takes the other way.
func TestCurrentSeatLeftOnlyForSomeoneElsesHours(t *testing.T) {
	process := Group{ID: "P", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}}
	e := Group{ID: "E", Title: "Tuesday skills", Site: "s", Program: "adult", Capacity: 1, Meetings: []Span{sp(1, 9, 12)}}
	f := Group{ID: "F", Site: "s", Program: "adult", Capacity: 1, Meetings: []Span{sp(1, 13, 16)}}
	member := Client{ID: "member", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Current: []string{"P", "E"}, Available: allWeek()}
	// listed first, so a first placement gives them E before the member
	flexible := Client{ID: "newcomer", Site: "s", Program: "adult", MinMinutes: 180, MinDays: 1, Available: []Span{sp(1, 8, 17)}}

	r := solveT(t, &Instance{Groups: []Group{process, e, f}, Clients: []Client{flexible, member}})
	if a := assignmentOf(r, "member"); !reflect.DeepEqual(a.Groups, []string{"E"}) {
		t.Errorf("member lost E though the newcomer could take F: %+v", a)
	}
	if a := assignmentOf(r, "newcomer"); !a.Met || !reflect.DeepEqual(a.Groups, []string{"F"}) {
		t.Errorf("newcomer %+v", a)
	}

	// Now the newcomer can only come Tuesday morning: E is the only way to
	// their hours, so the member leaves it, and the diff says why.
	flexible.Available = []Span{sp(1, 8, 12)}
	in := &Instance{Groups: []Group{process, e, f}, Clients: []Client{flexible, member}}
	r = solveT(t, in)
	if r.Objective.Met != 2 || !reflect.DeepEqual(assignmentOf(r, "newcomer").Groups, []string{"E"}) {
		t.Fatalf("met %d: %+v", r.Objective.Met, r.Assignments)
	}
	moves := Diff(in, r)
	i := slices.IndexFunc(moves, func(m Move) bool { return m.Client == "member" })
	if i < 0 || !reflect.DeepEqual(moves[i].Leave, []string{"E"}) || !strings.Contains(moves[i].Why["E"], "full") || !strings.Contains(moves[i].Why["E"], "new to it needs the seat to meet their weekly minimum") {
		t.Fatalf("member's move %+v", moves)
	}
}

// A client kept out of their current process group is told why.
func TestLeavingAProcessGroupIsExplained(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "am", Title: "Morning process", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "pm", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(0, 18, 21), sp(2, 18, 21), sp(4, 18, 21)}},
		},
		Clients: []Client{{ID: "day-job", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Current: []string{"am"},
			Available: []Span{sp(0, 17, 22), sp(2, 17, 22), sp(4, 17, 22)}}},
	}
	r := solveT(t, in)
	moves := Diff(in, r)
	if len(moves) != 1 || !reflect.DeepEqual(moves[0].Leave, []string{"am"}) || !strings.Contains(moves[0].Why["am"], "outside their availability") {
		t.Fatalf("%+v", moves)
	}
}

// Resolve keeps current groups too.
func TestResolveKeepsCurrentGroups(t *testing.T) {
	in := &Instance{
		Groups: []Group{
			{ID: "P", Site: "s", Program: "adult", Process: true, Capacity: 5, Meetings: []Span{sp(0, 9, 12), sp(2, 9, 12), sp(4, 9, 12)}},
			{ID: "A", Site: "s", Program: "adult", Capacity: 5, Meetings: []Span{sp(1, 9, 12)}},
		},
		Clients: []Client{{ID: "c", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Current: []string{"P", "A"}, Available: allWeek()}},
	}
	first := solveT(t, in)
	in.Clients = append(in.Clients, Client{ID: "new", Site: "s", Program: "adult", MinMinutes: 540, MinDays: 3, Available: allWeek()})
	r, err := Resolve(context.Background(), in, first, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a := assignmentOf(r, "c"); !reflect.DeepEqual(a.Groups, []string{"A"}) {
		t.Errorf("c after the admission: %+v", a)
	}
	if len(Diff(in, r)) != 1 {
		t.Errorf("diff %+v", Diff(in, r))
	}
}

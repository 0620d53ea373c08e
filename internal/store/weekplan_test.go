package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestWeekPlanReadSolveApply(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, evening, u := fixture(t, db)
		noSessions(t, db, prog)
		morning := model.Track{ProgramID: prog.ID, Name: "Morning", Kind: model.Morning,
			Days: []time.Weekday{time.Monday, time.Wednesday, time.Thursday}, Start: 9 * 60, End: 12 * 60, Capacity: 12}
		if err := db.CreateTrack(ctx, &morning, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		series := map[string]schedule.Series{}
		for _, tr := range []model.Track{evening, morning} {
			for i, kind := range []schedule.GroupType{"process", "skills", "relapse_prevention"} {
				day := []time.Weekday{time.Monday, time.Wednesday, time.Thursday}[i]
				s := groupOn(tr.ID, u.ID, day, tr.Start, tr.Name+" "+string(kind), tr.Name+" room")
				s.Type = kind
				if err := db.CreateSeries(ctx, &s, rec(u.ID)); err != nil {
					t.Fatal(err)
				}
				series[tr.Name+" "+string(kind)] = s
			}
		}
		ids := admitEvening(t, db, prog, evening, u, "Test")
		for _, id := range ids {
			for _, k := range []string{"Evening process", "Evening skills", "Evening relapse_prevention"} {
				if _, err := db.Enrol(ctx, series[k].ID, id, rec(u.ID)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Cy is waitlisted in the evening (2 seats) and now works evenings on Thursdays.
		if err := db.SetAvailability(ctx, ids[2], schedule.Availability{Busy: []schedule.Busy{{Day: time.Thursday, From: 17 * 60, To: 22 * 60, Label: "Work"}}}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		monday := model.Date{Year: 2026, Month: 11, Day: 30}
		cal, err := db.WeekCalendar(ctx, prog.SiteID, monday)
		if err != nil {
			t.Fatal(err)
		}
		if len(cal.Clients) != 3 || len(cal.Series) != 6 || len(cal.Clients[2].Enrolled) != 0 || len(cal.Clients[0].Enrolled) != 3 {
			t.Fatalf("calendar: %d clients, %d series, enrolled %v", len(cal.Clients), len(cal.Series), cal.Clients)
		}
		if recs := store.WeekCalendarAudit(cal, rec(u.ID)); len(recs) != 3 || recs[0].ClientID == "" || recs[0].Action != "read" {
			t.Fatalf("audit of the read: %+v", recs)
		}
		in := builder.FromCalendar(cal)
		r, err := builder.Solve(ctx, in, builder.Options{Seed: 1})
		if err != nil || r.Objective.Met != 3 {
			t.Fatalf("met %+v %v", r.Objective, err)
		}
		moves := builder.Diff(in, r)
		if len(moves) != 1 || moves[0].Client != ids[2] || len(moves[0].Join) != 3 {
			t.Fatalf("moves %+v", moves)
		}
		if err := db.ApplyWeekPlan(ctx, moves, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Enrolments(ctx, ids[2])
		enrolled := 0
		for _, e := range got {
			if e.Status == "enrolled" && e.Series.TrackID == morning.ID {
				enrolled++
			}
		}
		if enrolled != 3 {
			t.Fatalf("Cy's enrolments after apply: %+v", got)
		}
		// The same proposal again is stale: refused, nothing changes.
		err = db.ApplyWeekPlan(ctx, moves, rec(u.ID))
		if model.KindOf(err) != model.KindConflict {
			t.Fatalf("stale apply: %v", err)
		}
		if again, _ := db.Enrolments(ctx, ids[2]); len(again) != len(got) {
			t.Fatalf("a refused apply changed enrolments: %d, was %d", len(again), len(got))
		}
		// Over capacity is refused too.
		over := []builder.Move{{Client: ids[2], Join: []string{series["Evening skills"].ID}, Leave: []string{series["Morning skills"].ID},
			Why: map[string]string{series["Morning skills"].ID: "a test move"}}}
		if err := db.ApplyWeekPlan(ctx, over, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("over capacity: %v", err)
		}
		rep := verifyChain(t, db)
		_ = rep
	})
}

// Applying a week keeps enrolments beyond the weekly minimum that still
// fit; an enrolment that no longer fits is removed with its reason, which
// the audit keeps; a removal without a reason is refused.
func TestWeekPlanKeepsEnrolmentsThatStillFit(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, evening, u := fixture(t, db)
		noSessions(t, db, prog)
		var series []schedule.Series
		for i, day := range []time.Weekday{time.Monday, time.Wednesday, time.Thursday, time.Tuesday, time.Friday} {
			s := groupOn(evening.ID, u.ID, day, evening.Start, "Evening "+day.String(), "Room "+day.String())
			s.Type = []schedule.GroupType{"process", "skills", "relapse_prevention", "psychoeducation", "family_education"}[i]
			s.MaxCapacity = 4
			if err := db.CreateSeries(ctx, &s, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			series = append(series, s)
		}
		// A six-hour Saturday workshop no one is in yet.
		saturday := groupOn(evening.ID, u.ID, time.Saturday, 10*60, "Saturday workshop", "Room Saturday")
		saturday.Type, saturday.Minutes, saturday.MaxCapacity = "vocational", 360, 4
		if err := db.CreateSeries(ctx, &saturday, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		ids := admitEvening(t, db, prog, evening, u, "Keep")
		for j, id := range ids {
			n := []string{"Ana", "Ben", "Cy"}[j]
			// Ana and Ben: 15 hours a week, 6 beyond the 9-hour minimum;
			// Cy: the process group and Tuesday's group, 6 hours.
			for i, s := range series {
				if n == "Cy" && i != 0 && i != 3 {
					continue
				}
				if _, err := db.Enrol(ctx, s.ID, id, rec(u.ID)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Ben now works Friday evenings.
		if err := db.SetAvailability(ctx, ids[1], schedule.Availability{Busy: []schedule.Busy{{Day: time.Friday, From: 17 * 60, To: 22 * 60, Label: "Work"}}}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		// Cy now works Wednesday and Thursday evenings: the Saturday workshop
		// makes up their hours, and Tuesday's group (beyond the minimum
		// with it) still fits.
		cyBusy := []schedule.Busy{{Day: time.Wednesday, From: 17 * 60, To: 22 * 60, Label: "Work"}, {Day: time.Thursday, From: 17 * 60, To: 22 * 60, Label: "Work"}}
		if err := db.SetAvailability(ctx, ids[2], schedule.Availability{Busy: cyBusy}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		monday := model.Date{Year: 2026, Month: 11, Day: 30}
		cal, err := db.WeekCalendar(ctx, prog.SiteID, monday)
		if err != nil {
			t.Fatal(err)
		}
		in := builder.FromCalendar(cal)
		r, err := builder.Solve(ctx, in, builder.Options{Seed: 1})
		if err != nil || r.Objective.Met != 3 {
			t.Fatalf("met %+v %v", r.Objective, err)
		}
		moves := builder.Diff(in, r)
		friday := series[4].ID
		if len(moves) != 2 || moves[0].Client != ids[1] || len(moves[0].Join) != 0 || len(moves[0].Leave) != 1 || moves[0].Leave[0] != friday {
			t.Fatalf("moves %+v, want Ben leaving the Friday group", moves)
		}
		if m := moves[1]; m.Client != ids[2] || len(m.Leave) != 0 || len(m.Join) != 1 || m.Join[0] != saturday.ID {
			t.Fatalf("Cy's move %+v, want joining Saturday and keeping Tuesday", m)
		}
		why := moves[0].Why[friday]
		if !strings.Contains(why, "outside their availability") {
			t.Fatalf("why Ben leaves: %q", why)
		}
		// A removal without its reason is refused and changes nothing.
		bare := []builder.Move{{Client: ids[1], Leave: []string{friday}}}
		if err := db.ApplyWeekPlan(ctx, bare, rec(u.ID)); model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "without a reason") {
			t.Fatalf("a removal without a reason: %v", err)
		}
		if got := enrolledIn(t, db, ids[1]); len(got) != 5 {
			t.Fatalf("a refused apply changed Ben's enrolments: %v", got)
		}
		if err := db.ApplyWeekPlan(ctx, moves, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if got := enrolledIn(t, db, ids[0]); len(got) != 5 {
			t.Errorf("Ana's enrolments after apply: %v, want all 5 kept", got)
		}
		if got := enrolledIn(t, db, ids[1]); len(got) != 4 || slices.Contains(got, friday) {
			t.Errorf("Ben's enrolments after apply: %v, want 4 without Friday", got)
		}
		if got := enrolledIn(t, db, ids[2]); len(got) != 3 || !slices.Contains(got, series[3].ID) {
			t.Errorf("Cy's enrolments after apply: %v, want Tuesday kept and Saturday added", got)
		}
		found := false
		for a, err := range db.AuditRecords(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if a.ClientID == ids[1] && a.EntityID == friday && a.Action == audit.ActionDelete {
				found = strings.HasSuffix(a.Detail, ": "+why)
			}
		}
		if !found {
			t.Error("no audit record of Ben leaving the Friday group with its reason")
		}
		verifyChain(t, db)
	})
}

func enrolledIn(t *testing.T, db *store.DB, client string) []string {
	t.Helper()
	list, err := db.Enrolments(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		if e.Status == "enrolled" {
			out = append(out, e.Series.ID)
		}
	}
	return out
}

// admitEvening admits Ana, Ben and Cy (with the last name given) to the
// evening track and returns their ids in that order.
func admitEvening(t *testing.T, db *store.DB, prog model.Program, evening model.Track, u model.User, last string) []string {
	t.Helper()
	var ids []string
	for _, n := range []string{"Ana", "Ben", "Cy"} {
		c := newClient(n, last)
		if err := db.CreateClient(t.Context(), c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		ep := model.Episode{ClientID: c.ID, ProgramID: prog.ID, TrackID: evening.ID, LevelOfCare: model.IntensiveOutpatient,
			AdmissionDate: model.Date{Year: 2026, Month: 11, Day: 2}, Status: model.EpisodeActive, PrimaryCounselorID: u.ID}
		if err := db.CreateEpisode(t.Context(), &ep, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// noSessions sets the program to require no individual sessions, for tests
// of group enrolments alone.
func noSessions(t *testing.T, db *store.DB, prog model.Program) {
	t.Helper()
	a := prog.Accountability
	a.IndividualSessions = 0
	if err := db.SetAccountability(t.Context(), prog.ID, prog.MinWeeklyMinutes, a, rec("system:test")); err != nil {
		t.Fatal(err)
	}
}

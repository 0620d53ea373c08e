package store_test

import (
	"context"
	"testing"
	"time"

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
		var ids []string
		for _, n := range []string{"Ana", "Ben", "Cy"} {
			c := newClient(n, "Test")
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			ep := model.Episode{ClientID: c.ID, ProgramID: prog.ID, TrackID: evening.ID, LevelOfCare: model.IntensiveOutpatient,
				AdmissionDate: model.Date{Year: 2026, Month: 11, Day: 2}, Status: model.EpisodeActive, PrimaryCounselorID: u.ID}
			if err := db.CreateEpisode(ctx, &ep, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
			for _, k := range []string{"Evening process", "Evening skills", "Evening relapse_prevention"} {
				if _, err := db.Enrol(ctx, series[k].ID, c.ID, rec(u.ID)); err != nil {
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
		over := []builder.Move{{Client: ids[2], Join: []string{series["Evening skills"].ID}, Leave: []string{series["Morning skills"].ID}}}
		if err := db.ApplyWeekPlan(ctx, over, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("over capacity: %v", err)
		}
		rep := verifyChain(t, db)
		_ = rep
	})
}

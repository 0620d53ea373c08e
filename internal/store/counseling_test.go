package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestCounselingHoursRoundTripAndBadInput(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		if prog.IndividualSessions != 1 {
			t.Errorf("a new program requires %d individual sessions a week, want 1", prog.IndividualSessions)
		}
		if h, err := db.CounselingHours(ctx, u.ID); err != nil || h.Caseload != 0 || len(h.Windows) != 0 {
			t.Fatalf("before any: %+v %v", h, err)
		}
		want := schedule.CounselingHours{Caseload: 8, Windows: []schedule.CounselingWindow{
			{SiteID: prog.SiteID, Day: time.Tuesday, From: 9 * 60, To: 12 * 60, Room: "Office 4"},
			{SiteID: prog.SiteID, Day: time.Friday, From: 13 * 60, To: 16*60 + 30, Room: "Office 4"},
		}}
		head, _ := db.AuditHead(ctx)
		if err := db.SetCounselingHours(ctx, u.ID, want, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.CounselingHours(ctx, u.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("read back %+v %v, want %+v", got, err, want)
		}
		n := 0
		for a, err := range db.AuditRecords(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if a.Seq > head.Seq && a.Category == "user.counseling_hours" && a.EntityID == u.ID && a.ClientID == "" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d audit records of the change, want 1", n)
		}
		bad := map[string]struct {
			h     schedule.CounselingHours
			field string
			says  string
		}{
			"end before start": {schedule.CounselingHours{Caseload: 8, Windows: []schedule.CounselingWindow{{SiteID: prog.SiteID, Day: time.Monday, From: 12 * 60, To: 9 * 60, Room: "Office 4"}}}, "window_1", "end time must be after"},
			"overlapping": {schedule.CounselingHours{Caseload: 8, Windows: []schedule.CounselingWindow{{SiteID: prog.SiteID, Day: time.Monday, From: 9 * 60, To: 12 * 60, Room: "Office 4"},
				{SiteID: prog.SiteID, Day: time.Monday, From: 11 * 60, To: 13 * 60, Room: "Office 5"}}}, "window_2", "overlaps Mon 9:00 am-12:00 pm"},
			"too short":    {schedule.CounselingHours{Caseload: 8, Windows: []schedule.CounselingWindow{{SiteID: prog.SiteID, Day: time.Monday, From: 9 * 60, To: 9*60 + 30, Room: "Office 4"}}}, "window_1", "shorter than one"},
			"no room":      {schedule.CounselingHours{Caseload: 8, Windows: []schedule.CounselingWindow{{SiteID: prog.SiteID, Day: time.Monday, From: 9 * 60, To: 12 * 60}}}, "window_1", "where the sessions are"},
			"unknown site": {schedule.CounselingHours{Caseload: 8, Windows: []schedule.CounselingWindow{{SiteID: "nowhere", Day: time.Monday, From: 9 * 60, To: 12 * 60, Room: "Office 4"}}}, "window_1", "choose one of the sites"},
			"caseload":     {schedule.CounselingHours{Caseload: -1}, "caseload", "from 0 to"},
		}
		for name, c := range bad {
			err := db.SetCounselingHours(ctx, u.ID, c.h, rec(u.ID))
			if model.KindOf(err) != model.KindInvalid || !strings.Contains(model.FieldsOf(err)[c.field], c.says) {
				t.Errorf("%s: %v %v, want %s saying %q", name, err, model.FieldsOf(err), c.field, c.says)
			}
		}
		if got, _ := db.CounselingHours(ctx, u.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("refused hours changed what was saved: %+v", got)
		}
		if err := db.SetCounselingHours(ctx, "nobody", want, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Errorf("hours of an unknown user: %v", err)
		}
	})
}

// TestWeekPlanBooksSessions: the week calendar gives the counselor's
// counseling hours less the groups they facilitate and their appointments,
// and each client the program's sessions less those booked; the apply
// books the planned sessions, and refuses (writing nothing) when a slot was
// taken since the proposal.
func TestWeekPlanBooksSessions(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, evening, u := fixture(t, db)
		loc, _ := time.LoadLocation("America/Chicago")
		monday := model.Date{Year: 2027, Month: 1, Day: 11}
		at := func(day, hour int) time.Time { return time.Date(2027, 1, 11+day, hour, 0, 0, 0, loc) }
		for i, day := range []time.Weekday{time.Monday, time.Wednesday, time.Thursday} {
			s := groupOn(evening.ID, u.ID, day, evening.Start, "Evening "+day.String(), "Group Room A")
			s.Type, s.MaxCapacity = []schedule.GroupType{"process", "skills", "relapse_prevention"}[i], 6
			if err := db.CreateSeries(ctx, &s, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		ids := admitEvening(t, db, prog, evening, u, "Plan")
		cal, err := db.WeekCalendar(ctx, prog.SiteID, monday)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if _, err := db.Enrol(ctx, cal.Series[0].ID, id, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			for _, s := range cal.Series[1:] {
				if _, err := db.Enrol(ctx, s.ID, id, rec(u.ID)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Monday 17-19 (the group takes 18-19), Tuesday 9-11 (Ben's
		// appointment takes 9-10), Friday 13-14.
		hours := schedule.CounselingHours{Caseload: 10, Windows: []schedule.CounselingWindow{
			{SiteID: prog.SiteID, Day: time.Monday, From: 17 * 60, To: 19 * 60, Room: "Office 4"},
			{SiteID: prog.SiteID, Day: time.Tuesday, From: 9 * 60, To: 11 * 60, Room: "Office 4"},
			{SiteID: prog.SiteID, Day: time.Friday, From: 13 * 60, To: 14 * 60, Room: "Office 4"},
		}}
		if err := db.SetCounselingHours(ctx, u.ID, hours, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		ben := schedule.Appointment{ClientID: ids[1], ClinicianID: u.ID, Kind: "individual", Start: at(1, 9), End: at(1, 10), Room: "Office 4"}
		if err := db.BookAppointment(ctx, &ben, loc, false, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		// Another clinician sees Ben in Office 4 on Monday 17-18 (the room is
		// taken, so that slot is gone) and Cy on Friday 13-14 elsewhere (Cy
		// cannot take the Friday slot).
		sam := model.User{Email: "sam@example.org", Name: "Sam Ortiz", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &sam, rec("system:test")); err != nil {
			t.Fatal(err)
		}
		for _, a := range []schedule.Appointment{
			{ClientID: ids[1], ClinicianID: sam.ID, Kind: "medication", Start: at(0, 17), End: at(0, 18), Room: "office 4"},
			{ClientID: ids[2], ClinicianID: sam.ID, Kind: "medication", Start: at(4, 13), End: at(4, 14), Room: "Office 9"},
		} {
			if err := db.BookAppointment(ctx, &a, loc, false, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if cal, err = db.WeekCalendar(ctx, prog.SiteID, monday); err != nil {
			t.Fatal(err)
		}
		if len(cal.Counselors) != 1 || cal.Counselors[0].ID != u.ID || cal.Counselors[0].Caseload != 10 || len(cal.Counselors[0].Hours) != 3 || len(cal.Counselors[0].Busy) != 5 {
			t.Fatalf("counselors %+v", cal.Counselors)
		}
		if len(cal.Clients[2].Appointments) != 1 || len(cal.Clients[1].Appointments) != 2 {
			t.Fatalf("clients' appointments %+v", cal.Clients)
		}
		if b := []int{cal.Clients[0].Booked, cal.Clients[1].Booked, cal.Clients[2].Booked}; !reflect.DeepEqual(b, []int{0, 1, 0}) {
			t.Fatalf("booked %v, want Ben's one", b)
		}
		in := builder.FromCalendar(cal)
		wantSlots := []builder.Span{{Day: 1, Start: 10 * 60, End: 11 * 60}, {Day: 4, Start: 13 * 60, End: 14 * 60}}
		if !reflect.DeepEqual(in.Counselors[0].Slots, wantSlots) {
			t.Fatalf("slots %v, want %v", in.Counselors[0].Slots, wantSlots)
		}
		r, err := builder.Solve(ctx, in, builder.Options{Seed: 1})
		if err != nil || r.Objective.Met != 3 {
			t.Fatalf("met %+v %v", r.Objective, err)
		}
		moves := builder.Diff(in, r)
		if len(moves) != 2 || moves[0].Client != ids[0] || moves[1].Client != ids[2] || len(moves[0].Sessions) != 1 || len(moves[1].Sessions) != 1 {
			t.Fatalf("moves %+v, want a session each for Ana and Cy", moves)
		}
		if s := moves[1].Sessions[0]; s.Span != wantSlots[0] || s.Date != monday.AddDays(1) {
			t.Fatalf("Cy's session %+v, want Tuesday's (Friday's clashes with their appointment)", s)
		}
		// The slot of Ana's session is taken since the proposal.
		s := moves[0].Sessions[0]
		start := time.Date(s.Date.Year, s.Date.Month, s.Date.Day, s.Span.Start/60, s.Span.Start%60, 0, 0, loc)
		taken := schedule.Appointment{ClientID: ids[1], ClinicianID: u.ID, Kind: "medication", Start: start, End: start.Add(time.Hour), Room: "Office 10"}
		if err := db.BookAppointment(ctx, &taken, loc, false, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		head, _ := db.AuditHead(ctx)
		if err := db.ApplyWeekPlan(ctx, moves, rec(u.ID)); model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "no longer free") {
			t.Fatalf("a taken slot: %v", err)
		}
		week := store.AppointmentFilter{From: at(0, 0), To: at(7, 0)}
		individual := func(client string) []schedule.Appointment {
			f := week
			f.ClientID = client
			list, err := db.Appointments(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []schedule.Appointment
			for _, a := range list {
				if a.Kind == "individual" {
					out = append(out, a)
				}
			}
			return out
		}
		if len(individual(ids[0]))+len(individual(ids[2])) != 0 {
			t.Fatal("a refused apply booked sessions")
		}
		if h, _ := db.AuditHead(ctx); h.Seq != head.Seq {
			t.Fatalf("a refused apply wrote %d audit records", h.Seq-head.Seq)
		}
		if err := db.CancelAppointment(ctx, ids[1], taken.ID, "moved", rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.ApplyWeekPlan(ctx, moves, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		for i, id := range []string{ids[0], ids[2]} {
			got := individual(id)
			b := moves[i].Sessions[0]
			if len(got) != 1 || got[0].Kind != "individual" || got[0].ClinicianID != u.ID || got[0].Room != "Office 4" ||
				got[0].Start.In(loc).Hour()*60 != b.Span.Start || model.DateOf(got[0].Start.In(loc)) != b.Date || got[0].End.Sub(got[0].Start) != time.Hour {
				t.Errorf("client %d's appointments %+v, want the planned %+v", i, got, b)
			}
		}
		n := 0
		for a, err := range db.AuditRecords(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if a.Seq > head.Seq && strings.Contains(a.Detail, "individual counseling session(s) booked (schedule builder): ") && strings.Contains(a.Detail, " with Dana Reyes") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d audit records of booked sessions, want one a client (2)", n)
		}
		// Booked now: the next proposal plans none.
		cal, _ = db.WeekCalendar(ctx, prog.SiteID, monday)
		if cal.Clients[0].Booked != 1 || cal.Clients[2].Booked != 1 {
			t.Errorf("after apply: %+v", cal.Clients)
		}
		verifyChain(t, db)
	})
}

// TestWeekCalendarCaseloadCountsClientsSeen: a client a counselor already
// sees individually this week, not one of their primary clients, takes a
// place of their weekly caseload.
func TestWeekCalendarCaseloadCountsClientsSeen(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, evening, u := fixture(t, db)
		loc, _ := time.LoadLocation("America/Chicago")
		monday := model.Date{Year: 2027, Month: 1, Day: 11}
		ids := admitEvening(t, db, prog, evening, u, "Load")
		sam := model.User{Email: "sam@example.org", Name: "Sam Ortiz", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &sam, rec("system:test")); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{u.ID, sam.ID} {
			h := schedule.CounselingHours{Caseload: 5, Windows: []schedule.CounselingWindow{{SiteID: prog.SiteID, Day: time.Tuesday, From: 9 * 60, To: 12 * 60, Room: "Office " + who[:4]}}}
			if err := db.SetCounselingHours(ctx, who, h, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		// Sam sees Ana and Ben (Dana's clients) this week; Dana sees Cy, her own.
		for i, x := range []struct{ client, clinician string }{{ids[0], sam.ID}, {ids[1], sam.ID}, {ids[2], u.ID}} {
			start := time.Date(2027, 1, 13, 9+i, 0, 0, 0, loc)
			a := schedule.Appointment{ClientID: x.client, ClinicianID: x.clinician, Kind: "individual", Start: start, End: start.Add(time.Hour), Room: "Room " + x.client[:4]}
			if err := db.BookAppointment(ctx, &a, loc, false, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		cal, err := db.WeekCalendar(ctx, prog.SiteID, monday)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, k := range cal.Counselors {
			got[k.ID] = k.Caseload
		}
		if got[u.ID] != 5 || got[sam.ID] != 3 {
			t.Errorf("caseloads %v, want Dana 5 and Sam 3", got)
		}
	})
}

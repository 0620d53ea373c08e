package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

var chicago, _ = time.LoadLocation("America/Chicago")

func groupOn(trackID, facilitator string, day time.Weekday, start model.ClockTime, title, room string) schedule.Series {
	return schedule.Series{TrackID: trackID, Title: title, Type: "process", Start: start, Minutes: 180, FacilitatorID: facilitator,
		Room: room, MaxCapacity: 2, OpenCohort: true,
		Recurrence: schedule.Recurrence{Days: []time.Weekday{day}, From: model.Date{Year: 2026, Month: 11, Day: 2}}}
}

func TestSeriesEnrolmentAndWaitlist(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		// Overlaps in the same track, and the same room, are refused by name.
		clash := groupOn(track.ID, u.ID, time.Monday, 19*60, "Skills", "Group Room B")
		err := db.CreateSeries(ctx, &clash, rec(u.ID))
		if p := model.FieldsOf(err); !strings.Contains(p["start"], `"Process group" (Mon 6:00 pm-9:00 pm) in the same track`) {
			t.Fatalf("overlap in a track: %v", err)
		}
		if list, _ := db.ListSeries(ctx, store.SeriesFilter{TrackID: track.ID}); len(list) != 1 {
			t.Fatalf("a refused series was stored: %d", len(list))
		}
		wed := groupOn(track.ID, u.ID, time.Wednesday, 18*60, "Relapse prevention", "Group Room A")
		if err := db.CreateSeries(ctx, &wed, rec(u.ID)); err != nil {
			t.Fatal(err)
		}

		var ids []string
		for _, n := range []string{"Ana", "Ben", "Cy"} {
			c := newClient(n, "Test")
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		var statuses []string
		for _, id := range ids {
			st, err := db.Enrol(ctx, mon.ID, id, rec(u.ID))
			if err != nil {
				t.Fatal(err)
			}
			statuses = append(statuses, st)
		}
		if strings.Join(statuses, ",") != "enrolled,enrolled,waitlisted" {
			t.Fatalf("capacity 2: %v", statuses)
		}
		if _, err := db.Enrol(ctx, mon.ID, ids[0], rec(u.ID)); model.FieldsOf(err)["series_id"] == "" {
			t.Errorf("enrolling twice: %v", err)
		}
		if err := db.Unenrol(ctx, mon.ID, ids[0], rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Enrolments(ctx, ids[2])
		if len(got) != 1 || got[0].Status != "enrolled" {
			t.Fatalf("the waitlisted client did not get the seat: %+v", got)
		}
		// Capacity cannot drop below enrolment; raising it seats the waitlist.
		if err := db.SetCapacity(ctx, mon.ID, 0, 1, rec(u.ID)); !strings.Contains(model.FieldsOf(err)["max_capacity"], "2 clients are enrolled") {
			t.Fatalf("capacity below enrolment: %v", err)
		}
		if _, err := db.Enrol(ctx, mon.ID, ids[0], rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCapacity(ctx, mon.ID, 0, 3, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Enrolments(ctx, ids[0]); len(got) != 1 || got[0].Status != "enrolled" {
			t.Fatalf("raising capacity did not seat the waitlisted client: %+v", got)
		}
		occ, err := db.Occurrences(ctx, store.SeriesFilter{ClientID: ids[2]}, model.Date{Year: 2026, Month: 11, Day: 2}, model.Date{Year: 2026, Month: 11, Day: 15}, chicago)
		if err != nil || len(occ) != 2 {
			t.Fatalf("the client's occurrences: %d, %v", len(occ), err)
		}
	})
}

func TestBookingRefusesConflictsAndRacesHaveOneWinner(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		other := model.User{Email: "other@example.org", Name: "Sam Okoro", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &other, rec("system:test")); err != nil {
			t.Fatal(err)
		}
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		a, b := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		for _, c := range []*model.Client{a, b} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetAvailability(ctx, a.ID, schedule.Availability{Busy: []schedule.Busy{
			{Day: time.Tuesday, From: 8 * 60, To: 17 * 60, Label: "Work"}}}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := func(d, h int) time.Time { return time.Date(2030, 12, d, h, 0, 0, 0, chicago) } // Dec 2 2030 is a Monday
		book := func(c *model.Client, clinician string, start time.Time, room string, override bool) error {
			ap := schedule.Appointment{ClientID: c.ID, ClinicianID: clinician, Kind: "individual", Start: start, End: start.Add(time.Hour), Room: room}
			return db.BookAppointment(ctx, &ap, chicago, override, rec(u.ID))
		}
		// The facilitator leads the Monday group at 6 pm.
		var ce *store.ErrConflicts
		if err := book(a, u.ID, day(2, 19), "Office 1", false); !errors.As(err, &ce) || !strings.Contains(ce.Error(), "Process group (group) 6:00 pm-9:00 pm") {
			t.Fatalf("booking over the clinician's group: %v", err)
		}
		// Tuesday 10 am is during Ana's work: a warning until overridden.
		if err := book(a, u.ID, day(3, 10), "Office 1", false); !errors.As(err, &ce) || ce.Conflicts.Hard() {
			t.Fatalf("during work hours: %v", err)
		}
		if err := book(a, u.ID, day(3, 10), "Office 1", true); err != nil {
			t.Fatalf("during work hours, overridden: %v", err)
		}
		// Another clinician, same room, same hour: the room is taken.
		if err := book(b, other.ID, day(3, 10), "Office 1", true); !errors.As(err, &ce) || !strings.Contains(ce.Error(), "Room Office 1 is already booked") {
			t.Fatalf("double-booked room: %v", err)
		}
		if err := db.AddClosure(ctx, schedule.Closure{Date: model.Date{Year: 2030, Month: 12, Day: 4}, Reason: "Staff training"}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := book(b, other.ID, day(4, 10), "Office 2", true); !errors.As(err, &ce) || !strings.Contains(ce.Error(), "closed") {
			t.Fatalf("booking on a closure: %v", err)
		}

		// Two clinicians race for the same room slot: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []struct {
			c  *model.Client
			by string
		}{{a, u.ID}, {b, other.ID}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = book(who.c, who.by, day(5, 14), "Office 3", true)
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("two bookings of Office 3 at once: %v / %v; want exactly one", errs[0], errs[1])
		}
		list, _ := db.Appointments(ctx, store.AppointmentFilter{From: day(5, 0), To: day(6, 0), Room: "Office 3"})
		if len(list) != 1 {
			t.Fatalf("%d appointments in Office 3, want 1", len(list))
		}
		if err := db.CancelAppointment(ctx, list[0].ClientID, list[0].ID, "Client ill", rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if notices, _ := db.Notices(ctx, list[0].ClinicianID); len(notices) != 1 || !strings.Contains(notices[0].Text, "Client ill") {
			t.Errorf("the clinician was not told of the cancellation: %+v", notices)
		}
	})
}

func TestCalendarTokens(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		first, err := db.CreateCalendarToken(ctx, store.FeedUser, u.ID, u.ID, rec(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		if kind, owner, err := db.CalendarOwner(ctx, first); err != nil || kind != store.FeedUser || owner != u.ID {
			t.Fatalf("owner: %s %s %v", kind, owner, err)
		}
		second, _ := db.CreateCalendarToken(ctx, store.FeedUser, u.ID, u.ID, rec(u.ID))
		if _, _, err := db.CalendarOwner(ctx, first); model.KindOf(err) != model.KindNotFound {
			t.Error("a new address did not revoke the old one")
		}
		_ = db.RevokeCalendarTokens(ctx, store.FeedUser, u.ID, rec(u.ID))
		if _, _, err := db.CalendarOwner(ctx, second); model.KindOf(err) != model.KindNotFound {
			t.Error("a revoked address still opens the feed")
		}
	})
}

func TestMovingAMeetingTellsTheFacilitatorAndBumpsTheSequence(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		e := schedule.Exception{SeriesID: mon.ID, Date: model.Date{Year: 2026, Month: 11, Day: 9}, NewDate: model.Date{Year: 2026, Month: 11, Day: 10},
			NewStart: 17 * 60, Reason: "Room repairs"}
		if err := db.SetException(ctx, e, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Series(ctx, mon.ID)
		if got.Version != 2 {
			t.Errorf("version %d after a move, want 2", got.Version)
		}
		notices, _ := db.Notices(ctx, u.ID)
		if len(notices) != 1 || !strings.Contains(notices[0].Text, "moves to Tue Nov 10 at 5:00 pm: Room repairs") {
			t.Errorf("notices %+v", notices)
		}
		occ, _ := db.Occurrences(ctx, store.SeriesFilter{TrackID: track.ID}, model.Date{Year: 2026, Month: 11, Day: 9}, model.Date{Year: 2026, Month: 11, Day: 10}, chicago)
		if len(occ) != 1 || !occ[0].Moved || occ[0].Start.Hour() != 17 {
			t.Errorf("occurrences %+v", occ)
		}
	})
}

func TestEndingAGroupKeepsItsPastAndDropsItsFuture(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		mon.Recurrence.Count = 10
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.EndSeries(ctx, mon.ID, model.Date{Year: 2026, Month: 10, Day: 1}, "", u.ID, rec(u.ID)); model.FieldsOf(err)["until"] == "" {
			t.Fatalf("ending before the first meeting: %v", err)
		}
		if err := db.EndSeries(ctx, mon.ID, model.Date{Year: 2026, Month: 11, Day: 16}, "Facilitator leaving", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Series(ctx, mon.ID)
		if err != nil || got.Recurrence.Count != 0 || got.Recurrence.Until != (model.Date{Year: 2026, Month: 11, Day: 16}) || got.Version != 2 {
			t.Fatalf("after ending: %+v %v", got.Recurrence, err)
		}
		occ, _ := db.Occurrences(ctx, store.SeriesFilter{TrackID: track.ID}, model.Date{Year: 2026, Month: 11, Day: 1}, model.Date{Year: 2026, Month: 12, Day: 31}, chicago)
		if len(occ) != 3 {
			t.Errorf("%d meetings, want 3 (Nov 2, 9, 16)", len(occ))
		}
		if n, _ := db.Notices(ctx, u.ID); len(n) != 1 || !strings.Contains(n[0].Text, "ends after Mon Nov 16: Facilitator leaving") {
			t.Errorf("notices %+v", n)
		}
	})
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestClientFeedShowsOnlyTheirOwnSchedule(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := t.Context()
		clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
		others, _, _ := e.db.SearchClients(ctx, store.ClientQuery{Status: store.StatusActive, Limit: 5})
		var other model.Client
		for _, c := range others {
			if c.ID != e.client.ID {
				other = c
			}
		}
		loc, _ := time.LoadLocation("America/Chicago")
		start := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
		rec := audit.Record{At: time.Now(), ActorID: clinician.ID, ActorRole: "clinician", Outcome: audit.OutcomeSuccess}
		for i, c := range []model.Client{e.client, other} {
			a := schedule.Appointment{ClientID: c.ID, ClinicianID: clinician.ID, Kind: "individual", Room: "Office 2",
				Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i)*time.Hour + 50*time.Minute)}
			if err := e.db.BookAppointment(ctx, &a, loc, true, rec); err != nil {
				t.Fatal(err)
			}
		}
		token, err := e.db.CreateCalendarToken(ctx, store.FeedClient, e.client.ID, clinician.ID, rec)
		if err != nil {
			t.Fatal(err)
		}
		head := e.auditHead()
		r := e.get(e.browser(), "/calendar/"+token+".ics")
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(r.Body, "\r\n") {
			t.Fatalf("feed: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		if strings.Count(r.Body, "SUMMARY:Individual counseling with Jordan Lee") != 1 || !strings.Contains(r.Body, "BEGIN:VEVENT") {
			t.Errorf("the client's feed should hold their one appointment and their groups:\n%s", r.Body)
		}
		for _, name := range []string{other.FirstName + " " + other.LastName, other.DisplayName(), e.client.LastName} {
			if strings.Contains(r.Body, name) {
				t.Errorf("the client's feed names %q", name)
			}
		}
		recs := e.auditSince(head)
		if len(recs) != 1 || recs[0].Category != "calendar.feed" || recs[0].ClientID != e.client.ID {
			t.Errorf("feed fetch audit: %+v", recs)
		}
		// The clinician's feed names both clients.
		mine, _ := e.db.CreateCalendarToken(ctx, store.FeedUser, clinician.ID, clinician.ID, rec)
		if body := e.get(e.browser(), "/calendar/"+mine+".ics").Body; !strings.Contains(body, other.DisplayName()) || !strings.Contains(body, e.client.DisplayName()) {
			t.Error("the clinician's feed does not name their clients")
		}
		_ = e.db.RevokeCalendarTokens(ctx, store.FeedClient, e.client.ID, rec)
		if r := e.get(e.browser(), "/calendar/"+token+".ics"); r.StatusCode != http.StatusNotFound {
			t.Errorf("a revoked feed: %d, want 404", r.StatusCode)
		}
	})
}

func TestWeekAndDayViews(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	tracks, _ := e.db.Tracks(ctx)
	rec := audit.Record{At: time.Now(), ActorID: clinician.ID, ActorRole: "clinician", Outcome: audit.OutcomeSuccess}
	s := schedule.Series{TrackID: tracks[0].ID, Title: "Mindfulness skills", Type: "skills", Start: 7 * 60, Minutes: 60,
		FacilitatorID: clinician.ID, Room: "Studio", MaxCapacity: 10, OpenCohort: true,
		Recurrence: schedule.Recurrence{Days: []time.Weekday{time.Wednesday}, From: model.Date{Year: 2026, Month: 11, Day: 1}}}
	if err := e.db.CreateSeries(ctx, &s, rec); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/Chicago")
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, loc)
	a := schedule.Appointment{ClientID: e.client.ID, ClinicianID: clinician.ID, Kind: "intake", Room: "Office 1", Start: start, End: start.Add(time.Hour)}
	if err := e.db.BookAppointment(ctx, &a, loc, true, rec); err != nil {
		t.Fatal(err)
	}
	staff := e.get(e.signIn(model.RoleFrontDesk), "/schedule?date=2026-11-25")
	for _, want := range []string{"Week of Nov 23, 2026", "Mindfulness skills", "0/10", "Intake assessment", e.client.DisplayName()} {
		if !strings.Contains(staff.Body, want) {
			t.Errorf("the week view lacks %q", want)
		}
	}
	day := e.get(e.signIn(model.RoleFrontDesk), "/schedule?view=day&date=2026-11-26")
	if strings.Contains(day.Body, "Mindfulness skills") || !strings.Contains(day.Body, "Thursday") {
		t.Error("the day view of a Thursday shows the Wednesday group")
	}
	admin := e.get(e.signIn(model.RoleAdmin), "/schedule?date=2026-11-25")
	if !strings.Contains(admin.Body, "Intake assessment") || strings.Contains(admin.Body, e.client.DisplayName()) {
		t.Error("the administrator's week view should show the appointment without the client's name")
	}
}

func TestRoomFeed(t *testing.T) {
	e := newEnv(t, store.SQLite)
	d := e.signIn(model.RoleClinicalDirector)
	r := e.post(d, "/schedule/room-calendar", url.Values{"room": {"Group Room A"}})
	i := strings.Index(r.Body, "/calendar/")
	if r.StatusCode != 200 || i < 0 {
		t.Fatalf("room calendar: %d", r.StatusCode)
	}
	path := r.Body[i : i+strings.Index(r.Body[i:], ".ics")+4]
	feed := e.get(e.browser(), path)
	if feed.StatusCode != 200 || !strings.Contains(feed.Body, "LOCATION:Group Room A") {
		t.Fatalf("the room's feed: %d", feed.StatusCode)
	}
	if r := e.post(d, "/schedule/room-calendar", url.Values{"room": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no room: %d, want 422", r.StatusCode)
	}
}

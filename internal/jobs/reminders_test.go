package jobs_test

import (
	"context"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/jobs"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notify"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestRemindersReachTheSinkOnceWithoutClinicalDetail is a client who opted
// into reminders: the day before their Tuesday group (after noon) and for a
// PHQ-9 due tomorrow, one email each reaches the SMTP sink, saying only the
// day and the time; a second run queues nothing more, a morning run no
// session reminder, and a client who did not opt in gets nothing.
func TestRemindersReachTheSinkOnceWithoutClinicalDetail(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("America/Chicago")
		rec := audit.Record{At: time.Now(), ActorID: "system:test", Outcome: audit.OutcomeSuccess}
		site := model.Site{Name: "Main", TimeZone: "America/Chicago"}
		if err := db.CreateSite(ctx, &site, rec); err != nil {
			t.Fatal(err)
		}
		prog := model.Program{SiteID: site.ID, Name: "Adult IOP", Population: model.Adults, LevelOfCare: model.IntensiveOutpatient, MinWeeklyMinutes: 540}
		if err := db.CreateProgram(ctx, &prog, rec); err != nil {
			t.Fatal(err)
		}
		track := model.Track{ProgramID: prog.ID, Name: "Evening", Kind: model.Evening, Days: []time.Weekday{time.Tuesday}, Start: 18 * 60, End: 21 * 60, Capacity: 12}
		if err := db.CreateTrack(ctx, &track, rec); err != nil {
			t.Fatal(err)
		}
		u := model.User{Email: "dana@example.org", Name: "Dana Reyes", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &u, rec); err != nil {
			t.Fatal(err)
		}
		g := schedule.Series{TrackID: track.ID, Title: "Relapse prevention", Type: "relapse_prevention", Start: 18 * 60, Minutes: 180,
			FacilitatorID: u.ID, Room: "Group Room A", MaxCapacity: 12, OpenCohort: true,
			Recurrence: schedule.Recurrence{Days: []time.Weekday{time.Tuesday}, From: model.Date{Year: 2026, Month: 11, Day: 2}}}
		if err := db.CreateSeries(ctx, &g, rec); err != nil {
			t.Fatal(err)
		}
		// Monday 23 November 2026 at 1 pm in Chicago; the group meets Tuesday at 6 pm.
		now := time.Date(2026, 11, 23, 13, 0, 0, 0, loc)
		tomorrow := model.Date{Year: 2026, Month: 11, Day: 24}
		accounts := map[string]portal.Account{}
		for i, name := range []string{"Ana", "Ben"} {
			c := model.Client{FirstName: name, LastName: "Ruiz", DateOfBirth: model.Date{Year: 1990, Month: 1, Day: 2}}
			if err := db.CreateClient(ctx, &c, rec); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Enrol(ctx, g.ID, c.ID, rec); err != nil {
				t.Fatal(err)
			}
			code := auth.HashToken(name)
			if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: c.ID, Email: strings.ToLower(name) + "@example.org", ByID: u.ID,
				CodeHash: code, Expires: time.Now().Add(time.Hour)}, rec); err != nil {
				t.Fatal(err)
			}
			a, err := db.AcceptPortalInvite(ctx, code, name, "h", rec)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 { // only Ana opts in
				if err := db.SetPortalReminders(ctx, a.ID, portal.Reminders{Sessions: true, Measures: true}, rec); err != nil {
					t.Fatal(err)
				}
				as := care.Assignment{ClientID: c.ID, Instrument: "phq-9", DueOn: tomorrow, ByID: u.ID}
				if err := db.AssignMeasure(ctx, &as, rec); err != nil {
					t.Fatal(err)
				}
			}
			accounts[name] = a
		}
		center := jobs.Center{Name: "Riverbend Recovery Center", Location: loc, PortalURL: "https://iop.example.org/portal"}

		morning, err := jobs.QueueReminders(ctx, db, center, now.Add(-3*time.Hour))
		if err != nil || morning != 1 {
			t.Fatalf("a morning run queued %d (%v); want only the questionnaire reminder", morning, err)
		}
		n, err := jobs.QueueReminders(ctx, db, center, now)
		if err != nil || n != 1 {
			t.Fatalf("the afternoon run queued %d (%v); want the session reminder", n, err)
		}
		if again, err := jobs.QueueReminders(ctx, db, center, now.Add(15*time.Minute)); err != nil || again != 0 {
			t.Fatalf("a second run queued %d more (%v)", again, err)
		}

		sink := testutil.NewSMTPSink(t)
		mailer, err := notify.NewMailer("smtp://"+sink.Addr, "iop@riverbend.example.org", "https://iop.example.org", true)
		if err != nil {
			t.Fatal(err)
		}
		if sent, err := jobs.SendQueued(ctx, db, mailer); err != nil || sent != 2 {
			t.Fatalf("sent %d (%v), want 2", sent, err)
		}
		if sent, err := jobs.SendQueued(ctx, db, mailer); err != nil || sent != 0 {
			t.Fatalf("a second send sent %d more (%v)", sent, err)
		}
		got := sink.Messages()
		if len(got) != 2 {
			t.Fatalf("the sink got %d messages", len(got))
		}
		var all string
		for _, m := range got {
			if len(m.To) != 1 || m.To[0] != "ana@example.org" {
				t.Errorf("a reminder went to %v", m.To)
			}
			if !strings.Contains(m.Data, "Subject: A reminder\r\n") {
				t.Errorf("the subject is not the neutral one:\n%s", m.Data)
			}
			all += decodedBody(t, m.Data)
		}
		for _, want := range []string{"a session on Tuesday 24 November, starting at 6:00 pm", "questionnaire to complete by Tuesday 24 November",
			"https://iop.example.org/portal"} {
			if !strings.Contains(all, want) {
				t.Errorf("the reminders lack %q:\n%s", want, all)
			}
		}
		for _, never := range []string{"Relapse", "relapse", "PHQ", "Riverbend", "Group Room", "Ana", "Ruiz", "Dana"} {
			if strings.Contains(all, never) {
				t.Errorf("a reminder says %q:\n%s", never, all)
			}
		}
		outbox, err := db.PortalOutbox(ctx, 10)
		if err != nil || len(outbox) != 2 || outbox[0].SentAt.IsZero() || outbox[0].AccountID != accounts["Ana"].ID {
			t.Fatalf("outbox: %+v %v", outbox, err)
		}
	})
}

// decodedBody is a sunk message's text body, quoted-printable decoded.
func decodedBody(t *testing.T, raw string) string {
	t.Helper()
	_, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatalf("no body in:\n%s", raw)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package notify_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notify"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestNoticesAreEmailedOnceWithoutClientInformation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rec := audit.Record{At: time.Now(), ActorID: "system:test", ActorRole: "system", Outcome: audit.OutcomeSuccess}
		u := model.User{Email: "dana@example.org", Name: "Dana Reyes", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &u, rec); err != nil {
			t.Fatal(err)
		}
		rec.ActorID = u.ID
		c := model.Client{FirstName: "Ana", LastName: "Ruiz", DateOfBirth: model.Date{Year: 1990, Month: 1, Day: 2}}
		if err := db.CreateClient(ctx, &c, rec); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("America/Chicago")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		a := schedule.Appointment{ClientID: c.ID, ClinicianID: u.ID, Kind: "individual", Room: "Office 1", Start: start, End: start.Add(time.Hour)}
		if err := db.BookAppointment(ctx, &a, loc, true, rec); err != nil {
			t.Fatal(err)
		}
		if err := db.CancelAppointment(ctx, c.ID, a.ID, "Client ill", rec); err != nil {
			t.Fatal(err)
		}

		s := testutil.NewSMTPSink(t)
		m, err := notify.NewMailer("smtp://"+s.Addr, "iop@riverbend.example.org", "https://iop.example.org", true)
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		for range 2 { // the second pass finds nothing new
			if err := notify.Once(ctx, db, m, log); err != nil {
				t.Fatal(err)
			}
		}
		got := s.Messages()
		if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "dana@example.org" {
			t.Fatalf("%d messages %+v, want 1 to Dana", len(got), got)
		}
		msg := got[0].Data
		for _, want := range []string{"Subject: OpenIOP: a change to your schedule", "was cancelled: Client ill", "https://iop.example.org/clients/"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the email lacks %q:\n%s", want, msg)
			}
		}
		for _, never := range []string{"Ana", "Ruiz"} {
			if strings.Contains(msg, never) {
				t.Errorf("the email names the client (%q)", never)
			}
		}
	})
}

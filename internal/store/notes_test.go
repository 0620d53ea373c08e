package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestGroupNoteSignedLockedAndCopiedPerClient(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, track, u := fixture(t, db)
		if err := db.SetCoSignRequired(ctx, prog.ID, true, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		director := model.User{Email: "director@example.org", Name: "Renee W", Role: model.RoleClinicalDirector, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &director, rec("system:test")); err != nil {
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
			if _, err := db.Enrol(ctx, mon.ID, c.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		day := model.Date{Year: 2026, Month: 11, Day: 9}
		if err := db.SaveAttendance(ctx, mon.ID, day, []intensity.Mark{{ClientID: a.ID, Status: intensity.Present}, {ClientID: b.ID, Status: intensity.Present}}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if pending, _ := db.PendingNotes(ctx, u.ID, day); len(pending) != 1 {
			t.Fatalf("pending notes %+v, want the meeting", pending)
		}
		attended := []string{a.ID, b.ID}
		n := notes.GroupNote{SeriesID: mon.ID, Date: day, Topic: "Triggers", Interventions: "Chain analysis", Sections: map[string]notes.Section{
			a.ID: {Participation: "Shared", Response: "Engaged", Progress: "Named triggers", Plan: "Practice"},
		}}
		if err := db.SaveGroupNote(ctx, &n, attended, true, u.ID, rec(u.ID)); model.FieldsOf(err)["section_"+b.ID] == "" {
			t.Fatalf("signing without Ben's section: %v", err)
		}
		if err := db.SaveGroupNote(ctx, &n, attended, false, u.ID, rec(u.ID)); err != nil {
			t.Fatalf("draft: %v", err)
		}
		n.Sections[b.ID] = notes.Section{Participation: "Quiet", Response: "Listened", Progress: "Attended all week", Plan: "Check in"}
		if err := db.SaveGroupNote(ctx, &n, attended, true, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveGroupNote(ctx, &n, attended, false, u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("editing a signed note: %v, want conflict", err)
		}
		if err := db.CoSign(ctx, n.ID, u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Errorf("the author co-signing: %v", err)
		}
		if err := db.CoSign(ctx, n.ID, director.ID, rec(director.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAddendum(ctx, n.ID, "Ana called after group; no concerns.", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GroupNote(ctx, mon.ID, day)
		if !got.Signed() || got.CoSignedName != "Renee W" || len(got.Addenda) != 1 || len(got.Sections) != 2 {
			t.Fatalf("note read back: %+v", got)
		}
		copies, _ := db.ClientGroupNotes(ctx, a.ID)
		if len(copies) != 1 || copies[0].Section.Participation != "Shared" || copies[0].Note.Topic != "Triggers" {
			t.Fatalf("Ana's copy: %+v", copies)
		}
		if pending, _ := db.PendingNotes(ctx, u.ID, day); len(pending) != 0 {
			t.Errorf("a signed note is still pending: %+v", pending)
		}
	})
}

func TestSessionNoteFollowsTheAppointmentAndTheSigningRules(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		director := model.User{Email: "director@example.org", Name: "Renee W", Role: model.RoleClinicalDirector, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &director, rec("system:test")); err != nil {
			t.Fatal(err)
		}
		a, b := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		for _, c := range []*model.Client{a, b} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		today := model.DateOf(time.Now())
		if _, err := db.Admit(ctx, a.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: today.AddDays(-10),
			CounselorID: u.ID}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		book := func(start time.Time) schedule.Appointment { return bookSession(t, db, a.ID, u.ID, start) }
		past := book(time.Now().Add(-3 * time.Hour).Truncate(time.Minute))
		future := book(time.Now().Add(48 * time.Hour).Truncate(time.Minute))

		ap, n, err := db.SessionNote(ctx, a.ID, past.ID)
		if err != nil || n.ID != "" || n.Minutes != 50 || ap.Kind != "individual" {
			t.Fatalf("a note not yet started: %+v %v", n, err)
		}
		if _, _, err := db.SessionNote(ctx, b.ID, past.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("another client's appointment: %v, want not found", err)
		}
		n.Format, n.Parts = "DAP", map[string]string{"data": "Reports two cravings this week; used urge surfing."}
		if err := db.SaveSessionNote(ctx, &n, true, u.ID, rec(u.ID)); model.FieldsOf(err)["assessment"] == "" {
			t.Fatalf("signing without an assessment: %v", err)
		}
		if _, n2, _ := db.SessionNote(ctx, a.ID, past.ID); n2.ID != "" {
			t.Fatalf("a refused signature stored a note: %+v", n2)
		}
		early := n
		early.AppointmentID = future.ID
		if err := db.SaveSessionNote(ctx, &early, false, u.ID, rec(u.ID)); model.FieldsOf(err)["appointment"] == "" {
			t.Fatalf("a note before the session: %v", err)
		}
		if err := db.SaveSessionNote(ctx, &n, false, u.ID, rec(u.ID)); err != nil {
			t.Fatalf("draft: %v", err)
		}
		// The program asks for co-signatures after the draft was started: signing follows the rule of the day.
		if err := db.SetCoSignRequired(ctx, prog.ID, true, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if pending, _ := db.PendingSessionNotes(ctx, u.ID, time.Now().Add(-24*time.Hour)); len(pending) != 1 || pending[0].ClientName != "Ana Ruiz" {
			t.Fatalf("the drafted session should be pending (and the future one not): %+v", pending)
		}
		n.Parts["assessment"], n.Parts["plan"], n.Minutes = "Coping skills improving.", "Meet weekly; review plan.", 45
		if err := db.SaveSessionNote(ctx, &n, true, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveSessionNote(ctx, &n, false, u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("editing a signed note: %v, want conflict", err)
		}
		if err := db.AddSessionAddendum(ctx, b.ID, n.ID, "Not Ben's note.", u.ID, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("an addendum through another client: %v", err)
		}
		if err := db.CoSignSession(ctx, a.ID, n.ID, u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("the author co-signing: %v", err)
		}
		if err := db.CoSignSession(ctx, a.ID, n.ID, director.ID, rec(director.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.AddSessionAddendum(ctx, a.ID, n.ID, "Called the next day: safe, no use.", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		_, got, err := db.SessionNote(ctx, a.ID, past.ID)
		if err != nil || !got.Signed() || got.Minutes != 45 || got.Parts["plan"] != "Meet weekly; review plan." || !got.CoSignNeeded ||
			got.CoSignedName != "Renee W" || len(got.Addenda) != 1 || got.ServiceType != "individual" {
			t.Fatalf("note read back: %+v %v", got, err)
		}
		// Read for some clients only (a caseload), the documented minutes
		// and appointments are theirs and no one else's.
		from, to := past.Start.Add(-time.Hour), past.End.Add(time.Hour)
		for _, tc := range []struct {
			ids  []string
			want int
		}{{nil, 1}, {[]string{a.ID}, 1}, {[]string{b.ID}, 0}, {[]string{b.ID, a.ID}, 1}} {
			minutes, err := db.SignedSessionMinutes(ctx, from, to, tc.ids...)
			if err != nil || len(minutes) != tc.want || tc.want == 1 && minutes[past.ID] != 45 {
				t.Errorf("signed minutes of %v: %v %v", tc.ids, minutes, err)
			}
			appts, err := db.Appointments(ctx, store.AppointmentFilter{From: from, To: to, ClientIDs: tc.ids})
			if err != nil || len(appts) != tc.want || tc.want == 1 && appts[0].ID != past.ID {
				t.Errorf("appointments of %v: %+v %v", tc.ids, appts, err)
			}
		}
		list, err := db.ClientSessionNotes(ctx, a.ID)
		if err != nil || len(list) != 1 || !list[0].Signed || list[0].Format != "DAP" {
			t.Fatalf("Ana's session notes: %+v %v", list, err)
		}
		if other, _ := db.ClientSessionNotes(ctx, b.ID); len(other) != 0 {
			t.Fatalf("Ben sees %d session notes", len(other))
		}
		if pending, _ := db.PendingSessionNotes(ctx, u.ID, time.Now().Add(-24*time.Hour)); len(pending) != 0 {
			t.Fatalf("a signed session is still pending: %+v", pending)
		}
	})
}

func TestNoShowRulesOnBothEngines(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		a := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, a, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		book := func(start time.Time) schedule.Appointment { return bookSession(t, db, a.ID, u.ID, start) }
		past, future := book(time.Now().Add(-3*time.Hour).Truncate(time.Minute)), book(time.Now().Add(48*time.Hour).Truncate(time.Minute))
		if err := db.SetNoShow(ctx, a.ID, future.ID, true, u.ID, rec(u.ID)); model.FieldsOf(err)["appointment"] == "" {
			t.Fatalf("a no-show ahead: %v", err)
		}
		if err := db.SetNoShow(ctx, a.ID, past.ID, true, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Appointments(ctx, store.AppointmentFilter{From: past.Start, To: past.End, ClientID: a.ID})
		if len(got) != 1 || !got[0].NoShow || got[0].Version != 2 {
			t.Fatalf("after the no-show: %+v", got)
		}
		if pending, _ := db.PendingSessionNotes(ctx, u.ID, time.Now().Add(-24*time.Hour)); len(pending) != 0 {
			t.Fatalf("a no-show is pending: %+v", pending)
		}
		if err := db.SetNoShow(ctx, a.ID, past.ID, false, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Appointments(ctx, store.AppointmentFilter{From: past.Start, To: past.End, ClientID: a.ID}); got[0].NoShow {
			t.Fatal("the no-show was not taken back")
		}
	})
}

// bookSession books a 50-minute individual session in Office 1.
func bookSession(t *testing.T, db *store.DB, clientID, clinicianID string, start time.Time) schedule.Appointment {
	t.Helper()
	chicago, _ := time.LoadLocation("America/Chicago")
	ap := schedule.Appointment{ClientID: clientID, ClinicianID: clinicianID, Kind: "individual", Start: start, End: start.Add(50 * time.Minute), Room: "Office 1"}
	if err := db.BookAppointment(context.Background(), &ap, chicago, true, rec(clinicianID)); err != nil {
		t.Fatal(err)
	}
	return ap
}

// TestVocationalSessionsKeepTheirNotesThroughTheMigration books a
// vocational counseling session, documents it in the vocational template,
// and then runs migration 0025 again on the full database: SQLite rebuilds
// the appointments and session-note tables to change their CHECKs, and no
// row, foreign key or check may be lost on the way.
func TestVocationalSessionsKeepTheirNotesThroughTheMigration(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		a := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, a, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Admit(ctx, a.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: model.DateOf(time.Now()).AddDays(-10),
			CounselorID: u.ID}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		chicago, _ := time.LoadLocation("America/Chicago")
		start := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
		ap := schedule.Appointment{ClientID: a.ID, ClinicianID: u.ID, Kind: "vocational", Start: start, End: start.Add(50 * time.Minute), Room: "Office 1"}
		if err := db.BookAppointment(ctx, &ap, chicago, true, rec(u.ID)); err != nil {
			t.Fatalf("booking a vocational session: %v", err)
		}
		_, n, err := db.SessionNote(ctx, a.ID, ap.ID)
		if err != nil || n.ServiceType != "vocational" {
			t.Fatalf("a vocational session's note: %+v %v", n, err)
		}
		n.Format, n.Parts = notes.DefaultFormat(n.ServiceType), map[string]string{}
		for _, f := range notes.FieldsOf(n.Format) {
			n.Parts[f.Key] = "About " + f.Label
		}
		if n.Format != "VOC" || len(n.Parts) != 5 {
			t.Fatalf("vocational sessions start in the vocational template: %s %v", n.Format, n.Parts)
		}
		if err := db.SaveSessionNote(ctx, &n, true, u.ID, rec(u.ID)); err != nil {
			t.Fatalf("signing the vocational note: %v", err)
		}
		if err := db.AddSessionAddendum(ctx, a.ID, n.ID, "Called the employer with consent.", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}

		if err := db.ExecForTest(ctx, `DELETE FROM schema_migrations WHERE version = 25`); err != nil {
			t.Fatal(err)
		}
		if applied, err := db.Migrate(ctx); err != nil || applied != 1 {
			t.Fatalf("re-running 0025 on a database with data: applied %d, %v", applied, err)
		}
		got, after, err := db.SessionNote(ctx, a.ID, ap.ID)
		if err != nil || got.Kind != "vocational" || after.ID != n.ID || after.Format != "VOC" || after.Parts["barriers"] != "About Barriers" ||
			!after.Signed() || len(after.Addenda) != 1 {
			t.Fatalf("after the migration: %+v %+v %v", got, after, err)
		}
		// The rebuilt tables still refuse what the old ones refused.
		if err := db.ExecForTest(ctx, `UPDATE appointments SET kind = 'massage' WHERE id = '`+ap.ID+`'`); err == nil {
			t.Error("an unknown appointment kind is accepted after the migration")
		}
		if err := db.ExecForTest(ctx, `UPDATE session_notes SET format = 'FREE' WHERE id = '`+n.ID+`'`); err == nil {
			t.Error("an unknown note format is accepted after the migration")
		}
		if err := db.ExecForTest(ctx, `UPDATE session_notes SET appointment_id = 'no-such-appointment' WHERE id = '`+n.ID+`'`); err == nil {
			t.Error("a note pointing at no appointment is accepted after the migration")
		}
		if db.Engine == store.SQLite {
			if bad, err := db.StringForTest(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`); err != nil || bad != "0" {
				t.Errorf("foreign key check after the rebuild: %s %v", bad, err)
			}
		}
	})
}

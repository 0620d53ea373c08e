package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestDemoCenterIsRealistic checks the generated center at two sizes: every
// track has room for its clients, adolescents are 13-17 and in the
// adolescent program, every client in treatment has a track and a primary
// counselor, and the stages of care are all present.
func TestDemoCenterIsRealistic(t *testing.T) {
	for _, size := range []int{40, 1200} {
		db := testutil.OpenDB(t, store.SQLite)
		ctx := context.Background()
		today := model.Date{Year: 2026, Month: 11, Day: 23}
		var progress []int
		err := demo.Generate(ctx, db, demo.Options{Clients: size, Seed: 3, Today: today, PasswordHash: "x",
			Progress: func(done, total int) { progress = append(progress, done) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(progress) == 0 || progress[len(progress)-1] != size {
			t.Errorf("size %d: progress reported %v, want it to end at %d", size, progress, size)
		}
		tracks, err := db.Tracks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range tracks {
			if tr.Enrolled > tr.Capacity {
				t.Errorf("size %d: %s %s has %d clients for %d seats", size, tr.ProgramName, tr.Name, tr.Enrolled, tr.Capacity)
			}
			if tr.WeeklyMinutes() < model.DefaultMinWeeklyMinutes(tr.Population) {
				t.Errorf("%s %s offers %d minutes a week, below the program minimum", tr.ProgramName, tr.Name, tr.WeeklyMinutes())
			}
		}
		all, total, err := db.SearchClients(ctx, store.ClientQuery{Limit: 200})
		if err != nil || total != size {
			t.Fatalf("size %d: %d clients, %v", size, total, err)
		}
		stages := map[string]int{}
		teens := 0
		for _, c := range all {
			age := c.Age(today)
			switch {
			case c.Current == nil:
				stages["registered"]++
			default:
				stages[string(c.Current.Status)]++
				if c.Current.Status == model.EpisodeActive && (c.Current.TrackID == "" || c.Current.PrimaryCounselorID == "") {
					t.Errorf("%s is in treatment without a track or counselor", c.ID)
				}
				if (age < 18) != (c.Current.ProgramName == "Adolescent IOP") {
					t.Errorf("%s, aged %d, is in %s", c.DisplayName(), age, c.Current.ProgramName)
				}
			}
			if age < 18 {
				teens++
				if age < 13 {
					t.Errorf("%s is %d", c.DisplayName(), age)
				}
			}
			if p := c.Problems(today); len(p) > 0 {
				t.Errorf("demo client %s is invalid: %v", c.ID, p)
			}
		}
		// Clients in treatment carry the record that placed them and their measures.
		for _, c := range all {
			if c.Current == nil || c.Current.Status != model.EpisodeActive {
				continue
			}
			as, err := db.Assessments(ctx, c.ID)
			if err != nil || len(as) != 1 || !as[0].Decision.Made() || as[0].Decision.Level != model.IntensiveOutpatient {
				t.Errorf("%s: assessments %+v, %v; want one decided at IOP", c.ID, as, err)
			}
			ms, err := db.Measures(ctx, c.ID)
			if err != nil || len(ms) < 2 {
				t.Errorf("%s: %d measures, %v; want PHQ-9 and GAD-7 at least at admission", c.ID, len(ms), err)
			}
			for _, m := range ms {
				if m.Result.Urgent() {
					t.Errorf("%s: demo measure %s raises an urgent flag", c.ID, m.Instrument)
				}
			}
			if en, err := db.Enrolments(ctx, c.ID); err != nil || len(en) == 0 {
				t.Errorf("%s: in treatment but in no group (%v)", c.ID, err)
			}
			ep, err := db.Episode(ctx, c.ID, c.Current.ID)
			if err != nil || len(ep.Diagnoses) == 0 || ep.ReviewDue.IsZero() {
				t.Errorf("%s: episode %+v, %v; want diagnoses and a review date", c.ID, ep, err)
			}
		}
		if due, _ := db.ReviewsDue(ctx, today.AddDays(-1), ""); len(due) == 0 {
			t.Errorf("size %d: no overdue reviews; the demo should show some", size)
		}
		if stages["active"] == 0 || stages["discharged"] == 0 || stages["registered"] == 0 || teens == 0 {
			t.Errorf("size %d: stages %v, teens %d: every stage and some adolescents should appear", size, stages, teens)
		}
	}
}

// TestDemoHistoryLooksLikeAWorkingCenter checks the weeks before today on
// both engines: attendance at past meetings only and never before a
// client's admission, mostly present with a few clients missing their last
// two groups, group notes signed except the last two days', sessions with
// notes and bookings ahead, and weekly screens with a few positives.
func TestDemoHistoryLooksLikeAWorkingCenter(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		today := model.Date{Year: 2026, Month: 11, Day: 23}
		if err := demo.Generate(ctx, db, demo.Options{Clients: 60, Seed: 5, Today: today, PasswordHash: "x", HistoryDays: 21}); err != nil {
			t.Fatal(err)
		}
		clients, _, err := db.SearchClients(ctx, store.ClientQuery{Status: "active", Limit: 200})
		if err != nil || len(clients) == 0 {
			t.Fatalf("active clients: %d %v", len(clients), err)
		}
		// One open safety alert, for the demo clinician, so the crisis steps can be tried.
		clinician, _ := db.UserByEmail(ctx, "clinician@demo.openiop.org")
		alerts, err := db.SafetyAlerts(ctx, store.SafetyAlertQuery{OpenOnly: true})
		if err != nil || len(alerts) != 1 || alerts[0].CounselorID != clinician.ID {
			t.Errorf("open safety alerts %+v, %v: want one, for the demo clinician", alerts, err)
		}
		// One use of emergency access, waiting for the director's review.
		if grants, err := db.EmergencyGrants(ctx, time.Now().Add(-24*time.Hour), true); err != nil || len(grants) != 1 {
			t.Errorf("emergency access to review %+v, %v: want one", grants, err)
		}
		// The money side: batch 1 exported, and authorizations in every state.
		if batches, err := db.ClaimBatches(ctx, 5); err != nil || len(batches) != 1 || batches[0].Lines == 0 {
			t.Errorf("claim batches %+v, %v: want the demo's one", batches, err)
		}
		var marks, present, runs, screens, positives int
		for _, c := range clients {
			ms, err := db.ClientMarks(ctx, c.ID, today.AddDays(-30))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				marks++
				if !m.Date.Before(today) || m.Date.Before(c.Current.AdmissionDate) {
					t.Errorf("%s has a mark on %s (admitted %s, today %s)", c.ID, m.Date, c.Current.AdmissionDate, today)
				}
				if m.Minutes > 0 {
					present++
				}
			}
			if n := len(ms); n >= 2 && ms[n-1].Status == "absent_unexcused" && ms[n-2].Status == "absent_unexcused" {
				runs++
			}
			sc, err := db.Screens(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			screens += len(sc)
			for _, s := range sc {
				if len(s.Positives()) > 0 {
					positives++
				}
			}
		}
		if marks == 0 || present*100 < marks*80 || runs == 0 {
			t.Errorf("%d marks, %d attended, %d clients missing their last two groups", marks, present, runs)
		}
		if screens == 0 || positives == 0 || positives*5 > screens {
			t.Errorf("%d screens, %d positive", screens, positives)
		}
		pending, err := db.PendingNotes(ctx, "", today.AddDays(-30))
		if err != nil || len(pending) == 0 {
			t.Fatalf("group notes to sign: %v %v", pending, err)
		}
		jordan, _ := db.UserByEmail(ctx, "clinician@demo.openiop.org")
		for _, p := range pending {
			if p.Date.Before(today.AddDays(-2)) && (p.FacilitatorID != jordan.ID || p.Date.Before(today.AddDays(-14))) {
				t.Errorf("a meeting on %s still has no signed note", p.Date)
			}
		}
		var withNotes, signed int
		for _, c := range clients {
			copies, _ := db.ClientGroupNotes(ctx, c.ID)
			if len(copies) > 0 {
				withNotes++
			}
			list, _ := db.ClientSessionNotes(ctx, c.ID)
			for _, n := range list {
				if n.Signed {
					signed++
				}
			}
		}
		if withNotes == 0 || signed == 0 {
			t.Errorf("%d clients with signed group notes, %d signed session notes", withNotes, signed)
		}
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		if waiting, _ := db.PendingSessionNotes(ctx, "", start); len(waiting) == 0 {
			t.Error("every session's note is written: the notes-to-sign list shows no sessions")
		}
		appts, err := db.Appointments(ctx, store.AppointmentFilter{From: start, To: start.AddDate(0, 1, 0)})
		if err != nil || len(appts) == 0 {
			t.Fatalf("appointments: %d %v", len(appts), err)
		}
		for i, x := range appts {
			for _, y := range appts[i+1:] {
				if x.Start.Before(y.End) && y.Start.Before(x.End) && (x.Room == y.Room || x.ClinicianID == y.ClinicianID || x.ClientID == y.ClientID) {
					t.Errorf("appointments clash: %s %s %s and %s %s %s", x.Start, x.Room, x.ClinicianName, y.Start, y.Room, y.ClinicianName)
				}
			}
		}
	})
}

package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func day(d int) model.Date { return model.Date{Year: 2026, Month: 10, Day: d} }

func TestEpisodeCourseFromAdmissionToDischarge(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, track, counselor := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		ep, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, TrackID: track.ID, Level: model.IntensiveOutpatient,
			Date: day(1), CounselorID: counselor.ID, Diagnoses: []string{"F10.20"}}, counselor.ID, rec(counselor.ID))
		if err != nil {
			t.Fatal(err)
		}
		// A second open episode in the same program is refused with a field message.
		if _, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day(2)},
			counselor.ID, rec(counselor.ID)); model.FieldsOf(err)["program_id"] == "" {
			t.Fatalf("second admission: got %v, want a program_id problem", err)
		}
		got, err := db.Episode(ctx, c.ID, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ReviewDue != day(31) || len(got.Diagnoses) != 1 || got.Diagnoses[0] != "F10.20" {
			t.Fatalf("episode read back: review due %v diagnoses %v", got.ReviewDue, got.Diagnoses)
		}
		// Another client cannot reach this episode through its own id.
		other := newClient("Ben", "Cole")
		if err := db.CreateClient(ctx, other, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Episode(ctx, other.ID, ep.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("episode through another client: %v, want not found", err)
		}

		// Two clinicians step the same episode down at once: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.ChangeEpisode(ctx, got, care.Change{Kind: care.StepDown, Date: day(20), ToLevel: model.Outpatient,
					Reason: "Stable for three weeks"}, counselor.ID, prog.ReviewIntervalDays, rec(counselor.ID))
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("concurrent step downs: %v / %v; want exactly one to succeed", errs[0], errs[1])
		}
		for _, e := range errs {
			if e != nil && model.KindOf(e) != model.KindConflict {
				t.Fatalf("losing step down: %v, want conflict", e)
			}
		}
		got, _ = db.Episode(ctx, c.ID, ep.ID)
		if got.LevelOfCare != model.Outpatient || got.ReviewDue != day(20).AddDays(30) {
			t.Fatalf("after step down: level %s review due %v", got.LevelOfCare, got.ReviewDue)
		}

		d := care.Discharge{Date: day(25), Type: care.Completed, Reason: "Goals met", NextLevel: string(model.Outpatient),
			Appointments: "Weekly counseling, Tuesdays 17:00", ByID: counselor.ID}
		if err := db.DischargeEpisode(ctx, got, d, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.DischargeEpisode(ctx, got, d, rec(counselor.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("second discharge: %v, want conflict", err)
		}
		events, err := db.EpisodeEvents(ctx, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []care.EventKind
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		if len(kinds) != 3 || kinds[0] != care.Admission || kinds[1] != care.StepDown || kinds[2] != care.Discharged {
			t.Fatalf("history = %v, want admission, step down, discharge", kinds)
		}
		if events[1].FromLevel != model.IntensiveOutpatient || events[1].ToLevel != model.Outpatient || events[1].ByName != "Dana Reyes" {
			t.Fatalf("step-down event: %+v", events[1])
		}
		summary, err := db.Discharge(ctx, ep.ID)
		if err != nil || summary.Appointments != d.Appointments || summary.Type != care.Completed {
			t.Fatalf("discharge summary: %+v, %v", summary, err)
		}
		client, _ := db.Client(ctx, c.ID)
		if client.Current == nil || client.Current.Status != model.EpisodeDischarged {
			t.Fatalf("client's current episode after discharge: %+v", client.Current)
		}
		// The history is append-only in the database itself.
		if err := db.ExecForTest(ctx, `UPDATE episode_events SET reason = 'x'`); err == nil {
			t.Fatal("updating episode_events succeeded; want the append-only trigger to refuse")
		}
		if err := db.ExecForTest(ctx, `DELETE FROM episode_events`); err == nil {
			t.Fatal("deleting episode_events succeeded; want the append-only trigger to refuse")
		}
		rep := verifyChain(t, db)
		if !rep.OK() {
			t.Fatalf("audit chain broken: %+v", rep)
		}
	})
}

func TestDischargeBeforeAdmissionStoresNothing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, counselor := fixture(t, db)
		c := newClient("Cara", "Diaz")
		if err := db.CreateClient(ctx, c, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		ep, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day(10)},
			counselor.ID, rec(counselor.ID))
		if err != nil {
			t.Fatal(err)
		}
		// The store refuses it even if a caller skipped validation.
		err = db.DischargeEpisode(ctx, ep, care.Discharge{Date: day(5), Type: care.Completed, Reason: "x", NextLevel: "none",
			ByID: counselor.ID}, rec(counselor.ID))
		if err == nil {
			t.Fatal("discharge before admission was stored")
		}
		if _, err := db.Discharge(ctx, ep.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a discharge summary exists after the refusal: %v", err)
		}
		got, _ := db.Episode(ctx, c.ID, ep.ID)
		if got.Status != model.EpisodeActive {
			t.Fatalf("episode status %s after refused discharge", got.Status)
		}
	})
}

func TestReviewsDueAndAssessmentsAndMeasures(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, counselor := fixture(t, db)
		c := newClient("Dee", "Evans")
		if err := db.CreateClient(ctx, c, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		ep, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day(1),
			CounselorID: counselor.ID}, counselor.ID, rec(counselor.ID))
		if err != nil {
			t.Fatal(err)
		}
		due, err := db.ReviewsDue(ctx, day(30), "")
		if err != nil || len(due) != 0 {
			t.Fatalf("reviews due before the date: %v, %v", due, err)
		}
		if over, soon, err := db.CountReviewsDue(ctx, day(30), day(31), counselor.ID); err != nil || over != 0 || soon != 1 {
			t.Fatalf("counts on day 30: %d overdue, %d soon, %v; want 0, 1", over, soon, err)
		}
		if over, soon, _ := db.CountReviewsDue(ctx, day(31).AddDays(1), day(31).AddDays(8), counselor.ID); over != 1 || soon != 0 {
			t.Fatalf("counts the day after: %d overdue, %d soon; want 1, 0", over, soon)
		}
		if over, soon, _ := db.CountReviewsDue(ctx, day(30), day(31), "someone-else"); over != 0 || soon != 0 {
			t.Fatalf("another counselor's counts: %d, %d; want 0, 0", over, soon)
		}
		due, _ = db.ReviewsDue(ctx, day(31), counselor.ID)
		if len(due) != 1 || due[0].Client.ID != c.ID || due[0].Episode.ReviewDue != day(31) {
			t.Fatalf("reviews due on the date: %+v", due)
		}
		if err := db.ReviewEpisode(ctx, due[0].Episode, care.ReviewEntry{Date: model.Date{Year: 2026, Month: 11, Day: 2},
			Note: "Attending, PHQ-9 improving"}, counselor.ID, 30, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if due, _ = db.ReviewsDue(ctx, day(31), ""); len(due) != 0 {
			t.Fatalf("still due after the review: %+v", due)
		}

		a := care.Assessment{ClientID: c.ID, EpisodeID: ep.ID, AssessedOn: day(3), Ratings: [7]int{0, 1, 0, 2, 1, 3, 1},
			Evidence:   [7]string{"", "", "", "Daily anxiety", "", "Drinking most days despite trying to stop", ""},
			Findings:   []diagnosis.Finding{{Substance: "alcohol", Met: []string{"craving", "tolerance", "cut_down", "withdrawal"}}},
			AssessorID: counselor.ID}
		if err := a.Evaluate(day(3)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAssessment(ctx, &a, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		back, err := db.Assessment(ctx, c.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.Ratings != a.Ratings || back.Evidence != a.Evidence || back.Recommendation.Level != a.Recommendation.Level ||
			len(back.Findings) != 1 || back.Findings[0].Count() != 4 || back.AssessorName != "Dana Reyes" || back.Decision.Made() {
			t.Fatalf("assessment read back: %+v", back)
		}
		dec := care.Decision{Level: model.IntensiveOutpatient, ByID: counselor.ID}
		if err := db.DecideAssessment(ctx, back, dec, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.DecideAssessment(ctx, back, care.Decision{Level: model.Residential, Reason: "x", ByID: counselor.ID},
			rec(counselor.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("second decision: %v, want conflict", err)
		}
		back, _ = db.Assessment(ctx, c.ID, a.ID)
		if back.Decision.Level != model.IntensiveOutpatient || back.Decision.ByName != "Dana Reyes" {
			t.Fatalf("decision read back: %+v", back.Decision)
		}

		for i, total := range []int{2, 1} {
			m := care.Measure{ClientID: c.ID, EpisodeID: ep.ID, Instrument: "phq-2", Answers: map[string]int{"q1": total, "q2": 0},
				On: day(5 + i), ByID: counselor.ID}
			if err := care.Score(&m, true, day(30)); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateMeasure(ctx, &m, rec(counselor.ID)); err != nil {
				t.Fatal(err)
			}
		}
		ms, err := db.Measures(ctx, c.ID)
		if err != nil || len(ms) != 2 || ms[0].Result.Total != 2 || ms[1].Result.Total != 1 || ms[0].Answers["q1"] != 2 {
			t.Fatalf("measures read back: %+v, %v", ms, err)
		}

		if err := db.SetInstrumentEnabled(ctx, "audit", false, counselor.ID, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.SetInstrumentEnabled(ctx, "audit", false, counselor.ID, rec(counselor.ID)); err != nil {
			t.Fatalf("switching off twice: %v", err)
		}
		off, _ := db.DisabledInstruments(ctx)
		if !off["audit"] || len(off) != 1 {
			t.Fatalf("disabled = %v", off)
		}
		_ = db.SetInstrumentEnabled(ctx, "audit", true, counselor.ID, rec(counselor.ID))
		if off, _ = db.DisabledInstruments(ctx); len(off) != 0 {
			t.Fatalf("disabled after switching on = %v", off)
		}
	})
}

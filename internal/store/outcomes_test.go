package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/outcomes"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestOutcomeRowsFilterByProgramTrackPayerAndPeriod reads the outcomes rows
// for three clients: Ana came through an inquiry naming Medicaid, Ben has a
// commercial plan as primary coverage and was discharged, Cara has neither
// and was admitted long before the period and discharged before it.
func TestOutcomeRowsFilterByProgramTrackPayerAndPeriod(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, track, u := fixture(t, db)
		nov := func(d int) model.Date { return model.Date{Year: 2026, Month: 11, Day: d} }

		q := admissions.Inquiry{Name: "Ana Ruiz", Phone: "(312) 555-0177", Consent: "I agree", Payer: cost.Medicaid}
		if err := db.CreateInquiry(ctx, &q, rec("system:public")); err != nil {
			t.Fatal(err)
		}
		ana := newClient("Ana", "Ruiz")
		anaEp, err := db.AdmitInquiry(ctx, q.ID, ana, care.Admit{ProgramID: prog.ID, TrackID: track.ID, Level: model.IntensiveOutpatient,
			Date: nov(2), CounselorID: u.ID}, u.ID, rec(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		ben, cara := newClient("Ben", "Cole"), newClient("Cara", "Diaz")
		for _, c := range []*model.Client{ben, cara} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		benEp, err := db.Admit(ctx, ben.ID, care.Admit{ProgramID: prog.ID, TrackID: track.ID, Level: model.IntensiveOutpatient,
			Date: nov(2), CounselorID: u.ID}, u.ID, rec(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		caraEp, err := db.Admit(ctx, cara.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: model.Date{Year: 2026, Month: 8, Day: 10},
			CounselorID: u.ID}, u.ID, rec(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DischargeEpisode(ctx, caraEp, care.Discharge{Date: model.Date{Year: 2026, Month: 9, Day: 1}, Type: care.LeftEarly,
			Reason: "Moved away", NextLevel: string(model.Outpatient), ByID: u.ID}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		p := billing.Payer{Name: "Acme Health", Type: cost.Commercial, Active: true}
		if err := db.SavePayer(ctx, &p, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		cov := billing.Coverage{ClientID: ben.ID, PayerID: p.ID, MemberID: "XJ123", Relationship: billing.Self, Priority: billing.Primary, From: nov(1).AddDays(-100)}
		if err := db.SaveCoverage(ctx, &cov, nov(30), u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}

		// A group on Mondays: Ana present, Ben absent on 9 November; a mark before the period is not read.
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{ana.ID, ben.ID} {
			if _, err := db.Enrol(ctx, mon.ID, id, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		for day, marks := range map[model.Date][]intensity.Mark{
			nov(2): {{ClientID: ana.ID, Status: intensity.Present}},
			nov(9): {{ClientID: ana.ID, Status: intensity.Present}, {ClientID: ben.ID, Status: intensity.AbsentUnexcused}},
		} {
			if err := db.SaveAttendance(ctx, mon.ID, day, marks, u.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		// Screens: Ana negative for everything, Ben positive for one.
		for _, s := range []intensity.Screen{
			{ClientID: ana.ID, Date: nov(10), Outcome: "collected", Specimen: "urine", Results: map[string]string{"cannabinoids": "negative", "opiates": "negative"}},
			{ClientID: ben.ID, Date: nov(10), Outcome: "collected", Specimen: "urine", Results: map[string]string{"cannabinoids": "positive", "opiates": "negative"}},
		} {
			if err := db.CreateScreen(ctx, &s, u.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		// Ana's PHQ-9 at admission and three weeks on.
		for _, m := range []*care.Measure{phq9(t, ana.ID, u.ID, nov(2), 2, 0), phq9(t, ana.ID, u.ID, nov(23), 1, 0)} {
			m.EpisodeID = anaEp.ID
			if err := db.CreateMeasure(ctx, m, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		// Ben steps down and is discharged, completed.
		if err := db.ChangeEpisode(ctx, benEp, care.Change{Kind: care.StepDown, Date: nov(16), ToLevel: model.Outpatient, Reason: "Stable"},
			u.ID, prog.ReviewIntervalDays, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		benEp, _ = db.Episode(ctx, ben.ID, benEp.ID)
		if err := db.DischargeEpisode(ctx, benEp, care.Discharge{Date: nov(20), Type: care.Completed, Reason: "Goals met",
			NextLevel: string(model.Outpatient), ByID: u.ID}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}

		all := store.OutcomeFilter{From: nov(1), To: nov(30)}
		in, err := db.OutcomeRows(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		// Cara was discharged before the period but admitted within 90 days of its start: read for retention.
		byClient := map[string]outcomes.Episode{}
		for _, e := range in.Episodes {
			byClient[e.ClientID] = e
		}
		if len(in.Episodes) != 3 {
			t.Fatalf("episodes %+v", in.Episodes)
		}
		a, b, c := byClient[ana.ID], byClient[ben.ID], byClient[cara.ID]
		if a.Payer != string(cost.Medicaid) || a.InquiredAt.IsZero() || a.Admitted != nov(2) || !a.Discharged.IsZero() || a.MinWeeklyMinutes != 540 || a.TrackID != track.ID {
			t.Errorf("Ana %+v", a)
		}
		if b.Payer != string(cost.Commercial) || !b.InquiredAt.IsZero() || b.Discharged != nov(20) || b.DischargeType != string(care.Completed) {
			t.Errorf("Ben %+v", b)
		}
		if c.Payer != "" || c.DischargeType != string(care.LeftEarly) || c.TrackID != "" {
			t.Errorf("Cara %+v", c)
		}
		if len(in.Marks) != 3 || len(in.Screens) != 2 || len(in.Scores) != 2 {
			t.Errorf("marks %+v screens %+v scores %+v", in.Marks, in.Screens, in.Scores)
		}
		for _, s := range in.Screens {
			if s.Negative != (s.ClientID == ana.ID) {
				t.Errorf("screen %+v", s)
			}
		}
		if len(in.Changes) != 1 || in.Changes[0] != (outcomes.Change{EpisodeID: benEp.ID, Kind: "step_down", Date: nov(16)}) {
			t.Errorf("changes %+v", in.Changes)
		}

		clients := func(f store.OutcomeFilter) []string {
			t.Helper()
			in, err := db.OutcomeRows(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range in.Episodes {
				ids = append(ids, e.ClientID)
			}
			slices.Sort(ids)
			return ids
		}
		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
		for name, tt := range map[string]struct {
			f    store.OutcomeFilter
			want []string
		}{
			"medicaid":      {store.OutcomeFilter{From: nov(1), To: nov(30), Payer: string(cost.Medicaid)}, sorted(ana.ID)},
			"commercial":    {store.OutcomeFilter{From: nov(1), To: nov(30), Payer: string(cost.Commercial)}, sorted(ben.ID)},
			"not recorded":  {store.OutcomeFilter{From: nov(1), To: nov(30), Payer: outcomes.NoPayer}, sorted(cara.ID)},
			"track":         {store.OutcomeFilter{From: nov(1), To: nov(30), TrackID: track.ID}, sorted(ana.ID, ben.ID)},
			"program":       {store.OutcomeFilter{From: nov(1), To: nov(30), ProgramID: prog.ID}, sorted(ana.ID, ben.ID, cara.ID)},
			"other program": {store.OutcomeFilter{From: nov(1), To: nov(30), ProgramID: model.NewID()}, nil},
			// After Ben's discharge, but he was admitted within 90 days of it (retention); Cara long before.
			"december": {store.OutcomeFilter{From: model.Date{Year: 2026, Month: 12, Day: 1}, To: model.Date{Year: 2026, Month: 12, Day: 5}}, sorted(ana.ID, ben.ID)},
			"october":  {store.OutcomeFilter{From: model.Date{Year: 2026, Month: 10, Day: 1}, To: model.Date{Year: 2026, Month: 10, Day: 31}}, sorted(cara.ID)},
		} {
			if got := clients(tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", name, got, tt.want)
			}
		}
	})
}

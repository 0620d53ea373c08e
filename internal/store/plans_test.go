package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestTreatmentPlanVersionsSignaturesAndReviews(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, track, counselor := fixture(t, db)
		supervisor := model.User{Email: "sup@example.org", Name: "Sam Supervisor", Role: model.RoleClinicalDirector, Active: true}
		if err := db.CreateUser(ctx, &supervisor, rec("system:test")); err != nil {
			t.Fatal(err)
		}
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		ep, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, TrackID: track.ID, Level: model.IntensiveOutpatient,
			Date: day(1), CounselorID: counselor.ID, Diagnoses: []string{"F10.20"}}, counselor.ID, rec(counselor.ID))
		if err != nil {
			t.Fatal(err)
		}
		due, err := db.PlansDue(ctx, day(8), counselor.ID)
		if err != nil || len(due) != 1 || due[0].Kind != "initial" || due[0].Date != day(8) {
			t.Fatalf("plans due before any plan: %+v, %v", due, err)
		}

		draft, err := db.StartPlan(ctx, c.ID, ep.ID, day(3), counselor.ID, rec(counselor.ID))
		if err != nil || draft.Version != 1 {
			t.Fatalf("start: %+v, %v", draft, err)
		}
		again, err := db.StartPlan(ctx, c.ID, ep.ID, day(3), counselor.ID, rec(counselor.ID))
		if err != nil || again.ID != draft.ID {
			t.Fatalf("starting twice made a second draft: %v / %v (%v)", draft.ID, again.ID, err)
		}
		p := plan.Plan{ID: draft.ID, ClientID: c.ID, Date: day(3), Problems: []plan.Problem{{
			Statement: "Daily drinking", Diagnosis: "F10.20", Goal: "Stay sober for my kids",
			Objectives:    []plan.Objective{{Text: "Attend 9 hours of groups a week", Target: day(30)}},
			Interventions: []plan.Intervention{{Modality: "cbt", Provider: "primary counselor", Frequency: "3 groups a week"}},
		}}}
		// Bad input changes nothing.
		bad := p
		bad.Problems = []plan.Problem{p.Problems[0]}
		bad.Problems[0].Objectives = []plan.Objective{{Text: "Too early", Target: day(2)}}
		if err := db.SavePlan(ctx, &bad, false, nil, counselor.ID, rec(counselor.ID)); model.FieldsOf(err)["p0.o0.target"] == "" {
			t.Fatalf("a target before the plan date: %v", err)
		}
		if got, _ := db.TreatmentPlan(ctx, c.ID, draft.ID); len(got.Problems) != 0 {
			t.Fatalf("a refused save stored %+v", got.Problems)
		}
		// Ids a form makes up, or repeats, are replaced: notes and reviews point at them.
		p.Problems[0].ID = "made-up"
		p.Problems[0].Objectives = append(p.Problems[0].Objectives, plan.Objective{ID: "made-up", Text: "Call a peer daily", Target: day(20)})
		p.Problems[0].Objectives[0].ID = "made-up"
		if err := db.SavePlan(ctx, &p, true, nil, counselor.ID, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		signed, err := db.TreatmentPlan(ctx, c.ID, draft.ID)
		if o := signed.Objectives(); len(o) != 2 || o[0].ID == "made-up" || o[1].ID == "made-up" || o[0].ID == o[1].ID || signed.Problems[0].ID == "made-up" {
			t.Fatalf("form-chosen ids were kept: %+v", o)
		}
		if err != nil || !signed.Signed() || signed.Clinician.Name != counselor.Name || signed.Problems[0].Objectives[0].ID == "" {
			t.Fatalf("signed plan read back: %+v, %v", signed, err)
		}
		if err := db.SavePlan(ctx, &p, false, nil, counselor.ID, rec(counselor.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("saving a signed version: %v, want a conflict", err)
		}
		// Another client's id does not reach the plan.
		other := newClient("Ben", "Cole")
		if err := db.CreateClient(ctx, other, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TreatmentPlan(ctx, other.ID, draft.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("plan through another client: %v", err)
		}
		if err := db.SignPlanAsClient(ctx, other.ID, draft.ID, "Ben Cole", counselor.ID, rec(counselor.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("signing another client's plan: %v", err)
		}
		if err := db.SignPlanAsClient(ctx, c.ID, draft.ID, "  ", counselor.ID, rec(counselor.ID)); model.FieldsOf(err)["client_signature"] == "" {
			t.Fatalf("an empty client signature: %v", err)
		}
		if err := db.SignPlanAsClient(ctx, c.ID, draft.ID, "Ana Ruiz", counselor.ID, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.SignPlanAsSupervisor(ctx, c.ID, draft.ID, supervisor.ID, rec(supervisor.ID)); model.FieldsOf(err)["supervisor"] == "" {
			t.Fatalf("a supervisor signature the program does not require: %v", err)
		}
		signed, _ = db.TreatmentPlan(ctx, c.ID, draft.ID)
		if !signed.Complete() || signed.Client.Name != "Ana Ruiz" || signed.Witness != counselor.Name {
			t.Fatalf("after the client signed: %+v", signed)
		}
		due, _ = db.PlansDue(ctx, day(3).AddDays(29), counselor.ID)
		if len(due) != 0 {
			t.Fatalf("a review is due before its time: %+v", due)
		}
		due, _ = db.PlansDue(ctx, day(3).AddDays(30), "")
		if len(due) != 1 || due[0].Kind != "review" || due[0].Date != day(3).AddDays(30) {
			t.Fatalf("review due: %+v", due)
		}

		// A review records progress per objective and moves the next review to 30 days after it.
		oid := signed.Problems[0].Objectives[0].ID
		r := plan.Review{PlanID: signed.ID, ClientID: c.ID, Date: day(20)}
		for _, o := range signed.Objectives() {
			r.Entries = append(r.Entries, plan.ReviewEntry{ObjectiveID: o.ID, Progress: plan.Progressing})
		}
		if err := db.AddPlanReview(ctx, &r, day(20), counselor.ID, rec(counselor.ID)); err != nil {
			t.Fatal(err)
		}
		due, _ = db.PlansDue(ctx, day(20).AddDays(29), "")
		if len(due) != 0 {
			t.Fatalf("after a review on day 20, due by day 40: %+v", due)
		}
		reviews, err := db.PlanReviews(ctx, c.ID)
		if err != nil || len(reviews) != 1 || reviews[0].Entries[0].Progress != plan.Progressing {
			t.Fatalf("reviews: %+v, %v", reviews, err)
		}

		// A revision starts version 2 with the same objective ids; version 1 stays as signed.
		rev, err := db.StartPlan(ctx, c.ID, ep.ID, day(21), counselor.ID, rec(counselor.ID))
		if err != nil || rev.Version != 2 || rev.Signed() || rev.Problems[0].Objectives[0].ID != oid {
			t.Fatalf("revision: %+v, %v", rev, err)
		}
		all, _ := db.TreatmentPlans(ctx, c.ID)
		if len(all) != 2 || all[0].Version != 2 || !all[1].Complete() {
			t.Fatalf("versions: %+v", all)
		}
		// While version 2 is a draft, notes still pick from the signed version 1.
		if cur, err := db.CurrentObjectives(ctx, c.ID); err != nil || len(cur) != len(all[1].Objectives()) || cur[0].Text != all[1].Objectives()[0].Text {
			t.Fatalf("current objectives while revising: %+v %v", cur, err)
		}
		if rep := verifyChain(t, db); !rep.OK() {
			t.Fatalf("audit chain: %+v", rep)
		}
	})
}

func TestNotesPointOnlyAtTheClientsOwnObjectives(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		a, b := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		today := model.DateOf(time.Now())
		var objective = map[string]string{}
		for _, c := range []*model.Client{a, b} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			ep, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: today.AddDays(-10),
				CounselorID: u.ID}, u.ID, rec(u.ID))
			if err != nil {
				t.Fatal(err)
			}
			draft, err := db.StartPlan(ctx, c.ID, ep.ID, today.AddDays(-9), u.ID, rec(u.ID))
			if err != nil {
				t.Fatal(err)
			}
			draft.Problems = []plan.Problem{{Statement: "Cannabis use most days", Goal: "Sleep without using",
				Objectives:    []plan.Objective{{Text: "Use sleep-hygiene steps 5 nights a week", Target: today.AddDays(20)}},
				Interventions: []plan.Intervention{{Modality: "cbt", Provider: "counselor", Frequency: "weekly"}}}}
			if err := db.SavePlan(ctx, &draft, true, nil, u.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			refs, err := db.CurrentObjectives(ctx, c.ID)
			if err != nil || len(refs) != 1 {
				t.Fatalf("current objectives: %+v, %v", refs, err)
			}
			objective[c.ID] = refs[0].ID
		}
		past := bookSession(t, db, a.ID, u.ID, time.Now().Add(-3*time.Hour).Truncate(time.Minute))
		_, n, err := db.SessionNote(ctx, a.ID, past.ID)
		if err != nil {
			t.Fatal(err)
		}
		n.Format, n.Parts = "DAP", map[string]string{"data": "Slept 6 hours four nights.", "assessment": "Progress on sleep", "plan": "Continue"}
		n.Objectives = []string{objective[b.ID]}
		if err := db.SaveSessionNote(ctx, &n, false, u.ID, rec(u.ID)); model.FieldsOf(err)["objectives"] == "" {
			t.Fatalf("a note pointing at another client's objective: %v", err)
		}
		if _, got, _ := db.SessionNote(ctx, a.ID, past.ID); got.ID != "" {
			t.Fatal("the refused note was stored")
		}
		n.Objectives = []string{objective[a.ID]}
		if err := db.SaveSessionNote(ctx, &n, true, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, got, _ := db.SessionNote(ctx, a.ID, past.ID); len(got.Objectives) != 1 || got.Objectives[0] != objective[a.ID] {
			t.Fatalf("objectives read back: %v", got.Objectives)
		}
		ev, err := db.ObjectiveNotes(ctx, a.ID)
		if err != nil || len(ev) != 1 || ev[0].ObjectiveID != objective[a.ID] || ev[0].Progress != "Progress on sleep" || !ev[0].Signed {
			t.Fatalf("evidence: %+v, %v", ev, err)
		}
		if ev, _ := db.ObjectiveNotes(ctx, b.ID); len(ev) != 0 {
			t.Fatalf("the other client has evidence: %+v", ev)
		}
	})
}

package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/jobs"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// phq9 scores a PHQ-9 with every item at base and item 9 at q9.
func phq9(t *testing.T, clientID, byID string, on model.Date, base, q9 int) *care.Measure {
	t.Helper()
	m := &care.Measure{ClientID: clientID, Instrument: "phq-9", On: on, ByID: byID, Answers: map[string]int{}}
	for i := 1; i <= 9; i++ {
		m.Answers[fmt.Sprintf("q%d", i)] = base
	}
	m.Answers["q9"] = q9
	m.Answers["difficulty"] = 1
	if err := care.Score(m, true, on); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSafetyAlertRaisedWithTheMeasureAndAnsweredOnce(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.DateOf(time.Now())
		if _, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day, CounselorID: u.ID}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		mild := phq9(t, c.ID, u.ID, day, 1, 0)
		if err := db.CreateMeasure(ctx, mild, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, raised, err := db.SafetyAlertForMeasure(ctx, c.ID, mild.ID); raised || err != nil {
			t.Fatalf("a mild PHQ-9 raised an alert (%v, %v)", raised, err)
		}
		risky := phq9(t, c.ID, u.ID, day, 1, 1)
		if !risky.Result.Urgent() {
			t.Fatal("item 9 above zero is not flagged urgent")
		}
		if err := db.CreateMeasure(ctx, risky, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		a, raised, err := db.SafetyAlertForMeasure(ctx, c.ID, risky.ID)
		if !raised || err != nil || !a.Open() || a.CounselorID != u.ID || a.Reason == "" || a.ClientName != "Ana Ruiz" {
			t.Fatalf("alert for item 9: %+v raised=%v err=%v", a, raised, err)
		}
		for _, who := range []string{u.ID, ""} {
			if n, err := db.CountOpenSafetyAlerts(ctx, who); n != 1 || err != nil {
				t.Fatalf("open alerts for %q: %d, %v", who, n, err)
			}
		}
		severe := phq9(t, c.ID, u.ID, day, 3, 0)
		if err := db.CreateMeasure(ctx, severe, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if a, raised, _ := db.SafetyAlertForMeasure(ctx, c.ID, severe.ID); !raised || a.Reason == "" {
			t.Fatalf("a severe PHQ-9 (%d) raised no alert", severe.Result.Total)
		}

		// A response without a note changes nothing; a full one closes the alert once.
		if err := db.RespondToSafetyAlert(ctx, c.ID, a.ID, care.SafetyResponse{Action: care.ActionSafetyPlan, ByID: u.ID}, rec(u.ID)); model.FieldsOf(err)["note"] == "" {
			t.Fatalf("a response without a note: %v", err)
		}
		other := newClient("Bo", "Lee")
		if err := db.CreateClient(ctx, other, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		resp := care.SafetyResponse{Action: care.ActionRiskAssessed, Note: "Called at once; no plan or intent; safety plan reviewed.", ByID: u.ID}
		if err := db.RespondToSafetyAlert(ctx, other.ID, a.ID, resp, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("answering through another client's id: %v", err)
		}
		if err := db.RespondToSafetyAlert(ctx, c.ID, a.ID, resp, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.RespondToSafetyAlert(ctx, c.ID, a.ID, resp, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("a second response: %v", err)
		}
		got, err := db.SafetyAlert(ctx, c.ID, a.ID)
		if err != nil || got.Open() || got.Response.Action != care.ActionRiskAssessed || got.Response.ByName != u.Name {
			t.Fatalf("after the response: %+v, %v", got, err)
		}
		open, err := db.SafetyAlerts(ctx, store.SafetyAlertQuery{OpenOnly: true})
		if err != nil || len(open) != 1 || open[0].MeasureID != severe.ID {
			t.Fatalf("open alerts: %+v, %v", open, err)
		}
	})
}

func TestMeasureScheduleAssignsOncePerCycle(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		today := model.DateOf(time.Now())
		admitted := today.AddDays(-15)
		var ids []string
		for i, name := range []string{"Ana", "Bo", "Cy"} {
			c := newClient(name, "Test")
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
			if i < 2 { // Cy is not admitted: nothing is assigned
				if _, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: admitted, CounselorID: u.ID}, u.ID, rec(u.ID)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Bo took a PHQ-9 two days ago (within the grace before day 14): that cycle is done.
		if err := db.CreateMeasure(ctx, phq9(t, ids[1], u.ID, today.AddDays(-2), 0, 0), rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		bad := care.MeasureSchedule{ProgramID: prog.ID, Instrument: "phq-9", EveryDays: 0}
		if p := bad.Problems(true); p["every_days"] == "" {
			t.Fatalf("every 0 days: %v", p)
		}
		for _, s := range []care.MeasureSchedule{
			{ProgramID: prog.ID, Instrument: "phq-9", EveryDays: 14, AtAdmission: true, SetByID: u.ID},
			{ProgramID: prog.ID, Instrument: "gad-7", EveryDays: 30, AtAdmission: false, SetByID: u.ID},
		} {
			if err := db.SetMeasureSchedule(ctx, s, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetMeasureSchedule(ctx, care.MeasureSchedule{ProgramID: model.NewID(), Instrument: "phq-9", EveryDays: 7, SetByID: u.ID}, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a schedule for no program: %v", err)
		}
		head := auditCount(t, db)
		n, err := jobs.AssignScheduledMeasures(ctx, db, time.Now(), today)
		if err != nil || n != 1 {
			t.Fatalf("first run made %d assignments (%v), want 1: Ana's PHQ-9 due on day 14", n, err)
		}
		if got := auditCount(t, db) - head; got != 1 {
			t.Fatalf("%d audit records for 1 assignment", got)
		}
		open, _ := db.OpenAssignments(ctx, ids[0])
		if len(open) != 1 || open[0].Instrument != "phq-9" || open[0].DueOn != admitted.AddDays(14) || !open[0].Scheduled {
			t.Fatalf("Ana's assignments: %+v", open)
		}
		if n, err := jobs.AssignScheduledMeasures(ctx, db, time.Now(), today); n != 0 || err != nil {
			t.Fatalf("a second run made %d (%v)", n, err)
		}
		// Cancelled by staff: not made again this cycle; the next cycle assigns again.
		if err := db.CancelAssignment(ctx, ids[0], open[0].ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if n, _ := jobs.AssignScheduledMeasures(ctx, db, time.Now(), today); n != 0 {
			t.Fatalf("a cancelled assignment was made again (%d)", n)
		}
		if n, _ := jobs.AssignScheduledMeasures(ctx, db, time.Now(), today.AddDays(14)); n != 2 {
			t.Fatalf("day 29: %d assignments, want 2 (both PHQ-9s of day 28; the GAD-7 is due on day 30)", n)
		}
		if n, _ := jobs.AssignScheduledMeasures(ctx, db, time.Now(), today.AddDays(15)); n != 2 {
			t.Fatalf("day 30: %d assignments, want both GAD-7s", n)
		}
		due, err := db.MeasuresDue(ctx, today.AddDays(30), u.ID)
		if err != nil || len(due) != 4 {
			t.Fatalf("measures due: %+v, %v", due, err)
		}
	})
}

func auditCount(t *testing.T, db *store.DB) int {
	t.Helper()
	h, err := db.AuditHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(h.Seq)
}

func TestJobLeaseRunsOnOneReplicaAtATime(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		runs := 0
		job := jobs.Job{Name: "count", Every: time.Hour, Run: func(context.Context, time.Time) (string, error) {
			mu.Lock()
			runs++
			mu.Unlock()
			return "ok", nil
		}}
		now := time.Now()
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &jobs.Runner{Store: db, Holder: fmt.Sprint("replica-", i), Jobs: []jobs.Job{job}, Now: func() time.Time { return now }, Log: quiet}
				r.RunDue(ctx)
			}()
		}
		wg.Wait()
		if runs != 1 {
			t.Fatalf("four replicas at once ran the job %d times, want 1", runs)
		}
		later := &jobs.Runner{Store: db, Holder: "replica-0", Jobs: []jobs.Job{job}, Now: func() time.Time { return now.Add(30 * time.Minute) }, Log: quiet}
		if later.RunDue(ctx) != 0 {
			t.Fatal("the job ran again before its next run time")
		}
		later.Now = func() time.Time { return now.Add(61 * time.Minute) }
		if later.RunDue(ctx) != 1 || runs != 2 {
			t.Fatalf("an hour later: runs %d, want 2", runs)
		}
		st, err := db.Jobs(ctx)
		if err != nil || len(st) != 1 || st[0].LastResult != "ok" || st[0].Running {
			t.Fatalf("job status: %+v, %v", st, err)
		}
	})
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestScoreChangesReadFirstAndLatestOfTheCurrentEpisode(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.Date{Year: 2026, Month: 11, Day: 2}
		ep, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day, CounselorID: u.ID}, u.ID, rec(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		before := phq9(t, c.ID, u.ID, day.AddDays(-30), 3, 0) // before this episode: not counted
		for i, m := range []*care.Measure{before, phq9(t, c.ID, u.ID, day.AddDays(1), 2, 0), phq9(t, c.ID, u.ID, day.AddDays(9), 1, 0), phq9(t, c.ID, u.ID, day.AddDays(5), 3, 0)} {
			if i > 0 {
				m.EpisodeID = ep.ID
			}
			if err := db.CreateMeasure(ctx, m, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		// A second client measured once: their first is their latest.
		once := newClient("Ben", "Ortiz")
		if err := db.CreateClient(ctx, once, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		ep2, err := db.Admit(ctx, once.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day, CounselorID: u.ID}, u.ID, rec(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		single := phq9(t, once.ID, u.ID, day.AddDays(2), 2, 0)
		single.EpisodeID = ep2.ID
		if err := db.CreateMeasure(ctx, single, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.ScoreChanges(ctx, []string{c.ID, once.ID}, []string{"phq-9", "gad-7"})
		// In date order: day+1 (16), day+5 (24), day+9 (8).
		if err != nil || len(got[c.ID]) != 1 || got[c.ID][0] != (store.ScoreChange{Instrument: "phq-9", First: 16, Latest: 8, Count: 3}) {
			t.Fatalf("score changes %+v, %v", got, err)
		}
		if len(got[once.ID]) != 1 || got[once.ID][0] != (store.ScoreChange{Instrument: "phq-9", First: 16, Latest: 16, Count: 1}) {
			t.Fatalf("score changes of a client measured once %+v", got[once.ID])
		}
	})
}

package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// busyDays makes a client unavailable on weekday mornings and evenings, so
// that their current groups no longer fit.
func busyAllDay(t *testing.T, db *store.DB, clientID string) {
	t.Helper()
	var busy []schedule.Busy
	for d := time.Sunday; d <= time.Saturday; d++ {
		busy = append(busy, schedule.Busy{Day: d, From: 7 * 60, To: 13 * 60, Label: "Work"}, schedule.Busy{Day: d, From: 17 * 60, To: 22 * 60, Label: "Work"})
	}
	if err := db.SetAvailability(context.Background(), clientID, schedule.Availability{Busy: busy}, audit.Record{At: time.Now(), ActorID: "system:test", ActorRole: "system"}); err != nil {
		t.Fatal(err)
	}
}

func TestWeekBuilderProposesExplainsApplies(t *testing.T) {
	for _, engine := range testutil.Engines() {
		t.Run(string(engine), func(t *testing.T) { weekBuilderOn(t, engine) })
	}
}

func weekBuilderOn(t *testing.T, engine store.Engine) {
	{
		e := newEnv(t, engine)
		ctx := context.Background()
		sites, _ := e.db.Sites(ctx)
		cal, err := e.db.WeekCalendar(ctx, sites[0].ID, model.Date{Year: 2026, Month: 11, Day: 30})
		if err != nil {
			t.Fatal(err)
		}
		var who builder.CalendarClient
		for _, c := range cal.Clients {
			if len(c.Enrolled) > 0 {
				who = c
				break
			}
		}
		busyAllDay(t, e.db, who.ID)

		director := e.signIn(model.RoleClinicalDirector)
		head := e.auditHead()
		page := e.get(director, "/program/week-builder")
		if page.StatusCode != 200 {
			t.Fatalf("status %d: %s", page.StatusCode, page.Body)
		}
		for _, want := range []string{"Build the week of Nov 30", "Week 2026-W49", who.Name, "Left short of their weekly minimum", "Why: ", "Apply the changes for", "outside their availability", "current enrolments kept"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		reads := 0
		for _, r := range e.auditSince(head) {
			if r.Category == "client.schedule" && r.Action == audit.ActionQuery && r.ClientID != "" {
				reads++
			}
		}
		if reads != len(cal.Clients) {
			t.Errorf("%d read records, want one for each of %d clients", reads, len(cal.Clients))
		}
		print := regexp.MustCompile(`name="proposal" value="([0-9a-f]+)"`).FindStringSubmatch(page.Body)
		if print == nil {
			t.Fatal("no apply form")
		}
		before, _ := e.db.Enrolments(ctx, who.ID)
		// A proposal other than the one shown is not applied.
		stale := e.post(director, "/program/week-builder/apply", url.Values{"site": {sites[0].ID}, "week": {"2026-W49"}, "proposal": {"0123456789abcdef01234567"}})
		if stale.StatusCode != 409 || !strings.Contains(stale.Body, "nothing was applied") {
			t.Fatalf("stale apply: %d", stale.StatusCode)
		}
		if after, _ := e.db.Enrolments(ctx, who.ID); len(after) != len(before) {
			t.Fatal("a stale apply changed enrolments")
		}
		bad := e.post(director, "/program/week-builder/apply", url.Values{"site": {sites[0].ID}, "week": {"49"}, "proposal": {print[1]}})
		if bad.StatusCode != 422 && bad.StatusCode != 400 {
			t.Errorf("a bad week: %d", bad.StatusCode)
		}
		head = e.auditHead()
		ok := e.post(director, "/program/week-builder/apply", url.Values{"site": {sites[0].ID}, "week": {"2026-W49"}, "proposal": {print[1]}})
		if ok.StatusCode != 303 || !strings.Contains(ok.Header.Get("Location"), "applied=") {
			t.Fatalf("apply: %d %s", ok.StatusCode, ok.Body)
		}
		if after, _ := e.db.Enrolments(ctx, who.ID); len(after) == len(before) {
			t.Error("apply left the enrolments as they were")
		}
		writes := 0
		for _, r := range e.auditSince(head) {
			if r.Category == "client.schedule" && (r.Action == audit.ActionCreate || r.Action == audit.ActionDelete) {
				writes++
			}
		}
		if writes == 0 {
			t.Error("apply left no audit records of its changes")
		}
		// Others may not see it.
		for _, role := range []model.Role{model.RoleAdmin, model.RoleClinician, model.RoleFrontDesk} {
			if r := e.get(e.signIn(role), "/program/week-builder"); r.StatusCode != 403 {
				t.Errorf("%s: %d", role, r.StatusCode)
			}
		}
	}
}

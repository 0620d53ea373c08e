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
		// Individual sessions in the counselors' hours are planned beside the groups.
		if !regexp.MustCompile(`<td data-label="When">(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d\d [ap]m-`).MatchString(page.Body) || !strings.Contains(page.Body, "individual sessions to book") {
			t.Error("the proposal plans no individual session")
		}
		weekStart := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
		booked := func() int {
			list, _ := e.db.Appointments(ctx, store.AppointmentFilter{From: weekStart, To: weekStart.AddDate(0, 0, 8)})
			return len(list)
		}
		bookedBefore := booked()
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
		// What if they were free all day again, or their track had an
		// afternoon process group: shown with who gains, nothing stored.
		whatIf := func(v url.Values) response {
			t.Helper()
			v.Set("site", sites[0].ID)
			v.Set("week", "2026-W49")
			return e.post(director, "/program/week-builder/what-if", v)
		}
		head = e.auditHead()
		widen := whatIf(url.Values{"change": {"widen"}, "client": {who.ID}, "days": {"0", "1", "2", "3", "4"}, "from": {"07:00"}, "to": {"22:00"}})
		if widen.StatusCode != 200 {
			t.Fatalf("what-if widen: %d %s", widen.StatusCode, widen.Body)
		}
		for _, want := range []string{"What if " + who.Name + " were also free Mon, Tue, Wed, Thu, Fri 7:00 am-10:00 pm?", "would meet their weekly minimum (now ", "more)", "Would newly meet it:</strong> " + who.Name, "Nothing was changed.", `href="/clients/` + who.ID + `/schedule"`} {
			if !strings.Contains(widen.Body, want) {
				t.Errorf("widen answer lacks %q", want)
			}
		}
		reads = 0
		for _, r := range e.auditSince(head) {
			if r.Category == "client.schedule" && r.ClientID != "" {
				reads++
			}
		}
		if reads != len(cal.Clients) {
			t.Errorf("a what-if left %d read records, want one for each of %d clients", reads, len(cal.Clients))
		}
		track := cal.Tracks[who.TrackID]
		group := whatIf(url.Values{"change": {"group"}, "track": {track.ID}, "process": {"1"}, "seats": {"8"}, "days": {"0", "2", "4"}, "from": {"13:00"}, "to": {"16:00"}})
		if group.StatusCode != 200 {
			t.Fatalf("what-if group: %d %s", group.StatusCode, group.Body)
		}
		for _, want := range []string{"What if a new " + track.Name + " process group with 8 seats met Mon, Wed, Fri 1:00 pm-4:00 pm?", "Would newly meet it:</strong> ", who.Name, `href="/program/tracks/` + track.ID + `"`} {
			if !strings.Contains(group.Body, want) {
				t.Errorf("group answer lacks %q", want)
			}
		}
		for name, tc := range map[string]struct {
			form url.Values
			want string
		}{
			"no client":         {url.Values{"change": {"widen"}, "days": {"1"}, "from": {"18:00"}, "to": {"21:00"}}, "Choose a client planned this week."},
			"no days":           {url.Values{"change": {"widen"}, "client": {who.ID}, "from": {"18:00"}, "to": {"21:00"}}, "Tick at least one day."},
			"a day that is not": {url.Values{"change": {"widen"}, "client": {who.ID}, "days": {"9"}, "from": {"18:00"}, "to": {"21:00"}}, "Tick days of the week."},
			"backwards":         {url.Values{"change": {"group"}, "track": {track.ID}, "days": {"1"}, "from": {"21:00"}, "to": {"18:00"}}, "The end must be after the start."},
			"not a time":        {url.Values{"change": {"group"}, "track": {track.ID}, "days": {"1"}, "from": {"evening"}, "to": {"21:00"}}, "Enter the start as HH:MM"},
			"no track":          {url.Values{"change": {"group"}, "track": {"nope"}, "days": {"1"}, "from": {"18:00"}, "to": {"21:00"}}, "Choose one of the site&#39;s tracks."},
			"seats":             {url.Values{"change": {"group"}, "track": {track.ID}, "seats": {"0"}, "days": {"1"}, "from": {"18:00"}, "to": {"21:00"}}, "Enter the seats as a number from 1 to 200"},
			"unknown change":    {url.Values{"change": {"drop"}, "days": {"1"}, "from": {"18:00"}, "to": {"21:00"}}, "Choose what to try."},
		} {
			r := whatIf(tc.form)
			if r.StatusCode != 422 || !strings.Contains(r.Body, tc.want) || strings.Contains(r.Body, "what-if-answer") {
				t.Errorf("%s: %d, want 422 with %q", name, r.StatusCode, tc.want)
			}
		}
		if after, _ := e.db.Enrolments(ctx, who.ID); len(after) != len(before) {
			t.Fatal("a what-if changed enrolments")
		}
		for _, role := range []model.Role{model.RoleClinician, model.RoleFrontDesk} {
			if r := e.post(e.signIn(role), "/program/week-builder/what-if", url.Values{"change": {"widen"}, "client": {who.ID}, "days": {"1"}, "from": {"18:00"}, "to": {"21:00"}}); r.StatusCode != 403 {
				t.Errorf("what-if as %s: %d", role, r.StatusCode)
			}
		}
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
		if booked() <= bookedBefore {
			t.Error("apply booked no individual session")
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

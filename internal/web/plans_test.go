package web_test

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// planForm is a complete one-problem plan dated the test clock's day.
func planForm(action string) url.Values {
	return url.Values{"action": {action}, "date": {"2026-11-23"}, "client_statement": {"I want my family to trust me again"},
		"p0.statement": {"Daily alcohol use with failed attempts to cut down"}, "p0.goal": {"Stay sober so I can keep my job"},
		"p0.o0.text": {"Attend 9 hours of groups each week"}, "p0.o0.target": {"2026-12-21"},
		"p0.i0.modality": {"cbt"}, "p0.i0.provider": {"Primary counselor"}, "p0.i0.frequency": {"3 groups a week"}}
}

func TestTreatmentPlanWrittenSignedByClinicianAndClientThenRevised(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		base := "/clients/" + e.client.ID + "/plans"
		before, err := e.db.TreatmentPlans(t.Context(), e.client.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := e.post(c, base, url.Values{})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), base+"/") {
			t.Fatalf("start: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		planPath := r.Header.Get("Location")
		if r := e.get(c, planPath); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Sign and lock") {
			t.Fatalf("draft page: %d", r.StatusCode)
		}

		// Bad input: a target date before the plan, an objective without a goal, a made-up modality.
		bad := planForm("sign")
		bad.Set("p0.o0.target", "2026-11-01")
		bad.Set("p0.goal", "")
		bad.Set("p0.i0.modality", "astrology")
		r = e.post(c, planPath, bad)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cannot be before the plan&#39;s date") ||
			!strings.Contains(r.Body, "own words") || !strings.Contains(r.Body, "Choose a modality") {
			t.Fatalf("bad plan: %d\n%s", r.StatusCode, r.Body)
		}
		id := planPath[strings.LastIndex(planPath, "/")+1:]
		if p, _ := e.db.TreatmentPlan(t.Context(), e.client.ID, id); p.Signed() || (len(before) == 0 && len(p.Problems) != 0) {
			t.Fatalf("a refused plan was stored: %+v", p)
		}

		// Another client's id does not reach the plan; front desk cannot read it.
		other, _, _ := e.db.SearchClients(t.Context(), store.ClientQuery{Text: "", Limit: 5})
		for _, o := range other {
			if o.ID != e.client.ID {
				if r := e.get(c, "/clients/"+o.ID+"/plans/"+id); r.StatusCode != http.StatusNotFound {
					t.Fatalf("plan through another client: %d", r.StatusCode)
				}
				break
			}
		}
		if r := e.get(e.signIn(model.RoleFrontDesk), planPath); r.StatusCode != http.StatusForbidden {
			t.Fatalf("front desk reading a plan: %d", r.StatusCode)
		}

		r = e.post(c, planPath, planForm("sign"))
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d %s", r.StatusCode, r.Body)
		}
		page := e.get(c, planPath)
		if !strings.Contains(page.Body, "Awaiting the client") || !strings.Contains(page.Body, "Attend 9 hours of groups each week") {
			t.Fatalf("signed plan page lacks its state or objective")
		}
		if r := e.post(c, planPath, planForm("draft")); r.StatusCode != http.StatusConflict {
			t.Fatalf("editing a signed version: %d", r.StatusCode)
		}
		if r := e.post(c, planPath+"/client-signature", url.Values{"client_signature": {"Client Name"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "is here with you") {
			t.Fatalf("client signature without the witness confirmation: %d", r.StatusCode)
		}
		if r := e.post(c, planPath+"/client-signature", url.Values{"client_signature": {e.client.FirstName + " " + e.client.LastName}, "present": {"on"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("client signature: %d %s", r.StatusCode, r.Body)
		}
		p, err := e.db.TreatmentPlan(t.Context(), e.client.ID, id)
		if err != nil || !p.Signed() || p.Client.Name != e.client.FirstName+" "+e.client.LastName || p.Witness == "" {
			t.Fatalf("after signatures: %+v %v", p, err)
		}
		if !p.SupervisorNeeded && !p.Complete() {
			t.Fatalf("plan not complete after both signatures: %s", p.Status())
		}

		// A review records progress per objective; a review missing one is refused.
		oid := p.Problems[0].Objectives[0].ID
		if r := e.post(c, planPath+"/reviews", url.Values{"date": {"2026-11-23"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Choose the progress") {
			t.Fatalf("review without progress: %d", r.StatusCode)
		}
		if r := e.post(c, planPath+"/reviews", url.Values{"date": {"2026-11-23"}, "o." + oid + ".progress": {"progressing"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d %s", r.StatusCode, r.Body)
		}

		// A revision is a new version with the same objective; the changes page names what changed.
		r = e.post(c, base, url.Values{})
		rev := r.Header.Get("Location")
		if rev == planPath {
			t.Fatal("revising reopened the signed version")
		}
		changed := planForm("draft")
		changed.Set("p0.o0.id", oid)
		changed.Set("p0.o0.text", "Attend 12 hours of groups each week")
		if r := e.post(c, rev, changed); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving the revision: %d %s", r.StatusCode, r.Body)
		}
		diff := e.get(c, rev+"/changes")
		if diff.StatusCode != http.StatusOK || !strings.Contains(diff.Body, "<del>Attend 9 hours") || !strings.Contains(diff.Body, "<ins>Attend 12 hours") {
			t.Fatalf("changes page: %d\n%s", diff.StatusCode, diff.Body)
		}
		if p, _ := e.db.TreatmentPlan(t.Context(), e.client.ID, id); p.Problems[0].Objectives[0].Text != "Attend 9 hours of groups each week" {
			t.Fatal("the revision changed the signed version")
		}
		if home := e.get(c, "/plans?all=1"); home.StatusCode != http.StatusOK {
			t.Fatalf("plans due: %d", home.StatusCode)
		}
	})
}

// TestCenterModalityInAPlan: the director adds a modality of the center's
// own (a duplicate refused), a clinician's plan picks it, and the signed
// plan and the client's portal name it.
func TestCenterModalityInAPlan(t *testing.T) {
	e := newEnv(t, store.SQLite)
	director := e.signIn(model.RoleClinicalDirector)
	if r := e.post(director, "/program/modalities", url.Values{"label": {"Cognitive behavioral therapy (CBT)"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "already on the list") {
		t.Fatalf("a built-in modality again: %d", r.StatusCode)
	}
	if r := e.post(director, "/program/modalities", url.Values{"label": {"Equine-assisted therapy"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding a modality: %d %s", r.StatusCode, r.Body)
	}
	if page := e.get(director, "/program/modalities").Body; !strings.Contains(page, "Equine-assisted therapy") {
		t.Fatal("the modalities page lacks the new one")
	}
	c := e.signIn(model.RoleClinician)
	base := "/clients/" + e.client.ID + "/plans"
	r := e.post(c, base, url.Values{})
	planPath := r.Header.Get("Location")
	if page := e.get(c, planPath).Body; !strings.Contains(page, `value="equine_assisted_therapy"`) {
		t.Fatal("the plan form does not offer the center's modality")
	}
	form := planForm("sign")
	form.Set("p0.i0.modality", "equine_assisted_therapy")
	if r := e.post(c, planPath, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing with the center's modality: %d %s", r.StatusCode, r.Body)
	}
	if page := e.get(c, planPath).Body; !strings.Contains(page, "<strong>Equine-assisted therapy</strong>") {
		t.Error("the signed plan does not name the center's modality")
	}
}

// TestCurriculumPlansTheGroupTopic: the director writes a track's
// curriculum (a too-short topic refused); the group note of a meeting shows
// the week's topic and a new note starts from it.
func TestCurriculumPlansTheGroupTopic(t *testing.T) {
	e := newEnv(t, store.SQLite) // Monday 23 Nov 2026
	ctx := t.Context()
	director := e.signIn(model.RoleClinicalDirector)
	enrolled, _ := e.db.Enrolments(ctx, e.client.ID)
	if len(enrolled) == 0 {
		t.Fatal("the demo client is in no group")
	}
	sr := enrolled[0].Series
	base := "/program/tracks/" + sr.TrackID
	if r := e.post(director, base+"/curriculum", url.Values{"title": {"ok"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "3 to 120 characters") {
		t.Fatalf("a two-letter topic: %d", r.StatusCode)
	}
	titles := []string{"Triggers and high-risk situations", "Coping with cravings", "Sleep and recovery"}
	for _, title := range titles {
		if r := e.post(director, base+"/curriculum", url.Values{"title": {title}, "summary": {"Skills practice"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("adding %q: %d %s", title, r.StatusCode, r.Body)
		}
	}
	if page := e.get(director, base).Body; !strings.Contains(page, "Coping with cravings") {
		t.Fatal("the track page lacks its curriculum")
	}
	// The week of Nov 23, counted in weeks from the group's first meeting (the domain test counts it by hand).
	meeting := model.Date{Year: 2026, Month: 11, Day: 23}
	for !slices.Contains(sr.Recurrence.Days, meeting.Weekday()) {
		meeting = meeting.AddDays(-1) // the group's latest meeting
	}
	stored, _ := e.db.CurriculumTopics(ctx, sr.TrackID) // the demo's and the three added
	if len(stored) < 3 || stored[len(stored)-1].Title != titles[2] {
		t.Fatalf("stored curriculum %+v", stored)
	}
	want, _ := curriculum.Planned(stored, sr.Recurrence.From, meeting)
	c := e.signIn(model.RoleClinician)
	page := e.get(c, "/program/groups/"+sr.ID+"/note?date="+meeting.String()).Body
	if !strings.Contains(page, "Planned topic this week: <strong>"+want.Title+"</strong>") || !strings.Contains(page, `name="topic" value="`+want.Title+`"`) {
		i := strings.Index(page, "topic")
		t.Errorf("the group note lacks the planned topic %q: %s", want.Title, page[max(0, i-600):min(len(page), i+300)])
	}
}

// TestChartShowsTopicsAttendedAndMissed: a client present at one week's
// group and absent the next sees, on their chart, the first week's topic
// attended and the second's to catch up; the rest of the curriculum is
// ahead of them.
func TestChartShowsTopicsAttendedAndMissed(t *testing.T) {
	e := newEnv(t, store.SQLite) // Monday 23 Nov 2026
	ctx := t.Context()
	c, err := e.db.Client(ctx, e.client.ID)
	if err != nil || c.Current == nil {
		t.Fatalf("the demo client has no open episode: %v", err)
	}
	series, _ := e.db.ListSeries(ctx, store.SeriesFilter{TrackID: c.Current.TrackID})
	enrolled, _ := e.db.Enrolments(ctx, c.ID)
	var sr schedule.Series
	for _, en := range enrolled {
		for _, s := range series {
			if en.Series.ID == s.ID {
				sr = s
			}
		}
	}
	if sr.ID == "" {
		t.Fatal("the client is in no group of their track")
	}
	// The group's last meeting before today, and its last meeting of the week before that.
	latest := func(d model.Date) model.Date {
		for !slices.Contains(sr.Recurrence.Days, d.Weekday()) {
			d = d.AddDays(-1)
		}
		return d
	}
	newer := latest(model.Date{Year: 2026, Month: 11, Day: 22})
	older := latest(newer.AddDays(-((int(newer.Weekday()) + 6) % 7) - 1)) // from the Sunday before newer's week
	if older.Before(c.Current.AdmissionDate) {
		t.Fatalf("the demo client was admitted %s, after the meeting of %s this test marks", c.Current.AdmissionDate, older)
	}
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	r := audit.Record{At: e.clock.Now(), ActorID: clinician.ID, ActorRole: "clinician"}
	for d, status := range map[model.Date]intensity.Status{older: intensity.Present, newer: intensity.AbsentUnexcused} {
		if err := e.db.SaveAttendance(ctx, sr.ID, d, []intensity.Mark{{ClientID: c.ID, Status: status}}, clinician.ID, r); err != nil {
			t.Fatalf("attendance on %s: %v", d, err)
		}
	}
	topics, _ := e.db.CurriculumTopics(ctx, sr.TrackID)
	went, _ := curriculum.Planned(topics, sr.Recurrence.From, older)
	missed, _ := curriculum.Planned(topics, sr.Recurrence.From, newer)
	if went.Title == missed.Title || len(topics) < 3 {
		t.Fatalf("the two weeks plan %q and %q of %d topics", went.Title, missed.Title, len(topics))
	}
	page := e.get(e.signIn(model.RoleClinician), "/clients/"+c.ID).Body
	i := strings.Index(page, "Psychoeducation topics")
	if i < 0 {
		t.Fatal("the chart has no topics card")
	}
	card := page[i:]
	card = card[:strings.Index(card, "</section>")]
	for _, want := range []string{
		html.EscapeString(went.Title) + `</span>` + "\n" + `<span class="badge badge-ok">attended ` + older.Format("Jan 2, 2006"),
		html.EscapeString(missed.Title) + `</span>` + "\n" + `<span class="badge badge-warn">missed ` + newer.Format("Jan 2, 2006") + `: to catch up`,
	} {
		if !strings.Contains(card, want) {
			t.Errorf("the topics card lacks %q:\n%s", want, card)
		}
	}
	if n := strings.Count(card, "not reached yet"); n != len(topics)-2 {
		t.Errorf("%d topics ahead, want %d", n, len(topics)-2)
	}
}

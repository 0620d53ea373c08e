package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// xssPayload breaks out of an attribute and opens a script and an element
// with a handler; escaped output shows it as text.
const (
	xssPayload = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`
	xssShort   = `<script>alert(1)</script>` // for fields of at most 40 characters
)

// unescaped reports whether a page carries the payload as markup.
func unescaped(body string) bool {
	return strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x onerror")
}

// TestStoredTextIsEscapedOnEveryPage stores the payload through the text
// fields of the privacy features and the chart (demographics, consent,
// release note, relapse-prevention plan, emergency-access reason), then reads
// every client page and print view, the lists and the reports as the roles
// that see them: none may carry it as markup.
func TestStoredTextIsEscapedOnEveryPage(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := t.Context()
		fields := 0
		c := e.client
		c.PreferredName, c.Pronouns, c.Address, c.EmergencyName, c.EmergencyRel = xssPayload, xssShort, xssPayload, xssPayload, xssShort
		if err := e.db.UpdateClient(ctx, &c, audit.Record{ActorID: "test"}); err != nil {
			t.Fatal(err)
		}
		fields += 5
		clinician := e.signIn(model.RoleClinician)
		base := "/clients/" + c.ID
		form := url.Values{"recipient_kind": {"organization"}, "recipient_name": {"Clinic " + xssPayload}, "recipient_detail": {xssPayload},
			"purpose": {"other"}, "purpose_detail": {xssPayload}, "categories": {"enrollment", "relapse_plan"}, "expiry": {"end_of_treatment"},
			"signer_name": {c.FirstName + " " + c.LastName}, "signer_authority": {"client"}, "signed_on": {"2026-11-20"}, "statements_given": {"yes"}}
		if r := e.post(clinician, base+"/consents", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("consent: %d", r.StatusCode)
		}
		fields += 3
		list, _ := e.db.Consents(ctx, c.ID)
		var consentID string
		for _, k := range list {
			if strings.HasPrefix(k.Recipient.Name, "Clinic ") {
				consentID = k.ID
			}
		}
		plan := relapse.Plan{ClientID: c.ID, Triggers: []relapse.Cue{{Text: xssPayload, Coping: xssPayload}}, Reasons: []string{xssPayload}, AfterLapse: xssPayload}
		u, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
		plans, _ := e.db.RelapsePlans(ctx, c.ID)
		baseVersion := 0
		if len(plans) > 0 {
			baseVersion = plans[0].Version
		}
		if err := e.db.SaveRelapsePlan(ctx, &plan, baseVersion, relapse.AuthorStaff, u.ID, u.Name, audit.Record{ActorID: u.ID}); err != nil {
			t.Fatal(err)
		}
		fields += 4
		r := e.post(clinician, base+"/release", url.Values{"consent": {consentID}, "categories": {"enrollment", "relapse_plan"}, "note": {xssPayload}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("release: %d %s", r.StatusCode, r.Body)
		}
		fields++
		packet := r.Header.Get("Location")
		other, _ := outsider(t, e)
		if r := e.post(clinician, "/emergency-access", url.Values{"mrn": {other.MRN}, "reason": {"Crisis " + xssPayload}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("emergency access: %d", r.StatusCode)
		}
		fields++
		// A refused form echoes what was typed: it must be escaped too.
		echo := e.post(clinician, base+"/consents", url.Values{"recipient_name": {xssPayload}, "recipient_detail": {xssPayload}})
		if echo.StatusCode != http.StatusUnprocessableEntity || unescaped(echo.Body) {
			t.Errorf("the refused consent form echoes the payload as markup (%d)", echo.StatusCode)
		}

		director := e.signIn(model.RoleClinicalDirector)
		pages := []struct {
			who  *http.Client
			path string
		}{
			{clinician, packet}, {clinician, base + "/consents/" + consentID}, {director, "/home"},
			{director, "/admin/privacy?mrn=" + url.QueryEscape(other.MRN)}, {e.signIn(model.RoleAdmin), "/admin/audit"},
			{clinician, "/home"}, {e.signIn(model.RoleFrontDesk), base},
		}
		for _, rt := range e.srv.Routes() {
			if rt.Method == "GET" && strings.HasPrefix(rt.Pattern, "/clients/{id}") && !strings.Contains(strings.TrimPrefix(rt.Pattern, "/clients/{id}"), "{") {
				pages = append(pages, struct {
					who  *http.Client
					path string
				}{clinician, strings.Replace(rt.Pattern, "{id}", c.ID, 1)})
			}
		}
		read, carried, shown := 0, 0, 0
		for _, p := range pages {
			r := e.get(p.who, p.path)
			if r.StatusCode >= 500 {
				t.Errorf("%s: %d", p.path, r.StatusCode)
			}
			read++
			if unescaped(r.Body) {
				carried++
				t.Errorf("%s carries the payload as markup", p.path)
			}
			if strings.Contains(r.Body, "&lt;script&gt;alert(1)") {
				shown++ // shown as text, as it should be
			}
		}
		if read < 18 || shown < 10 {
			t.Fatalf("only %d pages read, %d showing the stored text: the probe reaches too little", read, shown)
		}
		t.Logf("xss-probe: fields=%d pages=%d shown_as_text=%d unescaped=%d", fields, read, shown, carried)
	})
}

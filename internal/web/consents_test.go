package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/submission"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestConsentRecordedPrintedAndRevoked(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleAdmissions)
		path := "/clients/" + e.client.ID + "/consents"
		// The demo client signed the consent for treatment, payment and operations at admission.
		if page := e.get(c, path); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "My treating providers, health plans") {
			t.Fatalf("consents page: %d", page.StatusCode)
		}
		before, _ := e.db.Consents(t.Context(), e.client.ID)
		form := url.Values{"recipient_kind": {"organization"}, "recipient_name": {"Riverside Clinic"}, "recipient_detail": {"Dr. Lee, 12 Elm St"},
			"categories": {"enrollment", "discharge"}, "expiry": {"date"}, "expires_on": {"2099-06-01"},
			"signer_name": {e.client.FirstName + " " + e.client.LastName}, "signer_authority": {"client"}, "signed_on": {"2026-01-05"},
			"statements_given": {"yes"}}
		r := e.post(c, path, form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "§2.31(a)(5)") || !strings.Contains(r.Body, "Riverside Clinic") {
			t.Fatalf("a consent without a purpose: %d", r.StatusCode)
		}
		if list, _ := e.db.Consents(t.Context(), e.client.ID); len(list) != len(before) {
			t.Fatal("a refused consent was stored")
		}
		form.Set("purpose", "treatment")
		if r := e.post(c, path, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("record: %d %s", r.StatusCode, r.Body)
		}
		k := newConsent(t, e, before)
		if k.Recipient.Name != "Riverside Clinic" || k.ClientName != e.client.FirstName+" "+e.client.LastName || k.Discloser == "" {
			t.Fatalf("stored: %+v", k)
		}
		id := k.ID
		page := e.get(c, path)
		if !strings.Contains(page.Body, "Riverside Clinic") || !strings.Contains(page.Body, "Discharge summary and aftercare plan") || !strings.Contains(page.Body, "In force") {
			t.Fatalf("the consent is not listed with its state")
		}
		copy := e.get(c, path+"/"+id)
		if copy.StatusCode != http.StatusOK || !strings.Contains(copy.Body, "revoke this consent in writing") || !strings.Contains(copy.Body, "42 CFR part 2 prohibits") {
			t.Fatalf("printable copy: %d", copy.StatusCode)
		}
		if r := e.get(c, "/clients/"+model.NewID()+"/consents/"+id); r.StatusCode != http.StatusNotFound {
			t.Fatalf("the consent through another client's path: %d", r.StatusCode)
		}
		if r := e.post(c, path+"/"+id+"/revoke", url.Values{"note": {""}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "written revocation") {
			t.Fatalf("a revocation without a note: %d", r.StatusCode)
		}
		if r := e.post(c, path+"/"+id+"/revoke", url.Values{"note": {"Signed letter at the front desk"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
		}
		if r := e.post(c, path+"/"+id+"/revoke", url.Values{"note": {"again"}}); r.StatusCode != http.StatusConflict {
			t.Fatalf("revoking twice: %d", r.StatusCode)
		}
		if copy := e.get(c, path+"/"+id); !strings.Contains(copy.Body, "Signed letter at the front desk") {
			t.Fatal("the printable copy does not show the revocation")
		}
		if acc := e.get(c, "/clients/"+e.client.ID+"/disclosures"); acc.StatusCode != http.StatusOK || !strings.Contains(acc.Body, "Nothing from this record has been disclosed") {
			t.Fatalf("accounting: %d", acc.StatusCode)
		}
		if r := e.get(e.signIn(model.RoleBiller), path); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a biller reading consents: %d", r.StatusCode)
		}
	})
}

// recordConsent stores a signed consent for the env's client through the
// form, as staff would, and returns its id.
func recordConsent(t *testing.T, e *env, c *http.Client, kind, recipient, purpose string, categories ...string) string {
	t.Helper()
	before, _ := e.db.Consents(t.Context(), e.client.ID)
	form := url.Values{"recipient_kind": {kind}, "recipient_name": {recipient}, "purpose": {purpose},
		"categories": categories, "expiry": {"end_of_treatment"},
		"signer_name": {e.client.FirstName + " " + e.client.LastName}, "signer_authority": {"client"}, "signed_on": {"2026-11-20"},
		"statements_given": {"yes"}}
	if r := e.post(c, "/clients/"+e.client.ID+"/consents", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("record consent: %d %s", r.StatusCode, r.Body)
	}
	return newConsent(t, e, before).ID
}

// newConsent is the env client's one consent that is not among before.
func newConsent(t *testing.T, e *env, before []consent.Consent) consent.Consent {
	t.Helper()
	list, err := e.db.Consents(t.Context(), e.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	var added []consent.Consent
	for _, k := range list {
		if !slices.ContainsFunc(before, func(b consent.Consent) bool { return b.ID == k.ID }) {
			added = append(added, k)
		}
	}
	if len(added) != 1 {
		t.Fatalf("%d consents added, want 1", len(added))
	}
	return added[0]
}

func TestReleaseUnderAConsentCarriesTheNoticeAndIsAccounted(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		base := "/clients/" + e.client.ID
		// A client who has signed nothing: nothing can be released.
		fresh := model.Client{FirstName: "Noor", LastName: "Haddad", DateOfBirth: model.Date{Year: 1988, Month: 3, Day: 9}, Phone: "(312) 555-0188"}
		if err := e.db.CreateClient(t.Context(), &fresh, audit.Record{ActorID: "test"}); err != nil {
			t.Fatal(err)
		}
		director := e.signIn(model.RoleClinicalDirector) // the new client is on nobody's care team yet
		if r := e.get(director, "/clients/"+fresh.ID+"/release"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "No consent is in force") {
			t.Fatalf("release with no consent: %d", r.StatusCode)
		}
		if r := e.post(director, "/clients/"+fresh.ID+"/release", url.Values{"consent": {model.NewID()}, "categories": {"enrollment"}}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a release under a consent that is not on file: %d", r.StatusCode)
		}
		id := recordConsent(t, e, c, "organization", "Riverside Clinic", "treatment", "demographics", "enrollment", "attendance")
		form := e.get(c, base+"/release?consent="+id)
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `value="attendance" checked`) || !strings.Contains(form.Body, "not in this consent") {
			t.Fatalf("release form: %d", form.StatusCode)
		}

		// Information the consent does not name is refused, and nothing is recorded.
		head := e.auditHead()
		r := e.post(c, base+"/release", url.Values{"consent": {id}, "categories": {"enrollment", "drug_screens"}})
		if r.StatusCode == http.StatusForbidden {
			if form := e.get(c, base+"/release?consent="+id); !strings.Contains(form.Body, `value="drug_screens" disabled`) {
				t.Error("the form offers information the consent does not cover")
			}
		}
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "does not cover drug and alcohol test results") {
			t.Fatalf("a category outside the consent: %d", r.StatusCode)
		}
		if list, _ := e.db.Disclosures(t.Context(), e.client.ID); len(list) != 0 {
			t.Fatal("a refused release was recorded")
		}
		refused := false
		for _, a := range e.auditSince(head) {
			refused = refused || a.Action == "disclose" && a.Outcome == "denied" && a.ClientID == e.client.ID
		}
		if !refused {
			t.Fatal("the refusal left no audit record")
		}
		if r := e.post(c, base+"/release", url.Values{"consent": {id}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose the information") {
			t.Fatalf("no categories: %d", r.StatusCode)
		}

		r = e.post(c, base+"/release", url.Values{"consent": {id}, "categories": {"demographics", "enrollment"}, "note": {"Faxed to 555-0142"}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), base+"/disclosures/") {
			t.Fatalf("release: %d %s", r.StatusCode, r.Body)
		}
		packet := e.get(c, r.Header.Get("Location"))
		for _, want := range []string{"protected by Federal confidentiality rules (42 CFR part 2)", "Disclosed with the written consent of",
			"Riverside Clinic", e.client.MRN, "Level of care", "Faxed to 555-0142"} {
			if !strings.Contains(packet.Body, want) {
				t.Errorf("the printed release lacks %q", want)
			}
		}
		if strings.Contains(packet.Body, `id="sec-attendance"`) {
			t.Error("the release carries information that was not chosen")
		}
		list, _ := e.db.Disclosures(t.Context(), e.client.ID)
		if len(list) != 1 || list[0].ConsentID != id || list[0].Channel != "print" || list[0].Notice == "" || len(list[0].Packet.Sections) != 2 {
			t.Fatalf("accounting: %+v", list)
		}
		if acc := e.get(c, base+"/disclosures"); !strings.Contains(acc.Body, "Riverside Clinic") || !strings.Contains(acc.Body, "Printed release") {
			t.Fatalf("the accounting does not list the release: %s", acc.Body)
		}
		if r := e.get(c, "/clients/"+model.NewID()+"/disclosures/"+list[0].ID); r.StatusCode != http.StatusNotFound {
			t.Fatalf("the release through another client's path: %d", r.StatusCode)
		}
		if r := e.get(e.signIn(model.RoleAdmissions), r.Header.Get("Location")); r.StatusCode != http.StatusForbidden {
			t.Fatalf("admissions reading a released packet: %d", r.StatusCode)
		}

		// Revoked: a form drawn before the revocation is refused after it.
		if r := e.post(c, base+"/consents/"+id+"/revoke", url.Values{"note": {"Phone call, confirmed in writing"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.StatusCode)
		}
		r = e.post(c, base+"/release", url.Values{"consent": {id}, "categories": {"demographics"}})
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "was revoked") {
			t.Fatalf("release after revocation: %d", r.StatusCode)
		}
		if list, _ := e.db.Disclosures(t.Context(), e.client.ID); len(list) != 1 {
			t.Fatalf("disclosures after a refused release: %d", len(list))
		}
	})
}

func TestReleaseUnderTheTPOConsentNamesTheRecipient(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		base := "/clients/" + e.client.ID
		// The demo client's consent for treatment, payment and operations.
		var id string
		list, _ := e.db.Consents(t.Context(), e.client.ID)
		for _, k := range list {
			if k.Purpose == consent.PurposeTPO {
				id = k.ID
			}
		}
		if id == "" {
			t.Fatal("the demo client has no TPO consent")
		}
		r := e.post(c, base+"/release", url.Values{"consent": {id}, "categories": {"enrollment"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Name the provider") {
			t.Fatalf("a TPO release without a recipient: %d", r.StatusCode)
		}
		r = e.post(c, base+"/release", url.Values{"consent": {id}, "categories": {"enrollment", "treatment_plan"}, "recipient": {"Lakeside Health Plan"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("release: %d %s", r.StatusCode, r.Body)
		}
		done, _ := e.db.Disclosures(t.Context(), e.client.ID)
		if len(done) != 1 || done[0].Recipient != "Lakeside Health Plan" || done[0].ConsentID != id {
			t.Fatalf("accounting: %+v", done)
		}
		if p := e.get(c, r.Header.Get("Location")); !strings.Contains(p.Body, "Treatment plan and progress") || !strings.Contains(p.Body, "Lakeside Health Plan") {
			t.Fatal("the printed release lacks its sections or recipient")
		}
	})
}

// TestAConsentFormSentTwiceSavesOnce: the consent form carries a key; sent
// twice (a double click, or a retry after the answer was lost) it saves one
// consent, and the second answer goes where the first did.
func TestAConsentFormSentTwiceSavesOnce(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleAdmissions)
	page := e.get(c, "/clients/"+e.client.ID+"/consents").Body
	m := regexp.MustCompile(`name="idempotency_key" value="([A-Za-z0-9_-]{16,})"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the consent form carries no submission key")
	}
	if again := e.get(c, "/clients/"+e.client.ID+"/consents").Body; strings.Contains(again, m[1]) {
		t.Error("the form's key is the same on a second showing")
	}
	before, _ := e.db.Consents(t.Context(), e.client.ID)
	form := url.Values{"recipient_kind": {"organization"}, "recipient_name": {"Riverside Clinic"}, "purpose": {"treatment"},
		"categories": {consent.CatEnrollment}, "expiry": {"end_of_treatment"}, "signer_name": {e.client.FirstName + " " + e.client.LastName},
		"signer_authority": {"client"}, "signed_on": {"2026-11-20"}, "statements_given": {"yes"}, "idempotency_key": {m[1]}}
	first := e.post(c, "/clients/"+e.client.ID+"/consents", form)
	second := e.post(c, "/clients/"+e.client.ID+"/consents", form)
	if first.StatusCode != http.StatusSeeOther || second.StatusCode != http.StatusSeeOther || second.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("first %d %s, second %d %s", first.StatusCode, first.Header.Get("Location"), second.StatusCode, second.Header.Get("Location"))
	}
	after, _ := e.db.Consents(t.Context(), e.client.ID)
	if len(after) != len(before)+1 {
		t.Fatalf("%d consents after sending the form twice, want %d", len(after), len(before)+1)
	}
	form.Set("idempotency_key", submission.NewKey())
	if r := e.post(c, "/clients/"+e.client.ID+"/consents", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new form: %d", r.StatusCode)
	}
	if list, _ := e.db.Consents(t.Context(), e.client.ID); len(list) != len(before)+2 {
		t.Errorf("a new key saves again: %d consents", len(list))
	}
}

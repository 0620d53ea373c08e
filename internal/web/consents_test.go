package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestConsentRecordedPrintedAndRevoked(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleAdmissions)
		path := "/clients/" + e.client.ID + "/consents"
		if page := e.get(c, path); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "No consents on file") {
			t.Fatalf("consents page: %d", page.StatusCode)
		}
		form := url.Values{"recipient_kind": {"organization"}, "recipient_name": {"Riverside Clinic"}, "recipient_detail": {"Dr. Lee, 12 Elm St"},
			"categories": {"enrollment", "discharge"}, "expiry": {"date"}, "expires_on": {"2099-06-01"},
			"signer_name": {e.client.FirstName + " " + e.client.LastName}, "signer_authority": {"client"}, "signed_on": {"2026-01-05"},
			"statements_given": {"yes"}}
		r := e.post(c, path, form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "§2.31(a)(5)") || !strings.Contains(r.Body, "Riverside Clinic") {
			t.Fatalf("a consent without a purpose: %d", r.StatusCode)
		}
		if list, _ := e.db.Consents(t.Context(), e.client.ID); len(list) != 0 {
			t.Fatal("a refused consent was stored")
		}
		form.Set("purpose", "treatment")
		if r := e.post(c, path, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("record: %d %s", r.StatusCode, r.Body)
		}
		list, _ := e.db.Consents(t.Context(), e.client.ID)
		if len(list) != 1 || list[0].ClientName != e.client.FirstName+" "+e.client.LastName || list[0].Discloser == "" {
			t.Fatalf("stored: %+v", list)
		}
		id := list[0].ID
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

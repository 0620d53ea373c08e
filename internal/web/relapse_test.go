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

func TestRelapsePlanWrittenChangedAndVersioned(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		path := "/clients/" + e.client.ID + "/relapse-plan"
		page := e.get(c, path)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "In a crisis, first") || !strings.Contains(page.Body, `href="tel:988"`) ||
			!strings.Contains(page.Body, `href="tel:911"`) {
			t.Fatalf("the plan page does not lead with the crisis steps: %d", page.StatusCode)
		}
		before, _ := e.db.RelapsePlans(t.Context(), e.client.ID)
		base := "0"
		if len(before) > 0 {
			base = strings.TrimSpace(strings.Split(strings.Split(page.Body, `name="base_version" value="`)[1], `"`)[0])
		}
		form := url.Values{"base_version": {base}, "trigger0.text": {"Payday Fridays"}, "trigger0.coping": {"Give my card to my sister"},
			"contact0.name": {"Rosalind"}, "contact0.relationship": {"sponsor"}, "contact0.phone": {"12"}, "reason0.text": {"My kids"}}
		r := e.post(c, path, form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "at least 7 digits") || !strings.Contains(r.Body, "Payday Fridays") {
			t.Fatalf("a contact without a usable phone: %d", r.StatusCode)
		}
		if after, _ := e.db.RelapsePlans(t.Context(), e.client.ID); len(after) != len(before) {
			t.Fatal("a refused plan was stored")
		}
		form.Set("contact0.phone", "(312) 555-0188")
		if r := e.post(c, path, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.StatusCode, r.Body)
		}
		// The same stale form again: someone saved since it was opened.
		if r := e.post(c, path, form); r.StatusCode != http.StatusConflict {
			t.Fatalf("a save from a stale version: %d", r.StatusCode)
		}
		page = e.get(c, path)
		if !strings.Contains(page.Body, "Payday Fridays") || !strings.Contains(page.Body, "<ins>Rosalind (sponsor), (312) 555-0188</ins>") {
			t.Fatalf("the saved version or its changes are missing")
		}
		card := e.get(c, path+"/card")
		_, wallet, _ := strings.Cut(card.Body, `class="wallet-card"`)
		wallet, _, _ = strings.Cut(wallet, "</main>")
		if card.StatusCode != http.StatusOK || !strings.Contains(wallet, "988") || !strings.Contains(wallet, "Payday Fridays") ||
			strings.Contains(wallet, e.client.LastName) || strings.Contains(wallet, "Riverbend") {
			t.Fatalf("wallet card: %d, or it names the client or the center:\n%s", card.StatusCode, wallet)
		}
		if r := e.get(e.signIn(model.RoleBiller), path); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a biller reading the plan: %d", r.StatusCode)
		}
	})
}

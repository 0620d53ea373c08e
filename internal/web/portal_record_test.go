package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/fhir/fhirtest"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestPortalRecordDownload: a client downloads their own record (right of
// access) as one FHIR Bundle that an independent validator accepts, with
// nothing of another client's in it, and the download is audited.
func TestPortalRecordDownload(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		client := e.joinPortal(e.invite(e.signIn(model.RoleClinician), e.client.ID), "ana.portal")
		if page := e.get(client, "/portal/settings"); !strings.Contains(page.Body, `href="/portal/record.json"`) {
			t.Error("the settings page offers no download of the record")
		}
		before := e.auditHead()
		r := e.get(client, "/portal/record.json")
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/fhir+json") {
			t.Fatalf("download: %d %v", r.StatusCode, r.Header)
		}
		var b struct {
			ResourceType, Type string
			Entry              []struct{ Resource json.RawMessage }
		}
		if err := json.Unmarshal([]byte(r.Body), &b); err != nil || b.ResourceType != "Bundle" || b.Type != "collection" {
			t.Fatalf("not a collection Bundle: %v", err)
		}
		other := e.otherClient()
		patients := 0
		for _, en := range b.Entry {
			var x struct{ ResourceType, ID string }
			_ = json.Unmarshal(en.Resource, &x)
			if x.ResourceType == "Patient" {
				patients++
				if x.ID != e.client.ID {
					t.Errorf("another client's Patient %s", x.ID)
				}
			}
			if strings.Contains(string(en.Resource), other.ID) {
				t.Errorf("%s/%s mentions another client", x.ResourceType, x.ID)
			}
		}
		if patients != 1 || len(b.Entry) < 5 {
			t.Errorf("%d patients, %d entries", patients, len(b.Entry))
		}
		recs := e.auditSince(before)
		if len(recs) == 0 || recs[len(recs)-1].Action != audit.ActionExport || recs[len(recs)-1].ClientID != e.client.ID {
			t.Errorf("the download was not audited: %+v", recs)
		}
		if db.Engine == store.SQLite {
			fhirtest.RequireValid(t, [][]byte{[]byte(r.Body)})
		}
		// Staff have no such page.
		if r := e.get(e.signIn(model.RoleClinician), "/portal/record.json"); r.StatusCode == http.StatusOK {
			t.Errorf("a staff session downloaded a portal record: %d", r.StatusCode)
		}
	})
}

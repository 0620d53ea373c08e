package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/api"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/fhir/fhirtest"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestFHIRDemoCenterValidates serves the demo center, with its weeks of
// history, and has @medplum/core validate every resource the server
// produces for it: every page of every type's search, each resource read
// by id once per type, $everything for a few clients, the
// CapabilityStatement and an OperationOutcome. 0 errors.
func TestFHIRDemoCenterValidates(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		today := model.DateOf(time.Now().In(demo.Organization.Location()))
		if err := demo.Generate(ctx, db, demo.Options{Clients: 55, Seed: 7, Today: today, PasswordHash: "x", HistoryDays: 21}); err != nil {
			t.Fatal(err)
		}
		batcher := audit.NewBatcher(db, 64)
		t.Cleanup(batcher.Close)
		ts := httptest.NewServer(api.NewHandler(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: db, Audit: batcher, Now: time.Now}))
		t.Cleanup(ts.Close)
		director, err := db.UserByEmail(ctx, "director@demo.openiop.org")
		if err != nil {
			t.Fatal(err)
		}
		tok := scopedToken(t, db, director, "validation", "user/*.read", false)
		var docs [][]byte
		raw := func(path string) []byte {
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 && !strings.Contains(path, "nothing") {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
			}
			docs = append(docs, b)
			return b
		}
		counts := map[string]int{}
		var patients []string
		for _, typ := range fhir.Types {
			next := "/fhir/R4/" + typ + "?_count=200"
			first := ""
			for next != "" {
				var b struct {
					Entry []struct{ Resource json.RawMessage }
					Link  []struct{ Relation, URL string }
				}
				if err := json.Unmarshal(raw(next), &b); err != nil {
					t.Fatal(err)
				}
				next = ""
				for _, l := range b.Link {
					if l.Relation == "next" {
						next = strings.TrimPrefix(l.URL, ts.URL)
					}
				}
				for _, e := range b.Entry {
					docs = append(docs, e.Resource)
					var id struct{ ID string }
					_ = json.Unmarshal(e.Resource, &id)
					if first == "" {
						first = id.ID
					}
					if typ == "Patient" {
						patients = append(patients, id.ID)
					}
					counts[typ]++
				}
			}
			if first == "" {
				t.Errorf("the demo center has no %s", typ)
				continue
			}
			raw("/fhir/R4/" + typ + "/" + first)
		}
		for _, p := range patients[:3] {
			raw("/fhir/R4/Patient/" + p + "/$everything")
		}
		raw("/fhir/R4/metadata")
		raw("/fhir/R4/Observation/nothing")
		n := fhirtest.RequireValid(t, docs)
		t.Logf("validated %d documents: %v", n, counts)
		// More clients than one page of the store's client list: every one is served.
		if n, err := db.CountClients(ctx); err != nil || counts["Patient"] != n || n != 55 {
			t.Errorf("%d Patients served, %d clients, %v", counts["Patient"], n, err)
		}
		if counts["Observation"] < 50 || counts["Encounter"] < 50 {
			t.Errorf("too few resources to be a real check: %v", counts)
		}
	})
}

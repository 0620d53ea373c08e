package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestExportRoundTrips exports the demo center and counts the lines of
// each NDJSON file, and the note files, against what the database holds,
// read through the store rather than the FHIR mapping; every line is a
// resource of its file's type, every reference resolves inside the
// archive, and each client's export is audited.
func TestExportRoundTrips(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args := dbArgs(t, e)
			if _, _, err := iop(t, "", append([]string{"demo", "--clients", "230", "--seed", "3"}, args...)...); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "archive")
			stdout, stderr, err := iop(t, "", append([]string{"export", "--all", "--out", out}, args...)...)
			if err != nil {
				t.Fatalf("export: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "Exporting records") || !strings.Contains(stdout, "230 client records") {
				t.Errorf("stdout %q stderr %q", stdout, stderr)
			}
			ctx := context.Background()
			o := store.Options{DataDir: args[1]}
			if args[0] == "--database-url" {
				o = store.Options{DatabaseURL: args[1]}
			}
			db, err := store.Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			want := map[string]int{"Organization": 1, "Questionnaire": len(instrument.All())}
			users, _ := db.Users(ctx)
			sites, _ := db.Sites(ctx)
			want["Practitioner"], want["Location"] = len(users), len(sites)
			// Every client, in the pages the store gives (more than one page).
			var clients []model.Client
			for off := 0; ; off += 200 {
				page, _, err := db.SearchClients(ctx, store.ClientQuery{Limit: 200, Offset: off})
				if err != nil {
					t.Fatal(err)
				}
				clients = append(clients, page...)
				if len(page) < 200 {
					break
				}
			}
			if n, err := db.CountClients(ctx); err != nil || n != 230 || len(clients) != 230 {
				t.Fatalf("clients: %d listed, %d counted, %v", len(clients), n, err)
			}
			notes := 0
			now := time.Now()
			for _, c := range clients {
				want["Patient"]++
				eps, _ := db.Episodes(ctx, c.ID)
				want["EpisodeOfCare"] += len(eps)
				for _, ep := range eps {
					want["Condition"] += len(ep.Diagnoses)
				}
				ms, _ := db.Measures(ctx, c.ID)
				want["Observation"] += len(ms)
				want["QuestionnaireResponse"] += len(ms)
				screens, _ := db.Screens(ctx, c.ID)
				for _, s := range screens {
					if s.Outcome == "collected" {
						want["Observation"] += len(s.Results)
					} else {
						want["Observation"]++
					}
				}
				marks, _ := db.ClientMarks(ctx, c.ID, model.Date{Year: 1900, Month: 1, Day: 1})
				for _, m := range marks {
					if m.Status == intensity.Present || m.Status == intensity.Late || m.Status == intensity.LeftEarly {
						want["Encounter"]++
					}
				}
				appts, _ := db.Appointments(ctx, store.AppointmentFilter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
					To: now.AddDate(5, 0, 0), ClientID: c.ID, IncludeCancelled: true})
				want["Appointment"] += len(appts)
				for _, a := range appts {
					if !a.Cancelled && !a.NoShow && a.End.Before(now) {
						want["Encounter"]++
					}
				}
				plans, _ := db.TreatmentPlans(ctx, c.ID)
				want["CarePlan"] += len(plans)
				cs, _ := db.Consents(ctx, c.ID)
				want["Consent"] += len(cs)
				g, _ := db.ClientGroupNotes(ctx, c.ID)
				notes += len(g)
				ss, _ := db.ClientSessionNotes(ctx, c.ID)
				for _, s := range ss {
					if s.Signed {
						notes++
					}
				}
			}
			ids := map[string]bool{}
			var refs []string
			got := map[string]int{}
			files, _ := filepath.Glob(filepath.Join(out, "*.ndjson"))
			for _, f := range files {
				typ := strings.TrimSuffix(filepath.Base(f), ".ndjson")
				fh, err := os.Open(f)
				if err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(fh)
				sc.Buffer(make([]byte, 1<<20), 1<<24)
				for sc.Scan() {
					var r map[string]any
					if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r["resourceType"] != typ {
						t.Fatalf("%s: a line of type %v, %v", f, r["resourceType"], err)
					}
					got[typ]++
					ids[typ+"/"+r["id"].(string)] = true
					for _, part := range strings.Split(sc.Text(), `"reference":"`)[1:] {
						refs = append(refs, part[:strings.IndexByte(part, '"')])
					}
				}
				fh.Close()
			}
			for typ, n := range want {
				if got[typ] != n {
					t.Errorf("%s: %d lines, the database has %d", typ, got[typ], n)
				}
			}
			if want["Observation"] < 20 || want["Encounter"] < 20 || notes < 5 {
				t.Errorf("too little history to be a real check: %v, %d notes", want, notes)
			}
			for _, r := range refs {
				if !ids[r] {
					t.Errorf("the reference %s does not resolve inside the archive", r)
					break
				}
			}
			noteFiles, _ := filepath.Glob(filepath.Join(out, "notes", "*", "*.txt"))
			if len(noteFiles) != notes {
				t.Errorf("%d note files, the database has %d signed notes", len(noteFiles), notes)
			}
			var m struct {
				Output []struct {
					Type, URL string
					Count     int
				}
				Clients int
			}
			b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err := json.Unmarshal(b, &m); err != nil || m.Clients != 230 || len(m.Output) != len(got) {
				t.Errorf("manifest: %+v %v", m, err)
			}
			for _, o := range m.Output {
				if o.Count != got[o.Type] || o.URL != o.Type+".ndjson" {
					t.Errorf("manifest entry %+v, file has %d", o, got[o.Type])
				}
			}
			if readme, _ := os.ReadFile(filepath.Join(out, "README.md")); !strings.Contains(string(readme), "42 CFR part 2") || !strings.Contains(string(readme), "Patient.ndjson") {
				t.Errorf("README:\n%s", readme)
			}
			exports := 0
			for r, err := range db.AuditRecords(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				if r.Action == audit.ActionExport && r.Category == "client.export" && r.ClientID != "" {
					exports++
				}
			}
			if exports != 230 {
				t.Errorf("%d audited exports, want 230", exports)
			}
			// One client, and the mistakes.
			one := filepath.Join(t.TempDir(), "one")
			if _, _, err := iop(t, "", append([]string{"export", "--client", clients[0].ID, "--out", one}, args...)...); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(one, "Patient.ndjson")); strings.Count(string(b), "\n") != 1 {
				t.Errorf("a one-client export has %d patients", strings.Count(string(b), "\n"))
			}
			if _, _, err := iop(t, "", append([]string{"export", "--client", clients[0].ID, "--out", one}, args...)...); err == nil {
				t.Error("an export into a full directory")
			}
			if _, _, err := iop(t, "", append([]string{"export"}, args...)...); err == nil {
				t.Error("an export of nobody")
			}
		})
	}
}

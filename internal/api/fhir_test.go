package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// fhirGet calls the FHIR API with token and returns the status, the
// headers and the body as JSON.
func fhirGet(t *testing.T, base, token, path string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("GET %s: not JSON: %v\n%s", path, err, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/fhir+json") {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	return resp.StatusCode, resp.Header, out
}

func scopedToken(t *testing.T, db *store.DB, u model.User, name, scopes string, outside bool) string {
	t.Helper()
	ss, err := fhir.ParseScopes(scopes)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateScopedAPIToken(context.Background(), u.ID, name, ss.String(), outside, rec())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func entries(b map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := b["entry"].([]any)
	for _, e := range list {
		out = append(out, e.(map[string]any)["resource"].(map[string]any))
	}
	return out
}

func outcomeText(b map[string]any) string {
	issues, _ := b["issue"].([]any)
	if b["resourceType"] != "OperationOutcome" || len(issues) == 0 {
		return ""
	}
	is := issues[0].(map[string]any)
	d, _ := is["details"].(map[string]any)
	s, _ := d["text"].(string)
	return s
}

func TestFHIRMetadataIsPublicAndTokensNeedScopes(t *testing.T) {
	f := newCalendarFixture(t, store.SQLite)
	code, _, cap := fhirGet(t, f.ts.URL, "", "/fhir/R4/metadata")
	if code != 200 || cap["resourceType"] != "CapabilityStatement" || cap["fhirVersion"] != "4.0.1" {
		t.Fatalf("metadata: %d %v", code, cap)
	}
	if code, _, out := fhirGet(t, f.ts.URL, "", "/fhir/R4/Patient"); code != 401 || out["resourceType"] != "OperationOutcome" {
		t.Errorf("no token: %d %v", code, out)
	}
	// A token made before scopes existed keeps the JSON API but cannot read FHIR.
	if code, _, out := fhirGet(t, f.ts.URL, f.tokens[model.RoleClinicalDirector], "/fhir/R4/Patient"); code != 403 || !strings.Contains(outcomeText(out), "no FHIR scopes") {
		t.Errorf("unscoped token: %d %v", code, out)
	}
	if code, _ := f.call(t, model.RoleClinicalDirector, "GET", "/api/v1/clients/"+f.plannedClient.ID+"/measures", ""); code != 200 {
		t.Errorf("unscoped token on the JSON API: %d", code)
	}
	if code, _, out := fhirGet(t, f.ts.URL, "", "/fhir/R4/Nothing/here/at/all"); code != 404 || out["resourceType"] != "OperationOutcome" {
		t.Errorf("unknown path: %d %v", code, out)
	}
}

func TestFHIRScopesRolesAndCareTeam(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := newCalendarFixture(t, db.Engine)
		director := f.users[model.RoleClinicalDirector]
		obsOnly := scopedToken(t, f.db, director, "obs", "patient/Observation.read", false)
		pid := f.plannedClient.ID
		code, _, b := fhirGet(t, f.ts.URL, obsOnly, "/fhir/R4/Observation?patient="+pid)
		obs := entries(b)
		if code != 200 || len(obs) != 1 || b["total"].(float64) != 1 {
			t.Fatalf("Observation search: %d %v", code, b)
		}
		o := obs[0]
		coding := o["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)
		if coding["system"] != fhir.LOINC || coding["code"] != "70274-6" || o["valueInteger"].(float64) != 10 {
			t.Errorf("the GAD-7 total: %v", o)
		}
		// The same token cannot read Condition: its scope is Observation only.
		code, _, b = fhirGet(t, f.ts.URL, obsOnly, "/fhir/R4/Condition?patient="+pid)
		if code != 403 || !strings.Contains(outcomeText(b), "Condition") {
			t.Errorf("a patient/Observation.read token reading Condition: %d %v", code, b)
		}
		// patient/ scopes read one patient at a time.
		if code, _, b = fhirGet(t, f.ts.URL, obsOnly, "/fhir/R4/Observation"); code != 400 {
			t.Errorf("a patient/ token searching every patient: %d %v", code, b)
		}
		// A read by id, and a search by _id, which names the patient too.
		code, _, got := fhirGet(t, f.ts.URL, obsOnly, "/fhir/R4/Observation/"+o["id"].(string))
		if code != 200 || got["id"] != o["id"] {
			t.Errorf("Observation read: %d %v", code, got)
		}
		if code, _, b := fhirGet(t, f.ts.URL, obsOnly, "/fhir/R4/Observation?_id="+o["id"].(string)); code != 200 || len(entries(b)) != 1 {
			t.Errorf("Observation?_id: %d %v", code, b)
		}
		// The role's permission still applies: a biller's token with every scope cannot read Observation.
		biller := scopedToken(t, f.db, f.users[model.RoleBiller], "billing", "user/*.read", false)
		if code, _, b = fhirGet(t, f.ts.URL, biller, "/fhir/R4/Observation?patient="+pid); code != 403 {
			t.Errorf("a biller reading Observation: %d %v", code, b)
		}
		// A clinician's token sees only their own clients: another clinician's is a 404 like a missing one.
		other := model.User{Email: "other@example.org", Name: "Other Clinician", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := f.db.CreateUser(t.Context(), &other, rec()); err != nil {
			t.Fatal(err)
		}
		stranger := scopedToken(t, f.db, other, "mine", "user/*.read", false)
		if code, _, b = fhirGet(t, f.ts.URL, stranger, "/fhir/R4/Patient/"+pid); code != 404 {
			t.Errorf("a clinician outside the care team: %d %v", code, b)
		}
		if code, _, b = fhirGet(t, f.ts.URL, stranger, "/fhir/R4/Patient/"+model.NewID()); code != 404 {
			t.Errorf("a missing patient: %d %v", code, b)
		}
		code, _, b = fhirGet(t, f.ts.URL, stranger, "/fhir/R4/Patient")
		for _, p := range entries(b) {
			if p["id"] == pid {
				t.Errorf("a clinician outside the care team lists the client: %d %v", code, b)
			}
		}
		own := scopedToken(t, f.db, f.users[model.RoleClinician], "mine", "user/*.read", false)
		if code, _, b = fhirGet(t, f.ts.URL, own, "/fhir/R4/Patient/"+pid); code != 200 || b["id"] != pid {
			t.Errorf("the counselor's own client: %d %v", code, b)
		}
		// Every read is audited.
		reads := 0
		for r, err := range f.db.AuditRecords(t.Context()) {
			if err != nil {
				t.Fatal(err)
			}
			if r.Category == "client.fhir" && r.ClientID == pid && r.Action == audit.ActionRead {
				reads++
			}
		}
		if reads != 4 { // the search, the read, the search by _id, the counselor's read
			t.Errorf("%d audited FHIR reads of the client, want 4", reads)
		}
	})
}

func TestFHIRPagingAndBadParameters(t *testing.T) {
	f := newCalendarFixture(t, store.SQLite)
	tok := scopedToken(t, f.db, f.users[model.RoleClinicalDirector], "all", "user/*.read", false)
	// The center has 6 roles of staff, one Practitioner each: walk them two at a time.
	var ids []string
	next := "/fhir/R4/Practitioner?_count=2"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("too many pages")
		}
		code, _, b := fhirGet(t, f.ts.URL, tok, next)
		if code != 200 || b["type"] != "searchset" {
			t.Fatalf("%s: %d %v", next, code, b)
		}
		if es := entries(b); len(es) > 2 {
			t.Fatalf("%d entries on a page of 2", len(es))
		}
		for _, e := range entries(b) {
			ids = append(ids, e["id"].(string))
		}
		next = ""
		links, _ := b["link"].([]any)
		for _, l := range links {
			if l.(map[string]any)["relation"] == "next" {
				next = strings.TrimPrefix(l.(map[string]any)["url"].(string), f.ts.URL)
			}
		}
	}
	if len(ids) != len(model.Roles) {
		t.Errorf("paged through %d practitioners, want %d", len(ids), len(model.Roles))
	}
	for _, c := range []struct{ query, param string }{
		{"/fhir/R4/Observation?_count=zero", "_count"}, {"/fhir/R4/Observation?_count=0", "_count"},
		{"/fhir/R4/Observation?_offset=-1", "_offset"}, {"/fhir/R4/Observation?colour=red", "colour"},
		{"/fhir/R4/Observation?patient=nobody", "patient"}, {"/fhir/R4/Patient?birthdate=yesterday", "birthdate"},
		{"/fhir/R4/Patient?name:exact=Cole", "name:exact"}, {"/fhir/R4/Observation?_format=xml", "_format"},
	} {
		code, _, b := fhirGet(t, f.ts.URL, tok, c.query)
		issues, _ := b["issue"].([]any)
		if code != 400 || len(issues) != 1 || !strings.Contains(outcomeText(b), c.param) {
			t.Errorf("%s: %d %v, want a 400 naming %s", c.query, code, b, c.param)
			continue
		}
		if ex, _ := issues[0].(map[string]any)["expression"].([]any); len(ex) != 1 || ex[0] != c.param {
			t.Errorf("%s: expression %v", c.query, ex)
		}
	}
	if code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Observation/not-an-id"); code != 404 || b["resourceType"] != "OperationOutcome" {
		t.Errorf("a malformed id: %d %v", code, b)
	}
	if code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Medication"); code != 404 {
		t.Errorf("a type not served: %d %v", code, b)
	}
	// Searches filter: Patient by name, Condition by ICD-10 code.
	if code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Patient?name=cole"); code != 200 || len(entries(b)) != 1 {
		t.Errorf("Patient?name=cole: %d %v", code, b)
	}
	if code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Condition?code="+fhir.ICD10CM+"|F10.20"); code != 200 || len(entries(b)) != 1 {
		t.Errorf("Condition by code: %d %v", code, b)
	}
	code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Patient/"+f.plannedClient.ID+"/$everything")
	types := map[string]int{}
	for _, e := range entries(b) {
		types[e["resourceType"].(string)]++
	}
	if code != 200 || types["Patient"] != 1 || types["Condition"] != 1 || types["CarePlan"] != 1 || types["QuestionnaireResponse"] != 1 || types["Practitioner"] != 1 {
		t.Errorf("$everything: %d %v", code, types)
	}
	// A malformed id answers as a missing patient, and the refusal is audited like any other.
	if code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Patient/not-an-id/$everything"); code != 404 || b["resourceType"] != "OperationOutcome" {
		t.Errorf("$everything of a malformed id: %d %v", code, b)
	}
	audited := false
	for r, err := range f.db.AuditRecords(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		audited = audited || r.Outcome == audit.OutcomeDenied && strings.Contains(r.Detail, "not-an-id/$everything")
	}
	if !audited {
		t.Error("$everything of a malformed id was not audited")
	}
}

// TestFHIROutsideSystemNeedsAConsent: an outside system's token reads a
// client's record only under a Part 2 consent naming it; without one the
// read is refused with 403 and the refusal audited; with one the answer
// carries the security labels and the redisclosure notice, and a
// disclosure is on file.
func TestFHIROutsideSystemNeedsAConsent(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := newCalendarFixture(t, db.Engine)
		ctx := t.Context()
		director := f.users[model.RoleClinicalDirector]
		pid := f.plannedClient.ID
		tok := scopedToken(t, f.db, director, "Riverside Clinic", "system/*.read", true)
		code, hdr, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Patient/"+pid)
		if code != 403 || b["resourceType"] != "OperationOutcome" || hdr.Get("X-Redisclosure-Notice") != "" {
			t.Fatalf("without consent: %d %v", code, b)
		}
		denied := 0
		for r, err := range f.db.AuditRecords(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if r.ClientID == pid && r.Outcome == audit.OutcomeDenied && r.Category == "client.disclosure" {
				denied++
			}
		}
		if denied != 1 {
			t.Errorf("%d audited refusals, want 1", denied)
		}
		if ds, err := f.db.Disclosures(ctx, pid); err != nil || len(ds) != 0 {
			t.Fatalf("disclosures after a refusal: %v %v", ds, err)
		}
		// An outside system must name the patient.
		if code, _, b := fhirGet(t, f.ts.URL, tok, "/fhir/R4/Observation"); code != 400 {
			t.Errorf("an outside system searching every client: %d %v", code, b)
		}
		c := consent.Consent{ClientID: pid, ClientName: "Ben Cole", Discloser: "Lakeside",
			Recipient: consent.Recipient{Kind: consent.RecipientOrganization, Name: "Riverside Clinic", Detail: "Dr. Lee, 12 Elm St"},
			Purpose:   consent.PurposeTreatment, Categories: []string{consent.CatDemographics, consent.CatMeasures},
			Expiry: consent.ExpiresOnDate, ExpiresOn: model.Date{Year: 2099, Month: 6, Day: 1},
			SignerName: "Ben Cole", SignerAuthority: consent.SignerClient, SignedOn: model.Date{Year: 2026, Month: 11, Day: 2},
			StatementsGiven: true}
		if err := f.db.SaveConsent(ctx, &c, model.Date{Year: 2026, Month: 11, Day: 2}, director.ID, rec()); err != nil {
			t.Fatal(err)
		}
		code, hdr, b = fhirGet(t, f.ts.URL, tok, "/fhir/R4/Patient/"+pid)
		if code != 200 || b["id"] != pid {
			t.Fatalf("with consent: %d %v", code, b)
		}
		if hdr.Get("X-Redisclosure-Notice") != consent.NoticeText() {
			t.Errorf("notice header %q", hdr.Get("X-Redisclosure-Notice"))
		}
		labels := map[string]bool{}
		for _, s := range b["meta"].(map[string]any)["security"].([]any) {
			labels[s.(map[string]any)["code"].(string)] = true
		}
		if !labels["42CFRPart2"] || !labels["NORDSCLCD"] || !labels["R"] {
			t.Errorf("security labels %v", labels)
		}
		ds, err := f.db.Disclosures(ctx, pid)
		if err != nil || len(ds) != 1 || ds[0].Channel != "fhir" || ds[0].Recipient != "Riverside Clinic" || ds[0].ConsentID != c.ID {
			t.Fatalf("disclosures %+v %v", ds, err)
		}
		// The measures are covered too; the treatment plan is not.
		if code, hdr, b = fhirGet(t, f.ts.URL, tok, "/fhir/R4/Observation?patient="+pid); code != 200 || len(entries(b)) != 1 || hdr.Get("X-Redisclosure-Notice") == "" {
			t.Errorf("measures with consent: %d %v", code, b)
		}
		if code, _, b = fhirGet(t, f.ts.URL, tok, "/fhir/R4/CarePlan?patient="+pid); code != 403 {
			t.Errorf("a plan the consent does not cover: %d %v", code, b)
		}
		if ds, _ := f.db.Disclosures(ctx, pid); len(ds) != 2 {
			t.Errorf("%d disclosures, want 2", len(ds))
		}
		// A revoked consent refuses from that moment.
		if err := f.db.RevokeConsent(ctx, pid, c.ID, "letter received", director.ID, rec()); err != nil {
			t.Fatal(err)
		}
		if code, _, b = fhirGet(t, f.ts.URL, tok, "/fhir/R4/Patient/"+pid); code != 403 {
			t.Errorf("after revocation: %d %v", code, b)
		}
	})
}

package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"github.com/openiop/openiop/internal/web"
)

func TestRegisterClient(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleAdmissions)
		before, _ := e.db.CountClients(t.Context())
		head := e.auditHead()

		// Bad input: every mistake explained at its field, the entries kept,
		// nothing stored.
		bad := url.Values{"first_name": {"Tomás"}, "last_name": {""}, "date_of_birth": {"2026-02-30"},
			"email": {"tomas@"}, "phone": {"call me"}, "sex_at_birth": {"other"}}
		r := e.post(c, "/clients", bad)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d, want 422", r.StatusCode)
		}
		for _, want := range []string{"Enter the client&#39;s legal last name.", "Enter a real date as YYYY-MM-DD.",
			"Enter an email address", "Enter a phone number", "Choose female, male or not recorded.", `value="Tomás"`, `aria-invalid="true"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the re-shown form lacks %q", want)
			}
		}
		if n, _ := e.db.CountClients(t.Context()); n != before || e.auditHead() != head {
			t.Fatal("a refused form stored something")
		}
		future := url.Values{"first_name": {"A"}, "last_name": {"B"}, "date_of_birth": {"2030-01-01"}}
		if r := e.post(c, "/clients", future); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cannot be in the future") {
			t.Errorf("future birth date: %d", r.StatusCode)
		}
		huge := url.Values{"first_name": {strings.Repeat("x", 70<<10)}}
		if r := e.post(c, "/clients", huge); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("oversized form: %d, want 422", r.StatusCode)
		}

		good := url.Values{"first_name": {"Tomás"}, "last_name": {"Ruiz-Ortega"}, "preferred_name": {"Tom"}, "pronouns": {"he/him"},
			"date_of_birth": {"1991-07-04"}, "phone": {"(773) 555-0199"}, "email": {"Tom.Ruiz@Example.org"}}
		r = e.post(c, "/clients", good)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/clients/") {
			t.Fatalf("good form: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		id := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/clients/"), "?created=1")
		chart := e.get(c, r.Header.Get("Location"))
		for _, want := range []string{"Tom Ruiz-Ortega", "Legal name Tomás Ruiz-Ortega", "he/him", "record number", "tom.ruiz@example.org", "Not yet admitted"} {
			if !strings.Contains(chart.Body, want) {
				t.Errorf("the new chart lacks %q", want)
			}
		}
		recs := e.auditSince(head)
		if len(recs) < 2 || recs[0].Action != audit.ActionCreate || recs[0].ClientID != id || recs[1].Action != audit.ActionRead {
			t.Errorf("create and read not audited in order: %+v", recs)
		}

		// Editing: a bad change is refused and the record stays as it was.
		r = e.post(c, "/clients/"+id, url.Values{"first_name": {"Tomás"}, "last_name": {"Ruiz-Ortega"}, "date_of_birth": {"not a date"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad edit: %d", r.StatusCode)
		}
		got, _ := e.db.Client(t.Context(), id)
		if got.DateOfBirth.String() != "1991-07-04" || got.PreferredName != "Tom" {
			t.Fatalf("a refused edit changed the record: %+v", got)
		}
		r = e.post(c, "/clients/"+id, url.Values{"first_name": {"Tomás"}, "last_name": {"Ruiz"}, "date_of_birth": {"1991-07-04"},
			"emergency_name": {"Lucia Ruiz"}, "emergency_relationship": {"sister"}, "emergency_phone": {"312 555 0100"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("good edit: %d", r.StatusCode)
		}
		got, _ = e.db.Client(t.Context(), id)
		if got.LastName != "Ruiz" || got.EmergencyRel != "sister" || got.PreferredName != "" {
			t.Fatalf("edit not saved: %+v", got)
		}
	})
}

func TestClientSearchIsAuditedAndKeepsWordsOutOfURLs(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleFrontDesk)
	head := e.auditHead()
	r := e.post(c, "/clients/search", url.Values{"q": {e.client.LastName}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, e.client.DisplayName()) {
		t.Fatalf("search: %d, missing %s", r.StatusCode, e.client.DisplayName())
	}
	if strings.Contains(r.Body, "q="+e.client.LastName) {
		t.Error("a link on the results page carries the search words")
	}
	recs := e.auditSince(head)
	if len(recs) != 1 || recs[0].Action != audit.ActionQuery || !strings.Contains(recs[0].Detail, e.client.ID) {
		t.Fatalf("search not audited with the clients shown: %+v", recs)
	}
	// htmx asks for the results block only.
	req, _ := http.NewRequest("POST", e.ts.URL+"/clients/search", strings.NewReader(url.Values{"q": {e.client.LastName}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "client-results")
	frag := e.do(c, req)
	if !strings.HasPrefix(strings.TrimSpace(frag.Body), `<section id="client-results"`) || strings.Contains(frag.Body, "<html") {
		t.Errorf("htmx search did not get just the results: %.120s", frag.Body)
	}
	// Paging keeps within bounds.
	all := e.get(c, "/clients?status=all&page=999")
	if all.StatusCode != http.StatusOK || !strings.Contains(all.Body, "No clients match") {
		t.Errorf("page past the end: %d", all.StatusCode)
	}
}

// failingAuditor refuses every record, as a full disk would.
type failingAuditor struct{}

func (failingAuditor) Record(context.Context, audit.Record) error { return errors.New("disk full") }

func TestReadsFailClosedWhenTheAuditCannotBeWritten(t *testing.T) {
	e := newEnv(t, store.SQLite, func(d *web.Deps) { d.Audit = failingAuditor{} })
	c := e.signIn(model.RoleClinician)
	for _, p := range []string{"/clients/" + e.client.ID, "/clients?status=all", "/home"} {
		r := e.get(c, p)
		if r.StatusCode != http.StatusInternalServerError || strings.Contains(r.Body, e.client.LastName) {
			t.Errorf("GET %s with a broken audit log: %d; it must fail and show no client data", p, r.StatusCode)
		}
	}
}

func TestHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinician)
	paths := []string{"/", "/login", "/home", "/clients", "/clients/" + e.client.ID, "/no-such-page", "/healthz", "/metrics",
		"/static/x/css/app.css"}
	for _, p := range paths {
		r := e.get(c, p)
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			!strings.Contains(csp, "object-src 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: headers %v", p, h)
		}
		if !strings.HasPrefix(p, "/static/") && h.Get("Cache-Control") != "no-store" && p != "/healthz" && p != "/metrics" {
			t.Errorf("%s: Cache-Control %q, want no-store", p, h.Get("Cache-Control"))
		}
	}
	if r := e.get(c, "/no-such-page"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown page: %d", r.StatusCode)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.browser()
	if r := e.get(c, "/healthz"); r.StatusCode != 200 || strings.TrimSpace(r.Body) != "ok" {
		t.Errorf("healthz: %d %q", r.StatusCode, r.Body)
	}
	if r := e.get(c, "/readyz"); r.StatusCode != 200 || strings.TrimSpace(r.Body) != "ready" {
		t.Errorf("readyz: %d %q", r.StatusCode, r.Body)
	}
	e.get(c, "/login")
	m := e.get(c, "/metrics")
	for _, want := range []string{`iop_http_requests_total{method="GET",route="GET /login",code="200"} 1`,
		`iop_http_request_duration_seconds_count{method="GET",route="GET /login"} 1`, "iop_uptime_seconds"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("metrics lack %q:\n%s", want, m.Body)
		}
	}
	if strings.Contains(m.Body, e.client.ID) {
		t.Error("metrics mention a client")
	}
	e.db.Close()
	if r := e.get(c, "/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %d, want 503", r.StatusCode)
	}
}

// TestAuditCSVHasEveryRecord: the download holds every matching record,
// however many pages that takes, and is itself audited.
func TestAuditCSVHasEveryRecord(t *testing.T) {
	e := newEnv(t, store.SQLite)
	recs := make([]audit.Record, 1200)
	for i := range recs {
		recs[i] = audit.Record{At: e.clock.Now(), ActorID: "system:test", Action: audit.ActionRead, Category: "test.bulk"}
	}
	if err := e.db.AppendAudit(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	admin := e.signIn(model.RoleAdmin)
	before := e.auditHead()
	r := e.get(admin, "/admin/audit?action=read&format=csv")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", r.StatusCode, r.Header)
	}
	lines := strings.Count(strings.TrimSpace(r.Body), "\n") // rows after the header
	want, _, _ := e.db.ListAudit(t.Context(), store.AuditFilter{Action: audit.ActionRead, UpTo: before, Limit: 1})
	_, total, _ := e.db.ListAudit(t.Context(), store.AuditFilter{Action: audit.ActionRead, UpTo: before})
	if lines != total || len(want) == 0 || total < 1200 {
		t.Fatalf("the CSV has %d rows, %d records matched", lines, total)
	}
	exported := e.auditSince(before)
	if len(exported) == 0 || exported[0].Action != audit.ActionExport {
		t.Errorf("the export was not audited: %+v", exported)
	}
}

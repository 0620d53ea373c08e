package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// reviewed is the access matrix as people decided it, written out
// independently of auth's role table so that a change to either shows up
// here: route -> roles allowed. Routes not listed are public or open to
// every signed-in role.
var reviewed = map[string][]model.Role{
	"GET /clients":                           {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk},
	"POST /clients/search":                   {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk},
	"GET /clients/new":                       {model.RoleClinicalDirector, model.RoleAdmissions},
	"POST /clients":                          {model.RoleClinicalDirector, model.RoleAdmissions},
	"GET /clients/{id}":                      {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk},
	"GET /clients/{id}/edit":                 {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions},
	"POST /clients/{id}":                     {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions},
	"GET /program":                           {model.RoleAdmin, model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk},
	"GET /program/modalities":                {model.RoleAdmin, model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk},
	"GET /admin/users":                       {model.RoleAdmin},
	"POST /admin/users":                      {model.RoleAdmin},
	"POST /admin/users/{id}":                 {model.RoleAdmin},
	"GET /admin/audit":                       {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /home":                              model.Roles,
	"POST /notices/{nid}/read":               model.Roles,
	"GET /account/api-tokens":                model.Roles,
	"POST /account/api-tokens":               model.Roles,
	"POST /account/api-tokens/{hash}/revoke": model.Roles,
	"POST /account/sessions/{hash}/end":      model.Roles,
	"POST /account/sessions/end-others":      model.Roles,
	"POST /account/password":                 model.Roles,
	"GET /account/mfa":                       model.Roles,
	"POST /account/mfa":                      model.Roles,
	"POST /account/mfa/recovery-codes":       model.Roles,
	"POST /account/calendar":                 model.Roles,
	"POST /account/calendar/revoke":          model.Roles,
	"POST /logout":                           model.Roles,
	"GET /checkin/desk":                      {model.RoleClinicalDirector, model.RoleClinician, model.RoleFrontDesk},
	"POST /checkin/desk":                     {model.RoleClinicalDirector, model.RoleClinician, model.RoleFrontDesk},

	// The clinical record: clinicians and the clinical director only;
	// admissions staff may admit but not read or write clinical notes.
	"GET /clients/{id}/measures/new":                       clinical,
	"POST /clients/{id}/measures":                          clinical,
	"GET /clients/{id}/measures/{mid}":                     clinical,
	"POST /clients/{id}/assignments":                       clinical,
	"GET /clients/{id}/safety-alerts/{alid}":               clinical,
	"POST /clients/{id}/safety-alerts/{alid}":              clinical,
	"GET /safety-alerts":                                   clinical,
	"GET /measures/due":                                    clinical,
	"POST /clients/{id}/assignments/{asid}/cancel":         clinical,
	"GET /clients/{id}/assessments/new":                    clinical,
	"POST /clients/{id}/assessments":                       clinical,
	"GET /clients/{id}/assessments/{aid}":                  clinical,
	"POST /clients/{id}/assessments/{aid}/decision":        clinical,
	"GET /clients/{id}/admit":                              {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions},
	"POST /clients/{id}/episodes":                          {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions},
	"GET /clients/{id}/episodes/{eid}":                     clinical,
	"GET /clients/{id}/episodes/{eid}/change":              clinical,
	"POST /clients/{id}/episodes/{eid}/change":             clinical,
	"POST /clients/{id}/episodes/{eid}/reviews":            clinical,
	"GET /clients/{id}/episodes/{eid}/discharge":           clinical,
	"POST /clients/{id}/episodes/{eid}/discharge":          clinical,
	"GET /clients/{id}/episodes/{eid}/summary":             clinical,
	"GET /inquiries":                                       inquiryRoles,
	"GET /inquiries/{qid}":                                 inquiryRoles,
	"POST /inquiries/{qid}":                                inquiryRoles,
	"POST /inquiries/{qid}/contacts":                       inquiryRoles,
	"POST /inquiries/{qid}/checklist":                      inquiryRoles,
	"GET /program/costs":                                   {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/costs/texts":                            {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/costs/fees":                             {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /inquiries/{qid}/admit":                           inquiryRoles,
	"POST /inquiries/{qid}/admit":                          inquiryRoles,
	"GET /clients/{id}/schedule":                           {model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk},
	"POST /clients/{id}/enrolments":                        scheduling,
	"POST /clients/{id}/enrolments/{gid}/remove":           scheduling,
	"POST /clients/{id}/availability":                      scheduling,
	"POST /clients/{id}/appointments":                      scheduling,
	"POST /clients/{id}/appointments/{apid}/cancel":        scheduling,
	"POST /clients/{id}/appointments/{apid}/no-show":       scheduling,
	"GET /clients/{id}/appointments/{apid}/note":           clinical,
	"POST /clients/{id}/appointments/{apid}/note":          clinical,
	"POST /clients/{id}/appointments/{apid}/note/addendum": clinical,
	"POST /clients/{id}/appointments/{apid}/note/cosign":   {model.RoleClinicalDirector},
	"POST /clients/{id}/calendar":                          scheduling,
	"POST /clients/{id}/calendar/revoke":                   scheduling,
	"POST /program/{pid}/tracks":                           {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /program/tracks/{tid}":                            model.Roles,
	"POST /program/tracks/{tid}/groups":                    {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/tracks/{tid}/curriculum":                {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/tracks/{tid}/curriculum/{cid}/remove":   {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/groups/{gid}/occurrences":               {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/groups/{gid}/end":                       {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/groups/{gid}/capacity":                  {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/closures":                               {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /schedule/room-calendar":                         {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /program/groups/{gid}/attendance":                 clinical,
	"POST /program/groups/{gid}/attendance":                clinical,
	"POST /clients/{id}/alerts/ack":                        clinical,
	"POST /clients/{id}/screens":                           clinical,
	"GET /program/groups/{gid}/note":                       clinical,
	"POST /program/groups/{gid}/note":                      clinical,
	"POST /program/groups/{gid}/note/addendum":             clinical,
	"POST /program/groups/{gid}/note/cosign":               {model.RoleClinicalDirector},
	"GET /notes/pending":                                   clinical,
	"GET /alerts":                                          clinical,
	"GET /reports/billable-days":                           {model.RoleClinicalDirector, model.RoleBiller},
	"GET /outcomes":                                        {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /outcomes.csv":                                    {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /billing":                                         {model.RoleClinicalDirector, model.RoleBiller},
	"GET /billing/batches/{bid}":                           {model.RoleClinicalDirector, model.RoleBiller},
	"POST /billing/batches":                                {model.RoleClinicalDirector, model.RoleBiller},
	"GET /billing/batches/{bid}/837":                       {model.RoleClinicalDirector, model.RoleBiller},
	"GET /billing/batches/{bid}/csv":                       {model.RoleClinicalDirector, model.RoleBiller},
	"GET /admin/payers":                                    {model.RoleClinicalDirector, model.RoleBiller},
	"POST /admin/payers":                                   {model.RoleClinicalDirector, model.RoleBiller},
	"POST /admin/billing-profile":                          {model.RoleClinicalDirector, model.RoleBiller},
	"GET /clients/{id}/coverage":                           {model.RoleClinicalDirector, model.RoleAdmissions, model.RoleBiller},
	"POST /clients/{id}/coverage":                          {model.RoleClinicalDirector, model.RoleAdmissions, model.RoleBiller},
	"POST /clients/{id}/authorizations":                    {model.RoleClinicalDirector, model.RoleAdmissions, model.RoleBiller},
	"POST /clients/{id}/ur-decisions":                      {model.RoleClinicalDirector, model.RoleAdmissions, model.RoleBiller},
	"POST /clients/{id}/episodes/{eid}/ur-packet":          {model.RoleClinicalDirector, model.RoleClinician},
	"GET /schedule":                                        model.Roles,
	"GET /reviews":                                         clinical,
	"GET /plans":                                           clinical,
	"GET /clients/{id}/consents":                           consentRoles,
	"POST /clients/{id}/consents":                          consentRoles,
	"GET /clients/{id}/consents/{cid}":                     consentRoles,
	"POST /clients/{id}/consents/{cid}/revoke":             consentRoles,
	"GET /clients/{id}/disclosures":                        consentRoles,
	"GET /clients/{id}/disclosures/{did}":                  clinical,
	"GET /clients/{id}/release":                            clinical,
	"POST /clients/{id}/release":                           clinical,
	"GET /clients/{id}/care-team":                          {model.RoleClinicalDirector},
	"POST /clients/{id}/care-team":                         {model.RoleClinicalDirector},
	"POST /clients/{id}/care-team/{uid}/remove":            {model.RoleClinicalDirector},
	"GET /emergency-access":                                {model.RoleClinician},
	"POST /emergency-access":                               {model.RoleClinician},
	"POST /emergency-access/{gid}/review":                  {model.RoleClinicalDirector},
	"POST /admin/care-team-access":                         {model.RoleAdmin},
	"POST /admin/mfa-required":                             {model.RoleAdmin},
	"POST /admin/users/{id}/mfa-reset":                     {model.RoleAdmin},
	"GET /admin/privacy":                                   {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /clients/{id}/relapse-plan":                       clinical,
	"POST /clients/{id}/relapse-plan":                      clinical,
	"GET /clients/{id}/relapse-plan/card":                  clinical,
	"GET /clients/{id}/plans":                              clinical,
	"POST /clients/{id}/plans":                             clinical,
	"GET /clients/{id}/plans/{plid}":                       clinical,
	"POST /clients/{id}/plans/{plid}":                      clinical,
	"POST /clients/{id}/plans/{plid}/client-signature":     clinical,
	"POST /clients/{id}/plans/{plid}/supervisor-signature": {model.RoleClinicalDirector},
	"POST /clients/{id}/plans/{plid}/reviews":              clinical,
	"GET /clients/{id}/plans/{plid}/changes":               clinical,
	"POST /program/{pid}/plan-cadence":                     {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/{pid}/measure-schedule":                 {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/{pid}/measure-schedule/{code}/remove":   {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /admin/instruments":                               {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /admin/instruments/{code}":                       {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/{pid}/review-interval":                  {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /program/modalities":                             {model.RoleAdmin, model.RoleClinicalDirector},
	"GET /program/week-builder":                            {model.RoleClinicalDirector},
	"POST /program/week-builder/apply":                     {model.RoleClinicalDirector},
	"GET /account/counseling-hours":                        {model.RoleClinicalDirector, model.RoleClinician},
	"POST /account/counseling-hours":                       {model.RoleClinicalDirector, model.RoleClinician},
	"POST /program/week-builder/what-if":                   {model.RoleClinicalDirector},
	"POST /program/{pid}/accountability":                   {model.RoleAdmin, model.RoleClinicalDirector},
	"POST /clients/{id}/portal/invite":                     clinical,
	"POST /clients/{id}/portal/reset":                      clinical,
	"POST /clients/{id}/portal/close":                      clinical,
	"POST /clients/{id}/consents/{cid}/family-invite":      clinical,
	"POST /clients/{id}/absences/{abid}":                   clinical,
	"GET /absences":                                        clinical,
	"GET /admin/outbox":                                    {model.RoleClinicalDirector},
}

var (
	clinical     = []model.Role{model.RoleClinicalDirector, model.RoleClinician}
	inquiryRoles = []model.Role{model.RoleClinicalDirector, model.RoleAdmissions}
	consentRoles = []model.Role{model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions}
	scheduling   = []model.Role{model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleFrontDesk}
)

// TestEveryRouteEnforcesItsPermission walks the route table with no session
// and with every role: the signed-out visitor is sent to sign in, a role
// without the permission gets 403 (and an audit record of the refusal), and
// a role with it is let through. It also checks the table against the
// reviewed matrix above.
func TestEveryRouteEnforcesItsPermission(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		users, err := e.db.Users(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		sessions := map[model.Role]*http.Client{}
		for _, r := range model.Roles {
			sessions[r] = e.signIn(r)
		}
		cells, allow, deny, unexpectedAllow, unexpectedDeny := 0, 0, 0, 0, 0
		for _, rt := range e.srv.Routes() {
			key := rt.Method + " " + rt.Pattern
			if rt.Perm == "" {
				t.Errorf("%s has no permission", key)
			}
			want, listed := reviewed[key]
			if rt.Perm != auth.Public && rt.Perm != auth.Portal && !listed {
				t.Errorf("%s needs %s but is missing from the reviewed matrix", key, rt.Perm)
			}
			path := strings.NewReplacer("{id}", e.client.ID, "{version}", "x", "{path...}", "css/app.css", "{$}", "",
				"{mid}", unknownID, "{hash}", "0000", "{nid}", unknownID, "{gid}", unknownID, "{apid}", unknownID, "{tid}", unknownID, "{token}", "nope.ics", "{qid}", unknownID, "{asid}", unknownID, "{pid}", unknownID, "{aid}", unknownID, "{eid}", unknownID, "{code}", "phq-9", "{abid}", unknownID, "{plid}", unknownID).Replace(rt.Pattern)
			if strings.HasPrefix(rt.Pattern, "/admin/users/{id}") {
				path = "/admin/users/" + users[len(users)-1].ID
			}
			if rt.Perm == auth.Portal {
				// No staff role has the portal permission: signed out or
				// signed in as staff, a portal page asks for the portal sign-in.
				for _, c := range append([]*http.Client{nil}, sessionList(sessions)...) {
					cells++
					if resp := e.request(c, rt.Method, path); !isPortalSignIn(resp) {
						unexpectedAllow++
						t.Errorf("%s without a portal session: %d %s, want a redirect to the portal sign-in", key, resp.StatusCode, resp.Header.Get("Location"))
					}
				}
				continue
			}
			// Anonymous.
			resp := e.request(nil, rt.Method, path)
			cells++
			if rt.Perm == auth.Public {
				if resp.StatusCode == http.StatusForbidden || isSignInRedirect(resp) {
					t.Errorf("anonymous %s: %d, want public access", key, resp.StatusCode)
				}
				continue
			}
			if !isSignInRedirect(resp) {
				t.Errorf("anonymous %s: %d %s, want a redirect to sign in", key, resp.StatusCode, resp.Header.Get("Location"))
			}
			for _, role := range model.Roles {
				cells++
				allowed := auth.Can(role, rt.Perm)
				if listed && allowed != containsRole(want, role) {
					t.Errorf("%s for %s: the role table says %v, the reviewed matrix %v", key, role, allowed, !allowed)
				}
				before := e.auditHead()
				resp := e.request(sessions[role], rt.Method, path)
				switch {
				case !allowed && resp.StatusCode != http.StatusForbidden:
					unexpectedAllow++
					t.Errorf("%s as %s: %d, want 403", key, role, resp.StatusCode)
				case !allowed:
					deny++
					recs := e.auditSince(before)
					if len(recs) != 1 || recs[0].Action != audit.ActionDenied || recs[0].Outcome != audit.OutcomeDenied {
						t.Errorf("%s as %s: refusal not audited: %+v", key, role, recs)
					}
				case resp.StatusCode == http.StatusForbidden || isSignInRedirect(resp) || resp.StatusCode >= 500:
					unexpectedDeny++
					t.Errorf("%s as %s: %d %s, want access", key, role, resp.StatusCode, resp.Header.Get("Location"))
				default:
					allow++
				}
				if rt.Pattern == "/logout" && allowed {
					sessions[role] = e.signIn(role)
				}
			}
		}
		t.Logf("security-authz: routes=%d roles=%d cells=%d allowed=%d denied=%d unexpected_allow=%d unexpected_deny=%d",
			len(e.srv.Routes()), len(model.Roles)+1, cells, allow, deny, unexpectedAllow, unexpectedDeny)
	})
}

// request sends a request that changes nothing: POSTs carry an empty form,
// which every action refuses as invalid (or, for logout, just signs out).
func (e *env) request(c *http.Client, method, path string) response {
	e.t.Helper()
	if c == nil {
		c = e.browser()
	}
	if method == "POST" {
		return e.post(c, path, url.Values{})
	}
	return e.get(c, path)
}

// isSignInRedirect reports a redirect that asks for signing in (not the
// one that follows signing out).
func isSignInRedirect(r response) bool {
	loc := r.Header.Get("Location")
	return r.StatusCode == http.StatusSeeOther && (loc == "/login" || strings.HasPrefix(loc, "/login?next=") || strings.Contains(loc, "expired=1"))
}

// isPortalSignIn reports a redirect to the portal's own sign-in.
func isPortalSignIn(r response) bool {
	return r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/portal/login")
}

func sessionList(m map[model.Role]*http.Client) []*http.Client {
	var out []*http.Client
	for _, r := range model.Roles {
		out = append(out, m[r])
	}
	return out
}

func containsRole(list []model.Role, r model.Role) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// TestAdministratorsCannotOpenCharts states the minimum-necessary rule
// plainly: the administrator manages accounts but sees no client record.
func TestAdministratorsCannotOpenCharts(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.signIn(model.RoleAdmin)
	for _, p := range []string{"/clients", "/clients/" + e.client.ID, "/clients/" + e.client.ID + "/edit"} {
		resp := e.get(admin, p)
		if resp.StatusCode != http.StatusForbidden || strings.Contains(resp.Body, e.client.LastName) {
			t.Errorf("admin GET %s: %d (must be 403 and show no client name)", p, resp.StatusCode)
		}
	}
	home := e.get(admin, "/home")
	if strings.Contains(home.Body, "My caseload") || strings.Contains(home.Body, "/clients/") {
		t.Error("the admin home page shows client data")
	}
}

// TestUnknownAndMalformedIDsLookTheSame: a probe cannot tell a record that
// does not exist from one it may not see, or from a malformed id.
func TestUnknownAndMalformedIDsLookTheSame(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinician)
	before := e.auditHead()
	missing := e.get(c, "/clients/"+model.NewID())
	malformed := e.get(c, "/clients/not-an-id")
	for _, r := range []response{missing, malformed} {
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "does not exist") {
			t.Errorf("got %d, want the 404 page", r.StatusCode)
		}
	}
	recs := e.auditSince(before)
	if len(recs) != 1 || recs[0].Outcome != audit.OutcomeFailure || recs[0].Detail != "not found" {
		t.Errorf("the probe for an unknown id is not audited: %+v", recs)
	}
}

// unknownID is a well-formed id that names no record.
const unknownID = "01900000-0000-7000-8000-000000000000"

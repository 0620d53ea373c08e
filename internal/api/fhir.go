package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/store"
)

// FHIRBase is where the FHIR R4 API is served.
const FHIRBase = "/fhir/R4"

// capabilityDate is when the CapabilityStatement last changed: bump it with
// the types, parameters or rules it describes.
const capabilityDate = "2026-12-07"

// FHIRStore is what the FHIR API reads beyond Store: the token with its
// scopes, every resource's source, the client list and disclosures.
type FHIRStore interface {
	fhir.Source
	APITokenGrant(ctx context.Context, token string) (model.User, store.APIToken, error)
	SearchClients(ctx context.Context, q store.ClientQuery) ([]model.Client, int, error)
	Disclose(ctx context.Context, d *consent.Disclosure, req consent.Request, today model.Date, rec audit.Record) (consent.Decision, error)
}

// fhirPerm is the staff permission each type needs: that of the page that
// shows the same information.
var fhirPerm = map[string]auth.Permission{
	"Patient":               auth.ViewClientHeader,
	"EpisodeOfCare":         auth.ViewClientHeader,
	"Appointment":           auth.ViewClientHeader,
	"Encounter":             auth.ViewClinical,
	"Condition":             auth.ViewClinical,
	"Observation":           auth.ViewClinical,
	"QuestionnaireResponse": auth.ViewClinical,
	"CarePlan":              auth.ViewClinical,
	"Consent":               auth.ManageConsents,
	"Questionnaire":         auth.SignedIn,
	"Practitioner":          auth.SignedIn,
	"Organization":          auth.ViewProgram,
	"Location":              auth.ViewProgram,
}

// FHIRPermission is the permission a resource type needs, for docs and tests.
func FHIRPermission(typ string) auth.Permission { return fhirPerm[typ] }

// categoryOf is the consent category (consent.Categories) a resource is
// disclosed under.
func categoryOf(r fhir.Resource) string {
	switch r.TypeName() {
	case "Patient":
		return consent.CatDemographics
	case "EpisodeOfCare", "Condition", "Consent":
		return consent.CatEnrollment
	case "Encounter", "Appointment":
		return consent.CatAttendance
	case "CarePlan":
		return consent.CatTreatmentPlan
	case "QuestionnaireResponse":
		return consent.CatMeasures
	case "Observation":
		if o, ok := r.(*fhir.Observation); ok && len(o.Category) > 0 && len(o.Category[0].Coding) > 0 && o.Category[0].Coding[0].Code == "laboratory" {
			return consent.CatScreens
		}
		return consent.CatMeasures
	}
	return consent.CatDemographics
}

// fhirCaller is who a FHIR request acts as.
type fhirCaller struct {
	user   model.User
	token  store.APIToken
	scopes fhir.Scopes
}

type fhirHandler func(w http.ResponseWriter, r *http.Request, c *fhirCaller) error

func (h *Handler) fhirRoutes() {
	h.mux.Handle("GET "+FHIRBase+"/metadata", h.fhirWrap("GET "+FHIRBase+"/metadata", false, h.fhirMetadata))
	h.mux.Handle("GET "+FHIRBase+"/{type}", h.fhirWrap("GET "+FHIRBase+"/{type}", true, h.fhirSearch))
	h.mux.Handle("GET "+FHIRBase+"/{type}/{id}", h.fhirWrap("GET "+FHIRBase+"/{type}/{id}", true, h.fhirRead))
	h.mux.Handle("GET "+FHIRBase+"/Patient/{id}/$everything", h.fhirWrap("GET "+FHIRBase+"/Patient/{id}/$everything", true, h.fhirEverything))
	h.mux.Handle("/fhir/", h.fhirWrap("/fhir/", false, func(w http.ResponseWriter, r *http.Request, _ *fhirCaller) error {
		return &fhir.Outcome{Status: http.StatusNotFound, Code: "not-supported", Text: "There is no FHIR endpoint " + r.Method + " " + r.URL.Path + "; the base is " + FHIRBase + "."}
	}))
}

// FHIRRoutes lists the FHIR endpoints, for documentation tests.
func FHIRRoutes() []string {
	return []string{"GET " + FHIRBase + "/metadata", "GET " + FHIRBase + "/{type}", "GET " + FHIRBase + "/{type}/{id}",
		"GET " + FHIRBase + "/Patient/{id}/$everything"}
}

func (h *Handler) fhirWrap(label string, authed bool, fn fhirHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r.Context(), label)
		var c *fhirCaller
		var err error
		if authed {
			c, err = h.fhirAuth(r)
		}
		if err == nil {
			err = fn(w, r, c)
		}
		if err != nil {
			h.fhirFail(w, r, err)
		}
	})
}

func (h *Handler) fhirStore() FHIRStore {
	fs, _ := h.Store.(FHIRStore)
	return fs
}

func (h *Handler) fhirAuth(r *http.Request) (*fhirCaller, error) {
	fs := h.fhirStore()
	if fs == nil || h.Audit == nil {
		return nil, &fhir.Outcome{Status: http.StatusServiceUnavailable, Code: "transient", Text: "This server has no token store."}
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return nil, &fhir.Outcome{Status: http.StatusUnauthorized, Code: "login",
			Text: "Send Authorization: Bearer <token>. Staff make tokens with FHIR scopes under Account > API tokens."}
	}
	u, t, err := fs.APITokenGrant(r.Context(), strings.TrimSpace(token))
	if err != nil {
		if model.KindOf(err) == model.KindUnauthenticated {
			return nil, &fhir.Outcome{Status: http.StatusUnauthorized, Code: "login", Text: "The token is not valid, was revoked, or its account is inactive."}
		}
		return nil, err
	}
	c := &fhirCaller{user: u, token: t}
	c.scopes, _ = fhir.ParseScopes(t.Scopes)
	if len(c.scopes) == 0 {
		if err := h.fhirDenied(r, c, "", "token without FHIR scopes"); err != nil {
			return nil, err
		}
		return nil, &fhir.Outcome{Status: http.StatusForbidden, Code: "forbidden",
			Text: "This token has no FHIR scopes. Make a token with scopes such as user/*.read under Account > API tokens."}
	}
	return c, nil
}

// fhirDenied audits a refused request.
func (h *Handler) fhirDenied(r *http.Request, c *fhirCaller, clientID, why string) error {
	rec := h.record(r, c.user)
	rec.Action, rec.Category, rec.ClientID, rec.Outcome = audit.ActionDenied, "fhir", clientID, audit.OutcomeDenied
	rec.Detail = r.Method + " " + r.URL.Path + ": " + why
	return h.Audit.Record(r.Context(), rec)
}

func (h *Handler) fhirFail(w http.ResponseWriter, r *http.Request, err error) {
	var o *fhir.Outcome
	if !errors.As(err, &o) {
		h.Log.Error("fhir request failed", "error", err, "request_id", httpx.RequestID(r.Context()))
		o = &fhir.Outcome{Status: http.StatusInternalServerError, Code: "exception",
			Text: "Something went wrong on our side. Quote request id " + httpx.RequestID(r.Context()) + "."}
	}
	writeFHIR(w, o.Status, o.Resource())
}

func writeFHIR(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]}`)
	}
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// fhirBaseURL is the absolute base of the FHIR API for links.
func (h *Handler) fhirBaseURL(r *http.Request) string {
	if h.BaseURL != "" {
		return strings.TrimSuffix(h.BaseURL, "/") + FHIRBase
	}
	scheme := "http"
	if r.TLS != nil || h.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + FHIRBase
}

func (h *Handler) fhirMetadata(w http.ResponseWriter, r *http.Request, _ *fhirCaller) error {
	writeFHIR(w, http.StatusOK, fhir.Capability(h.fhirBaseURL(r), h.Version, capabilityDate))
	return nil
}

// checkType refuses a type the server does not serve (404), one the
// token's scopes do not cover or the role's permission lacks (403, audited).
func (h *Handler) checkType(r *http.Request, c *fhirCaller, typ string) (patientOnly bool, err error) {
	if !slices.Contains(fhir.Types, typ) {
		return false, &fhir.Outcome{Status: http.StatusNotFound, Code: "not-supported", Text: "This server does not serve " + typ + " resources."}
	}
	ok, patientOnly := c.scopes.Allows(typ)
	if !ok {
		if err := h.fhirDenied(r, c, "", "scope does not cover "+typ); err != nil {
			return false, err
		}
		return false, &fhir.Outcome{Status: http.StatusForbidden, Code: "forbidden", Text: "The token's scopes (" + c.scopes.String() + ") do not include " + typ + "."}
	}
	if !auth.Can(c.user.Role, fhirPerm[typ]) {
		if err := h.fhirDenied(r, c, "", "role lacks "+string(fhirPerm[typ])); err != nil {
			return false, err
		}
		return false, &fhir.Outcome{Status: http.StatusForbidden, Code: "forbidden", Text: "Your role does not include " + string(fhirPerm[typ]) + ", which " + typ + " needs."}
	}
	return patientOnly, nil
}

var errNoClient = &fhir.Outcome{Status: http.StatusNotFound, Code: "not-found", Text: "There is no such resource."}

// clientRecord is one visible client's record with the center it sits in,
// for a read or $everything.
func (h *Handler) clientRecord(r *http.Request, c *fhirCaller, clientID string) (fhir.Center, fhir.Record, error) {
	rec, err := h.visibleClient(r, c, clientID)
	if err != nil {
		return fhir.Center{}, rec, err
	}
	center, err := fhir.LoadCenter(r.Context(), h.fhirStore())
	return center, rec, err
}

// visibleClient loads a client's record if the caller may see it: a
// missing client and one outside a clinician's care team are the same 404,
// and both are audited.
func (h *Handler) visibleClient(r *http.Request, c *fhirCaller, clientID string) (fhir.Record, error) {
	ctx := r.Context()
	fs := h.fhirStore()
	org, err := fs.Organization(ctx)
	if err != nil {
		return fhir.Record{}, err
	}
	rec, err := fhir.LoadRecord(ctx, fs, clientID, h.now(), org.Location())
	if model.KindOf(err) == model.KindNotFound {
		if err := h.fhirDenied(r, c, clientID, "not found"); err != nil {
			return rec, err
		}
		return rec, errNoClient
	}
	if err != nil {
		return rec, err
	}
	if auth.CareTeamLimited(c.user.Role) {
		why, err := h.Store.CareTeamAccess(ctx, clientID, c.user.ID, h.now())
		if err != nil {
			return rec, err
		}
		if why == "" {
			if err := h.fhirDenied(r, c, clientID, "outside the care team"); err != nil {
				return rec, err
			}
			return rec, errNoClient
		}
	}
	return rec, nil
}

// release audits the read of resources of each client among them and, for
// an outside system's token, discloses them under the client's consent: a
// client without a consent naming the system for every category refuses
// the whole answer with 403 (the refusal audited as a denied disclosure).
// It returns whether the redisclosure notice must go with the answer.
func (h *Handler) release(r *http.Request, c *fhirCaller, res []fhir.Resource) (bool, error) {
	ctx := r.Context()
	byClient := map[string][]fhir.Resource{}
	var order []string
	var center int
	for _, x := range res {
		id := x.Client()
		if id == "" {
			center++
			continue
		}
		if _, seen := byClient[id]; !seen {
			order = append(order, id)
		}
		byClient[id] = append(byClient[id], x)
	}
	what := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		what += "?" + r.URL.RawQuery
	}
	if len(what) > 300 {
		what = what[:300]
	}
	if c.token.OutsideSystem && len(order) > 0 {
		org, err := h.fhirStore().Organization(ctx)
		if err != nil {
			return false, err
		}
		today := model.DateOf(h.now().In(org.Location()))
		for _, id := range order {
			var cats []string
			var ids []string
			for _, x := range byClient[id] {
				if cat := categoryOf(x); !slices.Contains(cats, cat) {
					cats = append(cats, cat)
				}
				ids = append(ids, x.TypeName()+"/"+x.ID())
			}
			d := &consent.Disclosure{ClientID: id, Channel: "fhir", ByID: c.user.ID, ByName: c.user.Name,
				Description: "FHIR " + what + " by the outside system's token " + c.token.Name + ": " + strings.Join(ids, ", ")}
			if len(d.Description) > 2000 {
				d.Description = d.Description[:2000]
			}
			_, err := h.fhirStore().Disclose(ctx, d, consent.Request{Recipient: c.token.Name, Categories: cats}, today, h.record(r, c.user))
			if model.KindOf(err) == model.KindForbidden {
				return false, &fhir.Outcome{Status: http.StatusForbidden, Code: "forbidden",
					Text: "No 42 CFR part 2 consent on file lets this center disclose the record to " + c.token.Name + ": " + err.Error()}
			}
			if err != nil {
				return false, err
			}
		}
	}
	for _, id := range order {
		rec := h.record(r, c.user)
		rec.Action, rec.Category, rec.ClientID = audit.ActionRead, "client.fhir", id
		rec.Detail = what + " (" + strconv.Itoa(len(byClient[id])) + " resources)"
		if c.token.OutsideSystem {
			rec.Detail += "; outside system " + c.token.Name
		}
		if err := h.Audit.Record(ctx, rec); err != nil {
			return false, err
		}
	}
	if center > 0 && len(order) == 0 {
		rec := h.record(r, c.user)
		rec.Action, rec.Category, rec.Detail = audit.ActionRead, "fhir", what+" ("+strconv.Itoa(center)+" resources)"
		if err := h.Audit.Record(ctx, rec); err != nil {
			return false, err
		}
	}
	return c.token.OutsideSystem && len(order) > 0, nil
}

func (h *Handler) fhirRead(w http.ResponseWriter, r *http.Request, c *fhirCaller) error {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if _, err := h.checkType(r, c, typ); err != nil {
		return err
	}
	var all []fhir.Resource
	if fhir.ClientBound(typ) {
		clientID, ok := fhir.ClientOfID(typ, id)
		if !ok {
			if err := h.fhirDenied(r, c, "", "malformed id"); err != nil {
				return err
			}
			return errNoClient
		}
		center, rec, err := h.clientRecord(r, c, clientID)
		if err != nil {
			return err
		}
		all = fhir.ClientResources(center, rec)
	} else {
		center, err := fhir.LoadCenter(r.Context(), h.fhirStore())
		if err != nil {
			return err
		}
		all = fhir.CenterResources(center)
	}
	for _, x := range all {
		if x.TypeName() == typ && x.ID() == id {
			notice, err := h.release(r, c, []fhir.Resource{x})
			if err != nil {
				return err
			}
			if notice {
				w.Header().Set("X-Redisclosure-Notice", consent.NoticeText())
			}
			writeFHIR(w, http.StatusOK, x)
			return nil
		}
	}
	if err := h.fhirDenied(r, c, "", "no "+typ+" "+id); err != nil {
		return err
	}
	return errNoClient
}

// searchQuery is a search's parameters, checked.
type searchQuery struct {
	offset, count int
	patient       string // a client id, or ""
	filters       url.Values
}

func badParam(name, why string) error {
	return &fhir.Outcome{Status: http.StatusBadRequest, Code: "invalid", Param: name, Text: "Search parameter " + name + ": " + why}
}

func parseSearch(typ string, q url.Values) (searchQuery, error) {
	s := searchQuery{count: fhir.DefaultCount, filters: url.Values{}}
	allowed := append([]string{"_id"}, fhir.SearchParams[typ]...)
	for name, vals := range q {
		if len(vals) == 0 {
			continue
		}
		v := vals[len(vals)-1]
		switch {
		case name == "_count":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > fhir.MaxCount {
				return s, badParam(name, "give a whole number from 1 to "+strconv.Itoa(fhir.MaxCount)+", not "+strconv.Quote(v)+".")
			}
			s.count = n
		case name == "_offset":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return s, badParam(name, "give a whole number of 0 or more, not "+strconv.Quote(v)+".")
			}
			s.offset = n
		case name == "_format":
			if v != "json" && !strings.HasPrefix(v, "application/fhir+json") && v != "application/json" {
				return s, badParam(name, "this server answers in JSON only.")
			}
		case strings.Contains(name, ":"):
			return s, badParam(name, "modifiers are not supported.")
		case !slices.Contains(allowed, name):
			return s, badParam(name, typ+" is searched by "+strings.Join(allowed, ", ")+", _count and _offset.")
		case name == "patient" || name == "subject":
			id := strings.TrimPrefix(v, "Patient/")
			if !model.ValidID(id) {
				return s, badParam(name, "give a Patient id or Patient/<id>.")
			}
			if s.patient != "" && s.patient != id {
				return s, badParam(name, "name one patient.")
			}
			s.patient = id
		case name == "birthdate":
			if _, err := model.ParseDate(v); err != nil {
				return s, badParam(name, "give a date as YYYY-MM-DD.")
			}
			s.filters.Set(name, v)
		case name == "_id" && typ == "Patient":
			if !model.ValidID(v) {
				return s, badParam(name, "give a Patient id.")
			}
			s.patient = v
			s.filters.Set(name, v)
		default:
			s.filters.Set(name, v)
		}
	}
	// An id of a client-bound resource names its client: a search by _id
	// reads that one client's record, as a read does.
	if id := s.filters.Get("_id"); id != "" && s.patient == "" && fhir.ClientBound(typ) {
		if c, ok := fhir.ClientOfID(typ, id); ok {
			s.patient = c
		}
	}
	return s, nil
}

func (h *Handler) fhirSearch(w http.ResponseWriter, r *http.Request, c *fhirCaller) error {
	typ := r.PathValue("type")
	patientOnly, err := h.checkType(r, c, typ)
	if err != nil {
		return err
	}
	q, err := parseSearch(typ, r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	center, err := fhir.LoadCenter(ctx, h.fhirStore())
	if err != nil {
		return err
	}
	var all []fhir.Resource
	switch {
	case !fhir.ClientBound(typ):
		all = fhir.CenterResources(center)
	case q.patient != "":
		rec, err := h.visibleClient(r, c, q.patient)
		if err != nil {
			if errors.Is(err, errNoClient) {
				break // a search for a patient one cannot see finds nothing
			}
			return err
		}
		all = fhir.ClientResources(center, rec)
	case patientOnly || c.token.OutsideSystem:
		name := "patient"
		if typ == "Patient" {
			name = "_id"
		}
		return badParam(name, "this token reads one patient's record at a time: name the patient.")
	case typ == "Patient":
		ids, err := h.clientsOf(ctx, c)
		if err != nil {
			return err
		}
		for _, id := range ids {
			cl, err := h.fhirStore().Client(ctx, id)
			if err != nil {
				return err
			}
			all = append(all, fhir.Labelled(fhir.PatientOf(cl), cl.ID))
		}
	default:
		ids, err := h.clientsOf(ctx, c)
		if err != nil {
			return err
		}
		for _, id := range ids {
			rec, err := fhir.LoadRecord(ctx, h.fhirStore(), id, h.now(), center.Org.Location())
			if err != nil {
				return err
			}
			for _, x := range fhir.ClientResources(center, rec) {
				if x.TypeName() == typ {
					all = append(all, x)
				}
			}
		}
	}
	var match []fhir.Resource
	for _, x := range all {
		if x.TypeName() == typ && fhir.Matches(x, q.filters) {
			match = append(match, x)
		}
	}
	query := r.URL.Query()
	query.Del("_offset")
	query.Del("_count")
	b := fhir.SearchSet(h.fhirBaseURL(r), "/"+typ, query, match, q.offset, q.count)
	var page []fhir.Resource
	for _, e := range b.Entry {
		page = append(page, e.Resource)
	}
	notice, err := h.release(r, c, page)
	if err != nil {
		return err
	}
	if len(page) == 0 {
		if err := h.auditEmpty(r, c); err != nil {
			return err
		}
	}
	if notice {
		w.Header().Set("X-Redisclosure-Notice", consent.NoticeText())
	}
	writeFHIR(w, http.StatusOK, b)
	return nil
}

// auditEmpty records a search that found nothing (release records none).
func (h *Handler) auditEmpty(r *http.Request, c *fhirCaller) error {
	rec := h.record(r, c.user)
	rec.Action, rec.Category, rec.Detail = audit.ActionRead, "fhir", r.Method+" "+r.URL.Path+" (no match)"
	return h.Audit.Record(r.Context(), rec)
}

// clientsOf lists the clients the caller may see: a clinician only those of
// their care team.
func (h *Handler) clientsOf(ctx context.Context, c *fhirCaller) ([]string, error) {
	var q store.ClientQuery
	if auth.CareTeamLimited(c.user.Role) {
		q.CareTeamOf, q.Now = c.user.ID, h.now()
	}
	return fhir.AllClientIDs(ctx, h.fhirStore(), q)
}

// fhirEverything answers Patient/{id}/$everything: the patient's whole
// record, of the types the token and the role may read, with the
// Practitioners, Organization and Locations it refers to, as one searchset
// paged like any search.
func (h *Handler) fhirEverything(w http.ResponseWriter, r *http.Request, c *fhirCaller) error {
	if _, err := h.checkType(r, c, "Patient"); err != nil {
		return err
	}
	q := r.URL.Query()
	s := searchQuery{count: fhir.MaxCount}
	for name := range q {
		switch name {
		case "_count", "_offset":
			p, err := parseSearch("Patient", url.Values{name: q[name]})
			if err != nil {
				return err
			}
			if name == "_count" {
				s.count = p.count
			} else {
				s.offset = p.offset
			}
		default:
			return badParam(name, "$everything takes only _count and _offset here.")
		}
	}
	id := r.PathValue("id")
	if !model.ValidID(id) {
		if err := h.fhirDenied(r, c, "", "not found (malformed id)"); err != nil {
			return err
		}
		return errNoClient
	}
	center, rec, err := h.clientRecord(r, c, id)
	if err != nil {
		return err
	}
	var all []fhir.Resource
	for _, x := range fhir.ClientResources(center, rec) {
		if ok, _ := c.scopes.Allows(x.TypeName()); ok && auth.Can(c.user.Role, fhirPerm[x.TypeName()]) {
			all = append(all, x)
		}
	}
	for _, x := range fhir.CenterResources(center) {
		if x.TypeName() == "Questionnaire" {
			continue
		}
		if ok, _ := c.scopes.Allows(x.TypeName()); ok && auth.Can(c.user.Role, fhirPerm[x.TypeName()]) && fhir.Referenced(all, x) {
			all = append(all, x)
		}
	}
	q.Del("_offset")
	q.Del("_count")
	b := fhir.SearchSet(h.fhirBaseURL(r), "/Patient/"+id+"/$everything", q, all, s.offset, s.count)
	var page []fhir.Resource
	for _, e := range b.Entry {
		page = append(page, e.Resource)
	}
	notice, err := h.release(r, c, page)
	if err != nil {
		return err
	}
	if notice {
		w.Header().Set("X-Redisclosure-Notice", consent.NoticeText())
	}
	writeFHIR(w, http.StatusOK, b)
	return nil
}

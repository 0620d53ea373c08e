package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/web/form"
)

// blankRows is how many empty rows each list of the form offers to add to.
const blankRows = 2

type relapseData struct {
	Client   model.Client
	Current  relapse.Plan // the newest version; zero before the first
	Typed    relapse.Plan // what the form shows
	Versions []relapseVersion
	Crisis   []relapse.CrisisStep
	Rows     relapseRows
	Problems map[string]string
	Saved    bool
	CanEdit  bool
	Action   string // where the form saves
}

// relapseVersion is a version with what it changed from the one before.
type relapseVersion struct {
	relapse.Plan
	Changes []relapse.Change
}

type cueRow struct{ Text, Coping, TextName, CopingName string }
type contactRow struct{ Name, Relationship, Phone, NameName, RelName, PhoneName string }
type textRow struct{ Text, Name string }

type relapseRows struct {
	Triggers, Signs []cueRow
	Contacts        []contactRow
	Places, Reasons []textRow
}

func cueRows(list string, cues []relapse.Cue) []cueRow {
	var out []cueRow
	for i := range min(len(cues)+blankRows, relapse.MaxItems) {
		var c relapse.Cue
		if i < len(cues) {
			c = cues[i]
		}
		out = append(out, cueRow{Text: c.Text, Coping: c.Coping, TextName: relapse.Field(list, i, "text"), CopingName: relapse.Field(list, i, "coping")})
	}
	return out
}

func textRows(list string, items []string) []textRow {
	var out []textRow
	for i := range min(len(items)+blankRows, relapse.MaxItems) {
		var s string
		if i < len(items) {
			s = items[i]
		}
		out = append(out, textRow{Text: s, Name: relapse.Field(list, i, "text")})
	}
	return out
}

func rowsOfRelapse(p relapse.Plan) relapseRows {
	r := relapseRows{Triggers: cueRows("trigger", p.Triggers), Signs: cueRows("sign", p.WarningSigns),
		Places: textRows("place", p.SafePlaces), Reasons: textRows("reason", p.Reasons)}
	for i := range min(len(p.Contacts)+blankRows, relapse.MaxItems) {
		var c relapse.Contact
		if i < len(p.Contacts) {
			c = p.Contacts[i]
		}
		r.Contacts = append(r.Contacts, contactRow{Name: c.Name, Relationship: c.Relationship, Phone: c.Phone,
			NameName: relapse.Field("contact", i, "name"), RelName: relapse.Field("contact", i, "relationship"), PhoneName: relapse.Field("contact", i, "phone")})
	}
	return r
}

// relapseFromForm reads the form; empty rows are dropped.
func relapseFromForm(f *form.Form, clientID string) relapse.Plan {
	p := relapse.Plan{ClientID: clientID, AfterLapse: f.String("after_lapse", 4000)}
	cues := func(list string) []relapse.Cue {
		var out []relapse.Cue
		for i := range relapse.MaxItems + blankRows {
			c := relapse.Cue{Text: f.String(relapse.Field(list, i, "text"), 1000), Coping: f.String(relapse.Field(list, i, "coping"), 1000)}
			if c != (relapse.Cue{}) {
				out = append(out, c)
			}
		}
		return out
	}
	texts := func(list string) []string {
		var out []string
		for i := range relapse.MaxItems + blankRows {
			if s := f.String(relapse.Field(list, i, "text"), 1000); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	p.Triggers, p.WarningSigns, p.SafePlaces, p.Reasons = cues("trigger"), cues("sign"), texts("place"), texts("reason")
	for i := range relapse.MaxItems + blankRows {
		c := relapse.Contact{Name: f.String(relapse.Field("contact", i, "name"), 1000),
			Relationship: f.String(relapse.Field("contact", i, "relationship"), 1000), Phone: f.String(relapse.Field("contact", i, "phone"), 40)}
		if c != (relapse.Contact{}) {
			p.Contacts = append(p.Contacts, c)
		}
	}
	return p
}

// relapsePlan shows the client's relapse-prevention plan: the crisis steps
// first, the current version, the form to change it, and every version with
// what it changed and who changed it.
func (s *Server) relapsePlan(w http.ResponseWriter, r *http.Request) error {
	return s.renderRelapse(w, r, http.StatusOK, nil, nil, "relapse_plan")
}

// relapseCard is the plan as a wallet-sized card to print and carry.
func (s *Server) relapseCard(w http.ResponseWriter, r *http.Request) error {
	return s.renderRelapse(w, r, http.StatusOK, nil, nil, "relapse_card")
}

func (s *Server) renderRelapse(w http.ResponseWriter, r *http.Request, status int, typed *relapse.Plan, problems map[string]string, page string) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	versions, err := s.Store.RelapsePlans(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.relapse_plan", c.ID, page); err != nil {
		return err
	}
	v := s.view(r, "Relapse-prevention plan: "+c.DisplayName(), "clients")
	d := relapseData{Client: c, Crisis: relapse.CrisisSteps(v.Org.Name, v.Org.Phone), Problems: problems,
		Saved: r.URL.Query().Get("saved") == "1", CanEdit: v.Can(string(auth.RecordClinical)),
		Action: "/clients/" + url.PathEscape(c.ID) + "/relapse-plan"}
	for i, p := range versions {
		rv := relapseVersion{Plan: p}
		if i+1 < len(versions) {
			rv.Changes = relapse.Diff(versions[i+1], p)
		} else {
			rv.Changes = relapse.Diff(relapse.Plan{}, p)
		}
		d.Versions = append(d.Versions, rv)
	}
	if len(versions) > 0 {
		d.Current = versions[0]
	}
	d.Typed = d.Current
	if typed != nil {
		d.Typed = *typed
	}
	d.Rows = rowsOfRelapse(d.Typed)
	v.Data = d
	return s.pages.Page(w, status, page, &v)
}

// relapseSave saves a new version written by the staff member with the
// client; a save from an out-of-date version is refused (409).
func (s *Server) relapseSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.relapseSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	base, err := strconv.Atoi(f.String("base_version", 6))
	if err != nil || base < 0 {
		return model.Errorf("web.relapseSave", model.KindInvalid, "The form does not say which version it changes: reload the page.")
	}
	p := relapseFromForm(f, c.ID)
	if !f.OK() {
		return s.renderRelapse(w, r, http.StatusUnprocessableEntity, &p, f.Problems, "relapse_plan")
	}
	u := sessionOf(r).User
	err = s.Store.SaveRelapsePlan(r.Context(), &p, base, relapse.AuthorStaff, u.ID, u.Name, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderRelapse(w, r, http.StatusUnprocessableEntity, &p, fields, "relapse_plan")
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/relapse-plan?saved=1", http.StatusSeeOther)
	return nil
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/release"
	"github.com/openiop/openiop/internal/web/form"
)

type releaseData struct {
	Client     model.Client
	InForce    []consent.Consent // consents a release can be made under
	Chosen     *consentRow
	Categories []releaseCategory
	Recipient  string
	Note       string
	Problems   map[string]string
	Refused    string // why the consents on file did not allow the release
}

// releaseCategory is one category on the release form: whether the chosen
// consent covers it and whether it is ticked.
type releaseCategory struct {
	consent.Category
	Covered, Checked bool
}

// releaseForm lists the consents in force and, once one is chosen, the
// information it allows to be released.
func (s *Server) releaseForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderRelease(w, r, http.StatusOK, r.URL.Query().Get("consent"), nil, "", "", nil, "")
}

func (s *Server) renderRelease(w http.ResponseWriter, r *http.Request, status int, chosenID string, checked []string,
	recipient, note string, problems map[string]string, refused string) error {
	c, list, care, err := s.clientConsents(r)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.consent", c.ID, "release form"); err != nil {
		return err
	}
	v := s.view(r, "Release records: "+c.DisplayName(), "clients")
	d := releaseData{Client: c, Recipient: recipient, Note: note, Problems: problems, Refused: refused}
	for _, k := range list {
		if k.StateOn(v.Today, care) == consent.StateActive {
			d.InForce = append(d.InForce, k)
		}
		if k.ID == chosenID {
			d.Chosen = &consentRow{Consent: k, State: k.StateOn(v.Today, care)}
		}
	}
	if d.Chosen != nil {
		if d.Recipient == "" && d.Chosen.Recipient.Kind != consent.RecipientClass {
			d.Recipient = d.Chosen.Recipient.Name
		}
		for _, cat := range consent.Releasable() {
			covered := d.Chosen.Covers(cat.Code)
			tick := covered && (checked == nil || slices.Contains(checked, cat.Code))
			d.Categories = append(d.Categories, releaseCategory{Category: cat, Covered: covered, Checked: tick})
		}
	}
	v.Data = d
	return s.pages.Page(w, status, "release", &v)
}

// releaseCreate discloses the chosen information: the consents on file are
// checked again under the client's consent lock (one may have been revoked
// since the form was drawn), the packet is built from the record as it is
// now and kept with the disclosure, and the printable copy is shown.
func (s *Server) releaseCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.releaseCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	id := f.String("consent", 40)
	if !model.ValidID(id) {
		return model.NotFound("web.releaseCreate", "consent")
	}
	k, err := s.Store.Consent(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(consent.Releasable()))
	for _, cat := range consent.Releasable() {
		codes = append(codes, cat.Code)
	}
	cats := f.Values("categories", len(codes), 40)
	recipient := f.String("recipient", 200)
	note := f.String("note", 500)
	for _, code := range cats {
		if !slices.Contains(codes, code) {
			f.Problems["categories"] = "Choose information from the list."
		}
	}
	if len(cats) == 0 {
		f.Problems["categories"] = "Choose the information to release."
	}
	if k.Recipient.Kind != consent.RecipientClass {
		recipient = k.Recipient.Name // a named consent releases to the one it names
	} else if strings.TrimSpace(recipient) == "" {
		f.Problems["recipient"] = "Name the provider, plan or payer receiving the records."
	}
	if !f.OK() {
		return s.renderRelease(w, r, http.StatusUnprocessableEntity, id, cats, recipient, note, f.Problems, "")
	}
	v := s.view(r, "", "clients")
	rec, err := s.releaseRecord(r.Context(), c, cats, v.loc)
	if err != nil {
		return err
	}
	u := sessionOf(r).User
	d := consent.Disclosure{ClientID: c.ID, Channel: consent.ChannelPrint, Description: note,
		Packet: release.Build(rec, cats), ByID: u.ID, ByName: u.Name}
	req := consent.Request{Recipient: recipient, TPO: k.Purpose == consent.PurposeTPO, Categories: cats}
	_, err = s.Store.Disclose(r.Context(), &d, req, v.Today, s.record(r))
	if model.KindOf(err) == model.KindForbidden {
		return s.renderRelease(w, r, http.StatusForbidden, id, cats, recipient, note, nil, model.UserMessage(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/disclosures/"+url.PathEscape(d.ID), http.StatusSeeOther)
	return nil
}

// releaseRecord reads only the parts of the chart the categories need.
func (s *Server) releaseRecord(ctx context.Context, c model.Client, cats []string, loc *time.Location) (release.Record, error) {
	rec := release.Record{Client: c}
	want := func(code string) bool { return slices.Contains(cats, code) }
	var err error
	if want(consent.CatEnrollment) || want(consent.CatDischarge) {
		if rec.Episodes, err = s.Store.Episodes(ctx, c.ID); err != nil {
			return rec, err
		}
	}
	if want(consent.CatDischarge) {
		for _, e := range rec.Episodes {
			if e.Status != model.EpisodeDischarged {
				continue
			}
			dis, err := s.Store.Discharge(ctx, e.ID)
			if model.KindOf(err) == model.KindNotFound {
				continue // discharged before summaries were kept
			} else if err != nil {
				return rec, err
			}
			rec.Discharges = append(rec.Discharges, dis)
		}
	}
	if want(consent.CatAttendance) {
		if rec.Marks, err = s.Store.ClientMarks(ctx, c.ID, model.Date{Year: 1900, Month: 1, Day: 1}); err != nil {
			return rec, err
		}
	}
	if want(consent.CatTreatmentPlan) {
		plans, err := s.Store.TreatmentPlans(ctx, c.ID)
		if err != nil {
			return rec, err
		}
		for i := range plans {
			if plans[i].Signed() {
				rec.Plan = &plans[i]
				break
			}
		}
	}
	if want(consent.CatMeasures) {
		if rec.Measures, err = s.Store.Measures(ctx, c.ID); err != nil {
			return rec, err
		}
	}
	if want(consent.CatScreens) {
		if rec.Screens, err = s.Store.Screens(ctx, c.ID); err != nil {
			return rec, err
		}
	}
	if want(consent.CatRelapsePlan) {
		plans, err := s.Store.RelapsePlans(ctx, c.ID)
		if err != nil {
			return rec, err
		}
		if len(plans) > 0 {
			rec.Relapse = &plans[0]
		}
	}
	if want(consent.CatProgressNotes) {
		if rec.Notes, err = s.progressNotes(ctx, c.ID, loc); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// progressNotes are the client's signed group-note sections and signed
// session notes, newest first.
func (s *Server) progressNotes(ctx context.Context, clientID string, loc *time.Location) ([]release.Note, error) {
	group, err := s.Store.ClientGroupNotes(ctx, clientID)
	if err != nil {
		return nil, err
	}
	sessions, err := s.Store.ClientSessionNotes(ctx, clientID)
	if err != nil {
		return nil, err
	}
	var out []release.Note
	for _, g := range group {
		out = append(out, release.Note{Date: g.Date, Kind: "Group: " + g.Title, Author: g.Note.SignedByName, Parts: []consent.Fact{
			{Label: "Topic", Value: g.Note.Topic}, {Label: "Participation", Value: g.Section.Participation},
			{Label: "Response", Value: g.Section.Response}, {Label: "Progress", Value: g.Section.Progress}, {Label: "Plan", Value: g.Section.Plan}}})
	}
	for _, sn := range sessions {
		if !sn.Signed {
			continue
		}
		_, n, err := s.Store.SessionNote(ctx, clientID, sn.AppointmentID)
		if err != nil {
			return nil, err
		}
		note := release.Note{Date: model.DateOf(sn.Start.In(loc)), Kind: "Individual session (" + strings.ToUpper(n.Format) + ")", Author: sn.AuthorName}
		for _, field := range notes.FieldsOf(n.Format) {
			note.Parts = append(note.Parts, consent.Fact{Label: field.Label, Value: n.Parts[field.Key]})
		}
		out = append(out, note)
	}
	slices.SortStableFunc(out, func(a, b release.Note) int { return strings.Compare(b.Date.String(), a.Date.String()) })
	return out, nil
}

// disclosureShow is a disclosure as it was sent: the notice first, the
// consent's scope, then the information, for printing and for the file.
func (s *Server) disclosureShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("did")
	if !model.ValidID(id) {
		return model.NotFound("web.disclosureShow", "disclosure")
	}
	d, err := s.Store.Disclosure(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	k, err := s.Store.Consent(r.Context(), c.ID, d.ConsentID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.disclosure", c.ID, "disclosure="+d.ID); err != nil {
		return err
	}
	v := s.view(r, "Records released: "+c.DisplayName(), "clients")
	v.Data = struct {
		Client     model.Client
		Disclosure consent.Disclosure
		Consent    consent.Consent
		Notice     []string
		Just       bool
	}{c, d, k, consent.Notice, r.URL.Query().Get("done") == "1"}
	return s.pages.Page(w, http.StatusOK, "disclosure", &v)
}

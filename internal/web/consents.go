package web

import (
	"net/http"
	"net/url"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

type consentsData struct {
	Client      model.Client
	Consents    []consentRow
	Typed       consent.Consent
	Problems    map[string]string
	Flash       string
	Purposes    []consent.Purpose
	Categories  []consent.Category
	Disclosures int
}

// consentRow is a consent with where it stands today.
type consentRow struct {
	consent.Consent
	State consent.State
}

func (s *Server) consents(w http.ResponseWriter, r *http.Request) error {
	return s.renderConsents(w, r, http.StatusOK, nil, nil)
}

// clientConsents reads the client in the path, their consents and what
// their consents' end-of-treatment expiry depends on.
func (s *Server) clientConsents(r *http.Request) (model.Client, []consent.Consent, consent.Care, error) {
	c, err := s.loadClient(r)
	if err != nil {
		return c, nil, consent.Care{}, err
	}
	list, err := s.Store.Consents(r.Context(), c.ID)
	if err != nil {
		return c, nil, consent.Care{}, err
	}
	care, err := s.Store.ConsentCare(r.Context(), c.ID)
	return c, list, care, err
}

func (s *Server) renderConsents(w http.ResponseWriter, r *http.Request, status int, typed *consent.Consent, problems map[string]string) error {
	c, list, care, err := s.clientConsents(r)
	if err != nil {
		return err
	}
	disclosed, err := s.Store.Disclosures(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.consent", c.ID, "consents"); err != nil {
		return err
	}
	v := s.view(r, "Consents: "+c.DisplayName(), "clients")
	d := consentsData{Client: c, Problems: problems, Purposes: consent.Purposes, Categories: consent.Categories, Disclosures: len(disclosed)}
	for _, k := range list {
		d.Consents = append(d.Consents, consentRow{Consent: k, State: k.StateOn(v.Today, care)})
	}
	switch r.URL.Query().Get("done") {
	case "recorded":
		d.Flash = "The consent was recorded."
	case "revoked":
		d.Flash = "The consent was revoked. Nothing more will be disclosed under it."
	}
	if typed != nil {
		d.Typed = *typed
	} else {
		d.Typed = consent.Consent{Recipient: consent.Recipient{Kind: consent.RecipientOrganization}, Expiry: consent.ExpiresOnDate,
			SignerName: c.FirstName + " " + c.LastName, SignerAuthority: consent.SignerClient, SignedOn: v.Today}
	}
	v.Data = d
	return s.pages.Page(w, status, "consents", &v)
}

// consentFromForm reads the consent form; the client's name and the
// program disclosing come from the record, not the form.
func consentFromForm(f *form.Form, c model.Client, org string) consent.Consent {
	k := consent.Consent{ClientID: c.ID, ClientName: c.FirstName + " " + c.LastName, Discloser: org,
		Recipient: consent.Recipient{Kind: f.String("recipient_kind", 20), Name: f.String("recipient_name", 200), Detail: f.String("recipient_detail", 500)},
		Purpose:   consent.Purpose(f.String("purpose", 40)), PurposeDetail: f.String("purpose_detail", 500),
		Categories: f.Values("categories", len(consent.Categories), 40), Expiry: f.String("expiry", 20), ExpiresOn: f.Date("expires_on"),
		SignerName: f.String("signer_name", 200), SignerAuthority: f.String("signer_authority", 20), SignedOn: f.Date("signed_on"),
		StatementsGiven: f.String("statements_given", 3) == "yes"}
	if k.Recipient.Kind == consent.RecipientClass && k.Recipient.Name == "" {
		k.Recipient.Name = consent.TPORecipients
	}
	if k.Expiry != consent.ExpiresOnDate {
		k.ExpiresOn = model.Date{}
	}
	return k
}

// consentCreate records a signed consent; one lacking a required element is
// shown again with each missing element named.
func (s *Server) consentCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.consentCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "", "clients")
	k := consentFromForm(f, c, v.Org.Name)
	f.Merge(k.Check(v.Today))
	if !f.OK() {
		return s.renderConsents(w, r, http.StatusUnprocessableEntity, &k, f.Problems)
	}
	err = s.Store.SaveConsent(r.Context(), &k, v.Today, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderConsents(w, r, http.StatusUnprocessableEntity, &k, fields)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/consents?done=recorded", http.StatusSeeOther)
	return nil
}

// consentShow is one consent as a printable copy for the client and the file.
func (s *Server) consentShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("cid")
	if !model.ValidID(id) {
		return model.NotFound("web.consentShow", "consent")
	}
	k, err := s.Store.Consent(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	care, err := s.Store.ConsentCare(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.consent", c.ID, "consent="+k.ID); err != nil {
		return err
	}
	v := s.view(r, "Consent to disclose", "clients")
	state := k.StateOn(v.Today, care)
	family, err := s.familyCardOf(r, c.ID, k, state)
	if err != nil {
		return err
	}
	v.Data = struct {
		Client model.Client
		Row    consentRow
		Family familyCard
	}{c, consentRow{Consent: k, State: state}, family}
	return s.pages.Page(w, http.StatusOK, "consent", &v)
}

// consentRevoke records a written revocation of a consent.
func (s *Server) consentRevoke(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("cid")
	if !model.ValidID(id) {
		return model.NotFound("web.consentRevoke", "consent")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.consentRevoke", model.KindInvalid, "The form could not be read: %v", err)
	}
	note := f.String("note", 500)
	if !f.OK() {
		return s.renderConsents(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"revoke-" + id: f.Problems["note"]})
	}
	err = s.Store.RevokeConsent(r.Context(), c.ID, id, note, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderConsents(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"revoke-" + id: fields["note"]})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/consents?done=revoked", http.StatusSeeOther)
	return nil
}

// disclosures is the accounting of disclosures, printable for a client who
// asks for it.
func (s *Server) disclosures(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	list, err := s.Store.Disclosures(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.disclosure", c.ID, "accounting of disclosures"); err != nil {
		return err
	}
	v := s.view(r, "Accounting of disclosures: "+c.DisplayName(), "clients")
	v.Data = struct {
		Client      model.Client
		Disclosures []consent.Disclosure
	}{c, list}
	return s.pages.Page(w, http.StatusOK, "disclosures", &v)
}

package web

import (
	"net/http"
	"slices"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// A family member sees what the client's consent naming them allows, and
// nothing once it is revoked or expired: every request checks the consent,
// and every page that shows the client's information records a disclosure
// under it, with the redisclosure notice on the page.

// familyResource is a source of help for families, with where it comes from.
type familyResource struct {
	Name, What, Contact, Href string
}

// familyResources are national resources for families of people with a
// substance use disorder; each names its own organisation and address.
var familyResources = []familyResource{
	{"SAMHSA National Helpline", "Free, confidential treatment referral and information, all day, every day, in English and Spanish.",
		"1-800-662-4357", "tel:18006624357"},
	{"988 Suicide & Crisis Lifeline", "If you are worried about someone's safety, call or text, any time.", "988", "tel:988"},
	{"Al-Anon Family Groups", "Mutual-help meetings for family and friends of people who drink.", "al-anon.org", "https://al-anon.org"},
	{"Nar-Anon Family Groups", "Mutual-help meetings for family and friends of people who use drugs.", "nar-anon.org", "https://www.nar-anon.org"},
	{"SMART Recovery Family & Friends", "Meetings based on CRAFT (Community Reinforcement and Family Training), online and in person.",
		"smartrecovery.org/family", "https://smartrecovery.org/family"},
	{"NAMI Family-to-Family", "A free course for families of people with mental health conditions, from the National Alliance on Mental Illness.",
		"nami.org", "https://www.nami.org"},
}

type familyHomeData struct {
	FirstName  string
	Consent    consent.Consent
	Shown      []string // category labels shown on this page
	Groups     []portalEvent
	Sessions   []portalEvent // the client's family sessions (attendance consented)
	Week       *intensity.Week
	Goals      []string // the signed plan's goals (treatment plan consented)
	Relapse    *relapse.Plan
	Resources  []familyResource
	Notice     []string
	Redisclose bool
}

// Shows reports whether the consent lets the page show a category.
func (d familyHomeData) Shows(code string) bool { return slices.Contains(d.Consent.Categories, code) }

// familyConsent checks, on every family request, that the consent the
// account was made under is still in force. When it is not, the session
// ends and the person sees why.
func (s *Server) familyConsent(w http.ResponseWriter, r *http.Request) (model.Client, consent.Consent, bool, error) {
	ps := portalOf(r)
	ctx := r.Context()
	c, err := s.Store.Client(ctx, ps.Account.ClientID)
	if err != nil {
		return c, consent.Consent{}, false, err
	}
	k, err := s.Store.Consent(ctx, c.ID, ps.Account.ConsentID)
	if err != nil {
		return c, k, false, err
	}
	care, err := s.Store.ConsentCare(ctx, c.ID)
	if err != nil {
		return c, k, false, err
	}
	today := model.DateOf(s.Now().In(s.siteLocation(r)))
	if state := k.StateOn(today, care); state != consent.StateActive {
		rec := s.record(r)
		rec.Action, rec.Category, rec.ClientID, rec.Outcome = audit.ActionDenied, "client.disclosure", c.ID, audit.OutcomeDenied
		rec.Detail = "family portal closed: consent " + k.ID + " " + string(state)
		if err := s.Audit.Record(ctx, rec); err != nil {
			return c, k, false, err
		}
		if err := s.Store.DeletePortalSession(ctx, ps.TokenHash, nil); err != nil {
			return c, k, false, err
		}
		s.clearPortalCookie(w)
		v := s.portalView(r, "Your access has ended", "")
		v.Portal = nil
		v.Data = struct {
			Revoked bool
			Phone   string
		}{state == consent.StateRevoked, v.Org.Phone}
		return c, k, false, s.pages.Page(w, http.StatusForbidden, "portal_family_ended", &v)
	}
	return c, k, true, nil
}

// familyHome is a family member's page: the program's family groups, how
// to reach the program, resources, and what the consent adds.
func (s *Server) familyHome(w http.ResponseWriter, r *http.Request) error {
	c, k, ok, err := s.familyConsent(w, r)
	if err != nil || !ok {
		return err
	}
	ctx := r.Context()
	v := s.portalView(r, "Family portal", "portal")
	d := familyHomeData{FirstName: c.FirstName, Consent: k, Resources: familyResources, Notice: consent.Notice}
	if c.PreferredName != "" {
		d.FirstName = c.PreferredName
	}
	loc := s.siteLocation(r)
	programID := ""
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		programID = c.Current.ProgramID
	}
	// The center's family education groups: about the program, not the client.
	occ, err := s.Store.Occurrences(ctx, store.SeriesFilter{}, v.Today, v.Today.AddDays(20), loc)
	if err != nil {
		return err
	}
	for _, o := range occ {
		if o.Series.Type == "family_education" && !o.Cancelled && len(d.Groups) < 8 {
			e := portalEvent{Title: o.Series.Title, Start: o.Start, End: o.End, Room: o.Series.Room, Telehealth: o.Series.TelehealthURL}
			e.setWhen(loc)
			d.Groups = append(d.Groups, e)
		}
	}
	var shown []string
	if d.Shows(consent.CatAttendance) {
		shown = append(shown, consent.CatAttendance)
		events, err := s.portalEvents(r, c.ID, v.Today, v.Today.AddDays(20))
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.ApptKind == "family" {
				d.Sessions = append(d.Sessions, e)
			}
		}
		if programID != "" {
			prog, err := s.Store.Program(ctx, programID)
			if err != nil {
				return err
			}
			week, err := s.weekOf(r, c.ID, prog.MinWeeklyMinutes, intensity.Monday(v.Today))
			if err != nil {
				return err
			}
			d.Week = &week
		}
	}
	if d.Shows(consent.CatTreatmentPlan) {
		shown = append(shown, consent.CatTreatmentPlan)
		plans, err := s.Store.TreatmentPlans(ctx, c.ID)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(plans, plan.Plan.Signed); i >= 0 {
			for _, p := range plans[i].Problems {
				if p.Goal != "" {
					d.Goals = append(d.Goals, p.Goal)
				}
			}
		}
	}
	if d.Shows(consent.CatRelapsePlan) {
		shown = append(shown, consent.CatRelapsePlan)
		rpp, err := s.Store.RelapsePlans(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(rpp) > 0 {
			d.Relapse = &rpp[0]
		}
	}
	d.Shown = consent.CategoryLabels(shown)
	if len(shown) > 0 {
		// What this page shows of the client's record leaves the program: a
		// disclosure under the consent, refused if it ended this instant.
		ps := portalOf(r)
		disc := &consent.Disclosure{ClientID: c.ID, Channel: consent.ChannelPortal, Description: "family portal page viewed",
			ByID: portalActor(ps.Account), ByName: ps.Account.Name + " (family portal)"}
		rec := s.record(r)
		if _, err := s.Store.Disclose(ctx, disc, consent.Request{Recipient: k.Recipient.Name, Categories: shown}, v.Today, rec); err != nil {
			if model.KindOf(err) == model.KindForbidden {
				// Ended this instant: the same page as at the start of the next request.
				if _, _, ok, cerr := s.familyConsent(w, r); cerr != nil || !ok {
					return cerr
				}
			}
			return err
		}
		d.Redisclose = true
	} else if err := s.auditRead(r, audit.ActionRead, "client.portal", c.ID, "family portal home (program information only)"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "portal_family", &v)
}

// familyCard is what a consent page shows about the family portal.
type familyCard struct {
	Eligible bool // a family consent naming a person, in force
	Account  *portal.Account
	Status   string
}

// familyCardOf reads the family portal card for a consent.
func (s *Server) familyCardOf(r *http.Request, clientID string, k consent.Consent, state consent.State) (familyCard, error) {
	card := familyCard{Eligible: k.Purpose == consent.PurposeFamily && k.Recipient.Kind == consent.RecipientPerson && state == consent.StateActive}
	a, err := s.Store.FamilyPortalAccount(r.Context(), clientID, k.ID)
	switch {
	case err == nil:
		card.Account, card.Status = &a, a.Status(s.Now())
	case model.KindOf(err) != model.KindNotFound:
		return card, err
	}
	return card, nil
}

// familyInvite invites the person a family consent names to the family
// portal: a one-time code, as for the client.
func (s *Server) familyInvite(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("cid")
	if !model.ValidID(id) {
		return model.NotFound("web.familyInvite", "consent")
	}
	k, err := s.Store.Consent(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	care, err := s.Store.ConsentCare(r.Context(), c.ID)
	if err != nil {
		return err
	}
	v := s.view(r, "Family portal invitation", "clients")
	if card, err := s.familyCardOf(r, c.ID, k, k.StateOn(v.Today, care)); err != nil {
		return err
	} else if !card.Eligible {
		return model.Errorf("web.familyInvite", model.KindConflict,
			"only a family consent in force that names a person opens the family portal; this one does not")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.familyInvite", model.KindInvalid, "The form could not be read: %v", err)
	}
	email := f.String("email", 254)
	if email != "" && !model.ValidEmail(email) {
		return model.Invalid("web.familyInvite", map[string]string{"email": "Enter an email address like name@example.org, or leave it empty."})
	}
	code, err := portal.NewInviteCode(nil)
	if err != nil {
		return err
	}
	expires := s.Now().Add(portal.InviteLifetime)
	inv := store.PortalInvite{ClientID: c.ID, ConsentID: k.ID, Name: k.Recipient.Name, Email: email, ByID: sessionOf(r).User.ID,
		CodeHash: auth.HashToken(portal.NormalizeCode(code)), Expires: expires, Reset: f.String("reset", 3) == "yes"}
	acct, err := s.Store.InviteToPortal(r.Context(), inv, s.record(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	d := portalInviteData{Client: c, Code: code, Link: s.Options.BaseURL + "/portal/join/" + code, Email: email,
		Expires: v.Local(expires), Reset: inv.Reset, Family: k.Recipient.Name, ConsentID: k.ID}
	if d.Emailed, err = s.emailInvitation(r, acct, d.Link, d.Expires, inv.CodeHash); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "portal_invite", &v)
}

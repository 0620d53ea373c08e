package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/openiop/openiop/internal/audit"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// What staff do for the portal: invite a client (a code to print or a link
// to email), reset a lost access, close it; see the client's check-ins;
// answer the absences they tell ahead of time.

// portalCard is what the chart shows about a client's portal use.
type portalCard struct {
	Account  *portal.Account
	Status   string
	CheckIns []portal.CheckIn // the last two weeks, newest first
	Absences []portal.Absence // pending and upcoming
}

// portalCardOf reads the chart's portal card for a client.
func (s *Server) portalCardOf(r *http.Request, clientID string, today model.Date) (portalCard, error) {
	var card portalCard
	a, err := s.Store.ClientPortalAccount(r.Context(), clientID)
	switch {
	case err == nil:
		card.Account, card.Status = &a, a.Status(s.Now())
	case model.KindOf(err) != model.KindNotFound:
		return card, err
	}
	if card.CheckIns, err = s.Store.DailyCheckIns(r.Context(), clientID, today.AddDays(-13)); err != nil {
		return card, err
	}
	card.Absences, err = s.Store.Absences(r.Context(), store.AbsenceQuery{ClientID: clientID, From: today.AddDays(-7)})
	return card, err
}

type portalInviteData struct {
	Client    model.Client
	Code      string
	Link      string
	Email     string
	Expires   string
	Reset     bool
	Family    string // a family member's invitation: their name
	ConsentID string
	Emailed   bool // the link was queued to Email
}

// emailInvitation queues the invitation link to the account's email, if it
// has one; it reports whether it did.
func (s *Server) emailInvitation(r *http.Request, a portal.Account, link, expires, codeHash string) (bool, error) {
	if a.Email == "" {
		return false, nil
	}
	return s.Store.QueuePortalMessage(r.Context(), a, portal.Invitation(link, expires), "invite:"+a.ID+":"+codeHash[:16], s.record(r))
}

// portalInvite issues the client's invitation and shows the code once, to
// print or read out, with the link to send. Only the code's hash is kept.
func (s *Server) portalInvite(w http.ResponseWriter, r *http.Request) error {
	return s.issuePortalInvite(w, r, false)
}

// portalReset ends the client's password and sessions and issues a new
// invitation, for a lost password or a lost phone.
func (s *Server) portalReset(w http.ResponseWriter, r *http.Request) error {
	return s.issuePortalInvite(w, r, true)
}

func (s *Server) issuePortalInvite(w http.ResponseWriter, r *http.Request, reset bool) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.portalInvite", model.KindInvalid, "The form could not be read: %v", err)
	}
	email := f.String("email", 254)
	if email == "" {
		email = c.Email
	}
	if email != "" && !model.ValidEmail(email) {
		f.Problems["email"] = "Enter an email address like name@example.org, or leave it empty to print the code."
	}
	if !f.OK() {
		return model.Invalid("web.portalInvite", f.Problems)
	}
	code, err := portal.NewInviteCode(nil)
	if err != nil {
		return err
	}
	expires := s.Now().Add(portal.InviteLifetime)
	inv := store.PortalInvite{ClientID: c.ID, Email: email, ByID: sessionOf(r).User.ID, CodeHash: auth.HashToken(portal.NormalizeCode(code)),
		Expires: expires, Reset: reset}
	acct, err := s.Store.InviteToPortal(r.Context(), inv, s.record(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	v := s.view(r, "Portal invitation · "+c.DisplayName(), "clients")
	d := portalInviteData{Client: c, Code: code, Link: s.Options.BaseURL + "/portal/join/" + url.PathEscape(code), Email: email,
		Expires: v.Local(expires), Reset: reset}
	if d.Emailed, err = s.emailInvitation(r, acct, d.Link, d.Expires, inv.CodeHash); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "portal_invite", &v)
}

// portalClose ends a client's portal access (discharge, or at their wish).
func (s *Server) portalClose(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	if err := s.Store.ClosePortalAccess(r.Context(), c.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"#portal-title", http.StatusSeeOther)
	return nil
}

// absenceDecide accepts or declines an absence the client told ahead.
func (s *Server) absenceDecide(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.absenceDecide", model.KindInvalid, "The form could not be read: %v", err)
	}
	decision := f.OneOf("decision", []string{"accept", "decline"}, true, "Choose to accept or decline.")
	note := f.String("note", portal.MaxNote+1)
	if decision == "decline" && note == "" {
		f.Problems["note"] = "Say why, for the client: they read it in the portal."
	}
	if !f.OK() {
		return model.Invalid("web.absenceDecide", f.Problems)
	}
	id := r.PathValue("abid")
	if !model.ValidID(id) {
		return model.NotFound("web.absenceDecide", "absence notice")
	}
	if err := s.Store.DecideAbsence(r.Context(), c.ID, id, decision == "accept", note, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	s.forgetAlerts()
	back := "/absences"
	if f.String("back", 10) == "chart" {
		back = "/clients/" + url.PathEscape(c.ID) + "#portal-title"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

type absencesData struct {
	Pending []portal.Absence
	All     bool // the clinical director sees every client's
}

// absencesPending lists absences told ahead that wait for an answer: a
// counselor's own clients, or every client's for the clinical director.
func (s *Server) absencesPending(w http.ResponseWriter, r *http.Request) error {
	u := sessionOf(r).User
	v := s.view(r, "Absences told ahead", "home")
	q := store.AbsenceQuery{PendingOnly: true, From: v.Today}
	d := absencesData{All: canSeeAllSafetyAlerts(u)}
	if !d.All {
		q.CounselorID = u.ID
	}
	list, err := s.Store.Absences(r.Context(), q)
	if err != nil {
		return err
	}
	if d.Pending, err = careTeamOnly(s, r, list, func(a portal.Absence) string { return a.ClientID }); err != nil {
		return err
	}
	if err := auditShown(s, r, "client.attendance", "absences told ahead", d.Pending, func(a portal.Absence) string { return a.ClientID }); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "absences", &v)
}

var inviteInLink = regexp.MustCompile(`/portal/join/[A-Za-z0-9-]+`)

type outboxData struct {
	Messages []store.OutboxMessage
	SMTP     bool // false: nothing is sent; the messages wait here (demo mode)
}

// portalOutbox shows the emails queued for clients, newest first: what each
// said, to whom, and whether it went. Without SMTP (demo mode) this page is
// where they can be read.
func (s *Server) portalOutbox(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Store.PortalOutbox(r.Context(), 200)
	if err != nil {
		return err
	}
	for i := range list {
		// An invitation's code opens the account: the page shows that one was sent, not the code.
		list[i].Body = inviteInLink.ReplaceAllString(list[i].Body, "/portal/join/(code hidden)")
	}
	rec := s.record(r)
	rec.Action, rec.Category, rec.Detail = audit.ActionQuery, "client.portal", "portal outbox: "+strconv.Itoa(len(list))+" messages"
	if err := s.Audit.Record(r.Context(), rec); err != nil {
		return err
	}
	v := s.view(r, "Emails to clients", "home")
	v.Data = outboxData{Messages: list, SMTP: s.Options.SMTP}
	return s.pages.Page(w, http.StatusOK, "outbox", &v)
}

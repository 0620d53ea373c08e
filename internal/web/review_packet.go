package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/release"
	"github.com/openiop/openiop/internal/web/form"
)

// urPacket makes, from a continued-stay review, the packet a payer's
// utilization reviewer asks for: the request and the six dimensions, then
// the episode, attendance and weekly hours, treatment-plan progress,
// measures and drug screens. It is a disclosure to the payer: it needs a
// consent naming the payer (the TPO consent does), carries the
// redisclosure notice, and is recorded in the client's accounting.
func (s *Server) urPacket(w http.ResponseWriter, r *http.Request) error {
	const op = "web.urPacket"
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf(op, model.KindInvalid, "The form could not be read: %v", err)
	}
	eventID := f.String("event", 40)
	events, err := s.Store.EpisodeEvents(r.Context(), ep.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(events, func(e care.Event) bool { return e.ID == eventID && e.Kind == care.Review })
	if i < 0 {
		return model.NotFound(op, "continued-stay review")
	}
	ev := events[i]
	covs, err := s.Store.Coverages(r.Context(), c.ID)
	if err != nil {
		return err
	}
	payerID, unit, units := f.String("payer", 40), billing.Unit(f.String("unit", 20)), f.Int("units", 0)
	from, to := f.Date("from"), f.Date("to")
	problems := map[string]string{}
	j := slices.IndexFunc(covs, func(x billing.Coverage) bool { return x.PayerID == payerID })
	if j < 0 {
		problems["ur_payer"] = "Choose one of the client's payers."
	}
	if unit.Label() == string(unit) {
		problems["ur_unit"] = "Choose what is asked for: days, hours or sessions."
	}
	if units < 1 || units > 1000 {
		problems["ur_units"] = "Enter the units asked for, from 1 to 1000."
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		problems["ur_to"] = "Enter the dates asked for; the last cannot come before the first."
	}
	for k, v := range f.Problems {
		problems["ur_"+k] = v
	}
	if len(problems) > 0 {
		return s.renderEpisodeUR(w, r, http.StatusUnprocessableEntity, ev.ID, problems)
	}
	payer := covs[j].PayerName
	var assessment *care.Assessment
	all, err := s.Store.Assessments(r.Context(), c.ID)
	if err != nil {
		return err
	}
	for k := range all { // the review's own assessment, else the latest in the episode
		if all[k].ID == ev.AssessmentID || ev.AssessmentID == "" && all[k].EpisodeID == ep.ID && (assessment == nil || assessment.AssessedOn.Before(all[k].AssessedOn)) {
			assessment = &all[k]
		}
	}
	v := s.view(r, "", "clients")
	record, err := s.releaseRecord(r.Context(), c, release.ReviewCategories, v.loc)
	if err != nil {
		return err
	}
	packet := release.Build(record, release.ReviewCategories)
	ur := release.UtilizationReview(release.Review{Payer: payer, Episode: ep, Event: ev, Assessment: assessment,
		Requested: unit.Noun(units) + map[billing.Unit]string{billing.PerDiem: " (per diem)"}[unit], From: from, To: to})
	packet.Sections = append([]consent.Section{ur}, packet.Sections...)
	u := sessionOf(r).User
	d := consent.Disclosure{ClientID: c.ID, Channel: consent.ChannelPrint, Description: "utilization review packet (continued-stay review of " +
		ev.Date.Format("Jan 2, 2006") + ")", Packet: packet, ByID: u.ID, ByName: u.Name}
	_, err = s.Store.Disclose(r.Context(), &d, consent.Request{Recipient: payer, TPO: true, Categories: release.ReviewCategories}, v.Today, s.record(r))
	if model.KindOf(err) == model.KindForbidden {
		return s.renderEpisodeUR(w, r, http.StatusForbidden, ev.ID, map[string]string{"ur_payer": model.UserMessage(err)})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/disclosures/"+url.PathEscape(d.ID), http.StatusSeeOther)
	return nil
}

// decisionSave records a payer's decision on a utilization review; an
// approval adds the authorization it grants.
func (s *Server) decisionSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.decisionSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	d := billing.Decision{ClientID: c.ID, PayerID: f.String("payer", 40), Outcome: billing.Outcome(f.String("outcome", 20)),
		Requested: f.Int("requested", 0), Reason: f.String("reason", 1000), NextReview: f.Date("next_review"), DecidedOn: f.Date("decided_on")}
	if d.Outcome.Grants() {
		d.Auth = billing.Authorization{ClientID: c.ID, PayerID: d.PayerID, Number: f.String("number", 50), Level: model.LevelOfCare(f.String("level", 40)),
			Unit: billing.Unit(f.String("unit", 20)), Units: f.Int("units", 0), From: f.Date("from"), To: f.Date("to"), Contact: f.String("contact", 200)}
	}
	today := s.view(r, "", "").Today
	f.Merge(d.Problems(today))
	if f.OK() {
		err = s.Store.RecordDecision(r.Context(), &d, today, sessionOf(r).User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderCoverageDecision(w, r, &d, f.Problems)
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/coverage?done=decision", http.StatusSeeOther)
	return nil
}

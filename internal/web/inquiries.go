package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
	"github.com/openiop/openiop/internal/selfassess"
	"github.com/openiop/openiop/internal/web/form"
)

type inquiriesData struct {
	Counts    []levelCount // anonymous self-assessment results, last 30 days
	Total     int
	Crises    int
	Inquiries []admissions.Inquiry
	Status    string
	Filters   []statusFilter
	Now       time.Time
	Overdue   int
}

// inquiryList is the admissions board: open inquiries with the next step
// soonest first (overdue ones marked), or those of one status.
func (s *Server) inquiryList(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	if status != "" && !admissions.Status(status).Valid() {
		status = ""
	}
	list, err := s.Store.Inquiries(r.Context(), admissions.Status(status))
	if err != nil {
		return err
	}
	if len(list) > 0 {
		ids := make([]string, len(list))
		for i, in := range list {
			ids[i] = in.ID
		}
		if err := s.auditRead(r, audit.ActionQuery, "inquiry", "", "shown="+joinIDs(ids)); err != nil {
			return err
		}
	}
	v := s.view(r, "Inquiries", "inquiries")
	d := inquiriesData{Inquiries: list, Status: status, Now: s.Now()}
	d.Filters = append(d.Filters, statusFilter{Value: "", Label: "Open", Current: status == ""})
	for _, st := range admissions.Statuses {
		d.Filters = append(d.Filters, statusFilter{Value: string(st), Label: st.Label(), Current: string(st) == status})
	}
	for _, in := range list {
		if in.Overdue(d.Now) {
			d.Overdue++
		}
	}
	counts, err := s.Store.SelfAssessmentCounts(r.Context(), v.Today.AddDays(-29))
	if err != nil {
		return err
	}
	byLevel := map[string]int{}
	for _, c := range counts {
		byLevel[c.Level] += c.N
		d.Total += c.N
		if c.Crisis {
			d.Crises += c.N
		}
	}
	for _, l := range []placement.Level{placement.Emergency, placement.WithdrawalManagement, placement.Residential,
		placement.PartialHospitalization, placement.IntensiveOutpatient, placement.Outpatient, placement.EarlyIntervention} {
		if n := byLevel[string(l)]; n > 0 {
			d.Counts = append(d.Counts, levelCount{Label: l.Label(), N: n})
		}
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "inquiries", &v)
}

// levelCount is how many self-assessments recommended a level.
type levelCount struct {
	Label string
	N     int
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out
}

type inquiryData struct {
	Inquiry    admissions.Inquiry
	Contacts   []admissions.Contact
	Result     *selfassess.Summary
	Answers    []answerRow
	Statuses   []admissions.Status
	Sources    []struct{ Value, Label string }
	Channels   []struct{ Value, Label string }
	Outcomes   []struct{ Value, Label string }
	Problems   map[string]string
	Update     admissions.Update
	Now        time.Time
	Flash      string
	SourceName string
	Pay        payView              // what the person was told about paying
	Checklist  admissions.Checklist // the payer checklist, with who and when
	PreAuths   []struct{ Value, Label string }
	CheckedBy  map[string]string // by checklist item: who set it and when, in words
	Income     string            // the household income they gave, in dollars
}

// answerRow is one self-assessment answer in words, for staff.
type answerRow struct{ Question, Answer string }

func answerRows(raw string) []answerRow {
	var a selfassess.Answers
	if json.Unmarshal([]byte(raw), &a) != nil {
		return nil
	}
	var out []answerRow
	for _, sec := range selfassess.Sections {
		for _, q := range sec.Questions {
			vals, ok := a[q.Key]
			if !ok {
				continue
			}
			var words []string
			for _, v := range vals {
				label := v
				for _, o := range q.Options {
					if o.Value == v {
						label = o.Label
					}
				}
				words = append(words, label)
			}
			out = append(out, answerRow{q.Text, joinWords(words)})
		}
	}
	return out
}

func joinWords(ws []string) string {
	out := ""
	for i, w := range ws {
		if i > 0 {
			out += "; "
		}
		out += w
	}
	return out
}

func (s *Server) loadInquiry(r *http.Request) (admissions.Inquiry, error) {
	id := r.PathValue("qid")
	if !model.ValidID(id) {
		return admissions.Inquiry{}, model.NotFound("web.loadInquiry", "inquiry")
	}
	return s.Store.Inquiry(r.Context(), id)
}

// inquiryShow shows one inquiry: contact details, the self-assessment
// result and answers, the call log, and the next step.
func (s *Server) inquiryShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderInquiry(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderInquiry(w http.ResponseWriter, r *http.Request, status int, u *admissions.Update, problems map[string]string) error {
	in, err := s.loadInquiry(r)
	if err != nil {
		return err
	}
	d := inquiryData{Inquiry: in, Statuses: admissions.Statuses, Sources: admissions.ReferralSources,
		Channels: admissions.Channels, Outcomes: admissions.Outcomes, Problems: problems, Now: s.Now(),
		SourceName: admissions.SourceLabel(in.Source)}
	if d.Contacts, err = s.Store.Contacts(r.Context(), in.ID); err != nil {
		return err
	}
	if d.Pay, err = s.payment(r, in.Payer, in.Household); err != nil {
		return err
	}
	if d.Checklist, err = s.Store.InquiryChecklist(r.Context(), in.ID); err != nil {
		return err
	}
	d.PreAuths = admissions.PreAuthAnswers
	if in.AssessmentID != "" {
		sa, err := s.Store.GetSelfAssessment(r.Context(), in.AssessmentID)
		if err != nil {
			return err
		}
		var res selfassess.Summary
		if json.Unmarshal([]byte(sa.Result), &res) == nil {
			d.Result = &res
		}
		d.Answers = answerRows(sa.Answers)
	}
	if u != nil {
		d.Update = *u
	} else {
		d.Update = admissions.Update{Status: in.Status, NextAction: in.NextAction, NextDue: in.NextDue, Outcome: in.Outcome,
			ReferredTo: in.ReferredTo, Source: in.Source}
	}
	switch r.URL.Query().Get("saved") {
	case "contact":
		d.Flash = "The contact was logged."
	case "update":
		d.Flash = "Saved."
	case "checklist":
		d.Flash = "The checklist was saved."
	}
	if err := s.auditRead(r, audit.ActionRead, "inquiry", "", "inquiry="+in.ID); err != nil {
		return err
	}
	v := s.view(r, in.Name, "inquiries")
	d.CheckedBy = map[string]string{}
	for item, c := range d.Checklist {
		verb := "Ticked"
		switch {
		case item == admissions.CheckPreAuth:
			verb = "Answered"
		case c.Value == "":
			verb = "Unticked"
		}
		d.CheckedBy[item] = verb + " by " + c.ByName + ", " + v.Local(c.At)
	}
	if in.Household.HasIncome {
		d.Income = cost.FormatUSD(in.Household.IncomeCents)
	}
	v.Data = d
	return s.pages.Page(w, status, "inquiry", &v)
}

// contactCreate logs a call or message.
func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) error {
	in, err := s.loadInquiry(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.contactCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	c := admissions.Contact{InquiryID: in.ID, Channel: f.String("channel", 20), Outcome: f.String("outcome", 20),
		Note: f.String("note", 2000), ByID: sessionOf(r).User.ID}
	f.Merge(c.Problems())
	if !f.OK() {
		return s.renderInquiry(w, r, http.StatusUnprocessableEntity, nil, f.Problems)
	}
	if err := s.Store.AddContact(r.Context(), &c, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/inquiries/"+in.ID+"?saved=contact", http.StatusSeeOther)
	return nil
}

// inquiryUpdate sets the status and next step, or refers the person
// elsewhere, or closes the inquiry with a reason.
func (s *Server) inquiryUpdate(w http.ResponseWriter, r *http.Request) error {
	in, err := s.loadInquiry(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.inquiryUpdate", model.KindInvalid, "The form could not be read: %v", err)
	}
	u := admissions.Update{Status: admissions.Status(f.String("status", 30)), NextAction: f.String("next_action", 2000),
		Outcome: f.String("outcome", 2000), ReferredTo: f.String("referred_to", 2000), Source: f.String("source", 20)}
	if due := f.String("next_due", 20); due != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", due, s.organization(r).Location())
		if err != nil {
			f.Problems["next_due"] = "Enter a date and time."
		}
		u.NextDue = t
	}
	f.Merge(u.Problems())
	if !f.OK() {
		return s.renderInquiry(w, r, http.StatusUnprocessableEntity, &u, f.Problems)
	}
	if err := s.Store.UpdateInquiry(r.Context(), in.ID, u, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/inquiries/"+in.ID+"?saved=update", http.StatusSeeOther)
	return nil
}

type inquiryAdmitData struct {
	Inquiry admissions.Inquiry
	Client  model.Client
	Form    admitFormData // the admission fields
}

// inquiryAdmitNew shows the form that turns an inquiry into a client with
// an episode of care.
func (s *Server) inquiryAdmitNew(w http.ResponseWriter, r *http.Request) error {
	in, err := s.loadInquiry(r)
	if err != nil {
		return err
	}
	if !in.Status.Open() {
		return model.Errorf("web.inquiryAdmitNew", model.KindConflict, "This inquiry is no longer open (%s).", in.Status.Label())
	}
	v := s.view(r, "Admit "+in.Name, "inquiries")
	first, last := splitName(in.Name)
	d := inquiryAdmitData{Inquiry: in, Client: model.Client{FirstName: first, LastName: last, Phone: in.Phone, Email: in.Email}}
	d.Form.Admit = care.Admit{Date: v.Today, Level: model.IntensiveOutpatient, Reason: "Admitted from an inquiry."}
	if err := s.admitOptions(r, &d.Form); err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "inquiry", "", "admit form inquiry="+in.ID); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "inquiry_admit", &v)
}

func splitName(n string) (string, string) {
	for i := len(n) - 1; i > 0; i-- {
		if n[i] == ' ' {
			return n[:i], n[i+1:]
		}
	}
	return n, ""
}

// inquiryAdmit registers the client and admits them, marking the inquiry
// admitted, all in one transaction.
func (s *Server) inquiryAdmit(w http.ResponseWriter, r *http.Request) error {
	in, err := s.loadInquiry(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.inquiryAdmit", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "Admit "+in.Name, "inquiries")
	c := model.Client{FirstName: f.String("first_name", 80), LastName: f.String("last_name", 80), DateOfBirth: f.Date("date_of_birth"),
		Phone: f.String("phone", 20), Email: f.String("email", 254)}
	diagnoses := f.String("diagnoses", 200)
	a := care.Admit{ProgramID: f.String("program_id", 40), TrackID: f.String("track_id", 40),
		Level: model.LevelOfCare(f.String("level_of_care", 40)), Date: f.Date("admission_date"),
		CounselorID: f.String("counselor_id", 40), Diagnoses: care.ParseDiagnoses(diagnoses), Reason: f.String("note", 2000)}
	var ep model.Episode
	if f.OK() {
		ep, err = s.Store.AdmitInquiry(r.Context(), in.ID, &c, a, v.User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		d := inquiryAdmitData{Inquiry: in, Client: c}
		d.Form.Admit, d.Form.Diagnoses, d.Form.Problems = a, diagnoses, f.Problems
		if err := s.admitOptions(r, &d.Form); err != nil {
			return err
		}
		v.Data = d
		return s.pages.Page(w, http.StatusUnprocessableEntity, "inquiry_admit", &v)
	}
	http.Redirect(w, r, "/clients/"+c.ID+"?admitted="+ep.ID, http.StatusSeeOther)
	return nil
}

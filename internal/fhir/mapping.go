package fhir

import (
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
)

// OrganizationID is the id of the one Organization, the center.
const OrganizationID = "center"

// Center is what resources about no client are made from, and what client
// resources refer to.
type Center struct {
	Org    model.Organization
	Sites  []model.Site
	Users  []model.User
	Series map[string]schedule.Series // by id
}

func (c Center) loc() *time.Location { return c.Org.Location() }

// Record is one client's record as the store holds it.
type Record struct {
	Client       model.Client
	Episodes     []model.Episode
	Measures     []care.Measure
	Screens      []intensity.Screen
	Marks        []intensity.Mark
	Appointments []schedule.Appointment
	Plans        []plan.Plan
	Consents     []consent.Consent
	Care         consent.Care
	Today        model.Date
	Now          time.Time
}

// SecurityLabels mark every resource of a client's record: 42 CFR part 2
// information (v3 ActCode 42CFRPart2), with the obligation not to
// redisclose without consent (NORDSCLCD), of restricted confidentiality (R).
var SecurityLabels = []Coding{
	{System: ActCode, Code: "42CFRPart2", Display: "42 CFR Part2"},
	{System: ActCode, Code: "NORDSCLCD", Display: "no redisclosure without consent directive"},
	{System: Confidential, Code: "R", Display: "restricted"},
}

func profile(name string) *Meta { return &Meta{Profile: []string{usCore + name}} }

func ref(typ, id string) Reference { return Reference{Reference: typ + "/" + id} }

func refp(typ, id, display string) *Reference {
	return &Reference{Reference: typ + "/" + id, Display: display}
}

func cc(system, code, display string) CodeableConcept {
	return CodeableConcept{Coding: []Coding{{System: system, Code: code, Display: display}}}
}

func text(s string) CodeableConcept { return CodeableConcept{Text: s} }

func dt(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func date(d model.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func ptrBool(b bool) *bool { return &b }

func narrative(lines ...string) *Narr {
	var b strings.Builder
	b.WriteString(`<div xmlns="http://www.w3.org/1999/xhtml">`)
	for _, l := range lines {
		if l != "" {
			b.WriteString("<p>" + html.EscapeString(l) + "</p>")
		}
	}
	b.WriteString("</div>")
	return &Narr{Status: "generated", Div: b.String()}
}

func uuidIdentifier(id string) Identifier { return Identifier{System: URI, Value: "urn:uuid:" + id} }

// CenterResources are the resources about no client: the Organization, its
// Locations, the staff as Practitioners and the instruments as
// Questionnaires.
func CenterResources(c Center) []Resource {
	var out []Resource
	out = append(out, OrganizationOf(c.Org))
	for _, s := range c.Sites {
		out = append(out, LocationOf(s))
	}
	for _, u := range c.Users {
		out = append(out, PractitionerOf(u))
	}
	for _, in := range instrument.All() {
		out = append(out, QuestionnaireOf(in))
	}
	return out
}

// OrganizationOf is the center.
func OrganizationOf(o model.Organization) *Organization {
	r := &Organization{Base: Base{ResourceType: "Organization", Id: OrganizationID, Meta: profile("us-core-organization")},
		Identifier: []Identifier{{System: URI, Value: "urn:openiop:organization"}}, Active: ptrBool(true), Name: o.Name}
	if r.Name == "" {
		r.Name = "Treatment center"
	}
	r.Telecom = telecom(o.Phone, o.Email, "work")
	if o.Website != "" {
		r.Telecom = append(r.Telecom, ContactPoint{System: "url", Value: o.Website, Use: "work"})
	}
	if a := strings.TrimSpace(o.Address); a != "" {
		r.Address = []Address{{Text: a}}
	}
	return r
}

func telecom(phone, email, use string) []ContactPoint {
	var out []ContactPoint
	if phone != "" {
		out = append(out, ContactPoint{System: "phone", Value: phone, Use: use})
	}
	if email != "" {
		out = append(out, ContactPoint{System: "email", Value: email, Use: use})
	}
	return out
}

// LocationOf is a site.
func LocationOf(s model.Site) *Location {
	r := &Location{Base: Base{ResourceType: "Location", Id: s.ID, Meta: profile("us-core-location")}, Status: "active", Name: s.Name,
		Telecom: telecom(s.Phone, "", "work"), Managing: refp("Organization", OrganizationID, "")}
	if a := strings.TrimSpace(s.Address); a != "" {
		r.Address = &Address{Text: a}
	}
	return r
}

// PractitionerOf is a staff member.
func PractitionerOf(u model.User) *Practitioner {
	return &Practitioner{Base: Base{ResourceType: "Practitioner", Id: u.ID, Meta: profile("us-core-practitioner")},
		Identifier: []Identifier{uuidIdentifier(u.ID)}, Active: ptrBool(u.Active), Name: []HumanName{nameOf(u.Name)},
		Telecom: telecom("", u.Email, "work")}
}

// nameOf splits a name written in one field: the last word is the family
// name.
func nameOf(full string) HumanName {
	words := strings.Fields(full)
	n := HumanName{Text: strings.Join(words, " ")}
	if len(words) > 0 {
		n.Family = words[len(words)-1]
		n.Given = words[:len(words)-1]
	}
	return n
}

// QuestionnaireOf is an instrument, its items and answers exactly as the
// instrument package gives them, with each answer's points as its
// ordinalValue.
func QuestionnaireOf(in *instrument.Instrument) *Questionnaire {
	q := &Questionnaire{Base: Base{ResourceType: "Questionnaire", Id: in.Code}, URL: QuestionnaireURL + in.Code,
		Name: questionnaireName(in.Code), Title: in.Title, Status: "active", SubjectType: []string{"Patient"},
		Publisher: "OpenIOP", Description: in.Instructions, Copyright: in.Licence}
	if in.LOINCPanel != "" {
		q.Code = []Coding{{System: LOINC, Code: in.LOINCPanel, Display: in.Title}}
	}
	for _, it := range in.Items {
		qi := QItem{LinkID: it.ID, Text: it.Text, Type: "choice", Required: ptrBool(!it.Optional)}
		if it.LOINC != "" {
			qi.Code = []Coding{{System: LOINC, Code: it.LOINC}}
		}
		for _, o := range it.Options {
			v := float64(o.Value)
			qi.Option = append(qi.Option, QOption{Extension: []Extension{{URL: OrdinalValue, ValueDecimal: &v}}, ValueCoding: answerCoding(in.Code, o)})
		}
		q.Item = append(q.Item, qi)
	}
	return q
}

// questionnaireName is a computer-friendly name (FHIR asks for one that
// starts with a capital letter).
func questionnaireName(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// answerCoding is an answer: its LOINC answer code where it has one, else
// OpenIOP's code of the points it scores.
func answerCoding(code string, o instrument.Option) Coding {
	if o.LOINC != "" {
		return Coding{System: LOINC, Code: o.LOINC, Display: o.Label}
	}
	return Coding{System: AnswerSystem + "/" + code, Code: strconv.Itoa(o.Value), Display: o.Label}
}

// ClientResources are every resource of one client's record, in a stable
// order: Patient, EpisodeOfCare, Condition, Encounter, Observation,
// QuestionnaireResponse, CarePlan, Appointment, Consent. Each carries the
// Part 2 security labels.
func ClientResources(c Center, r Record) []Resource {
	var out []Resource
	out = append(out, PatientOf(r.Client))
	for _, e := range r.Episodes {
		out = append(out, episodeOf(r.Client.ID, e))
	}
	for _, e := range r.Episodes {
		out = append(out, conditionsOf(r.Client.ID, e)...)
	}
	out = append(out, encounters(c, r)...)
	for _, m := range r.Measures {
		if o := measureObservation(r.Client.ID, m); o != nil {
			out = append(out, o)
		}
	}
	for _, s := range r.Screens {
		out = append(out, screenObservations(r.Client.ID, s)...)
	}
	for _, m := range r.Measures {
		if in := instrument.Get(m.Instrument); in != nil {
			out = append(out, responseOf(r.Client.ID, in, m))
		}
	}
	out = append(out, carePlans(r)...)
	for _, a := range r.Appointments {
		out = append(out, appointmentOf(r.Client.ID, a, r.Now))
	}
	for _, k := range r.Consents {
		out = append(out, consentOf(r.Client.ID, k, r.Today, r.Care))
	}
	for _, res := range out {
		b := res.base()
		b.client = r.Client.ID
		if b.Meta == nil {
			b.Meta = &Meta{}
		}
		b.Meta.Security = append([]Coding(nil), SecurityLabels...)
	}
	return out
}

// PatientOf is a client.
func PatientOf(c model.Client) *Patient {
	p := &Patient{Base: Base{ResourceType: "Patient", Id: c.ID, Meta: profile("us-core-patient")},
		Identifier: []Identifier{uuidIdentifier(c.ID)}, Active: ptrBool(true), BirthDate: date(c.DateOfBirth),
		Managing: refp("Organization", OrganizationID, "")}
	if c.MRN != "" {
		p.Identifier = append([]Identifier{{Use: "usual", System: MRNSystem, Value: c.MRN}}, p.Identifier...)
	}
	given := strings.Fields(c.FirstName)
	p.Name = []HumanName{{Use: "official", Family: c.LastName, Given: given}}
	if c.PreferredName != "" && c.PreferredName != c.FirstName {
		p.Name = append(p.Name, HumanName{Use: "usual", Family: c.LastName, Given: []string{c.PreferredName}})
	}
	switch c.SexAtBirth {
	case "female", "male":
		p.Gender = c.SexAtBirth
	default:
		p.Gender = "unknown"
	}
	p.Telecom = telecom(c.Phone, c.Email, "home")
	if a := strings.TrimSpace(c.Address); a != "" {
		p.Address = []Address{{Text: a}}
	}
	if c.EmergencyName != "" {
		pc := PatientContact{Relationship: []CodeableConcept{cc("http://terminology.hl7.org/CodeSystem/v2-0131", "C", "Emergency Contact")},
			Name: &HumanName{Text: c.EmergencyName}, Telecom: telecom(c.EmergencyPhn, "", "")}
		if c.EmergencyRel != "" {
			pc.Relationship = append(pc.Relationship, text(c.EmergencyRel))
		}
		p.Contact = []PatientContact{pc}
	}
	return p
}

func episodeOf(clientID string, e model.Episode) *EpisodeOfCare {
	r := &EpisodeOfCare{Base: Base{ResourceType: "EpisodeOfCare", Id: localID(clientID, e.ID)}, Status: "active",
		Type: []CodeableConcept{text(e.LevelOfCare.Label())}, Patient: ref("Patient", clientID),
		Managing: refp("Organization", OrganizationID, e.ProgramName), Period: &Period{Start: date(e.AdmissionDate), End: date(e.DischargeDate)}}
	if e.Status != model.EpisodeActive || !e.DischargeDate.IsZero() {
		r.Status = "finished"
	}
	if e.PrimaryCounselorID != "" {
		r.CareManager = refp("Practitioner", e.PrimaryCounselorID, e.CounselorName)
	}
	for i, d := range e.Diagnoses {
		r.Diagnosis = append(r.Diagnosis, EpisodeDiagnosis{Condition: ref("Condition", conditionID(clientID, e.ID, d)), Rank: i + 1})
	}
	return r
}

func conditionID(clientID, episodeID, code string) string {
	return localID(clientID, episodeID) + "." + strings.ReplaceAll(code, ".", "-")
}

// icdText names an ICD-10-CM code of F10-F19 by its substance class.
func icdText(code string) string {
	for _, s := range diagnosis.Substances {
		if strings.HasPrefix(code, s.ICDCategory) {
			return s.Disorder + " (" + code + ")"
		}
	}
	return code
}

func conditionsOf(clientID string, e model.Episode) []Resource {
	var out []Resource
	for _, d := range e.Diagnoses {
		c := &Condition{Base: Base{ResourceType: "Condition", Id: conditionID(clientID, e.ID, d), Meta: profile("us-core-condition-problems-health-concerns")},
			Clinical:     ptrCC(cc(CondClinical, "active", "Active")),
			Verification: ptrCC(cc(CondVerify, "confirmed", "Confirmed")),
			Category:     []CodeableConcept{cc(CondCategory, "problem-list-item", "Problem List Item")},
			Code:         CodeableConcept{Coding: []Coding{{System: ICD10CM, Code: d}}, Text: icdText(d)},
			Subject:      ref("Patient", clientID), Onset: date(e.AdmissionDate), Recorded: date(e.AdmissionDate)}
		if !e.DischargeDate.IsZero() {
			c.Clinical = ptrCC(cc(CondClinical, "inactive", "Inactive"))
			c.Abatement = date(e.DischargeDate)
		}
		out = append(out, c)
	}
	return out
}

func ptrCC(c CodeableConcept) *CodeableConcept { return &c }

// episodeOn is the client's episode open on day d, if any.
func episodeOn(eps []model.Episode, d model.Date) string {
	for _, e := range eps {
		if !d.Before(e.AdmissionDate) && (e.DischargeDate.IsZero() || !e.DischargeDate.Before(d)) {
			return e.ID
		}
	}
	return ""
}

// Attended reports whether a mark is of a meeting the client was at.
func Attended(m intensity.Mark) bool {
	return m.Status == intensity.Present || m.Status == intensity.Late || m.Status == intensity.LeftEarly
}

// SessionHeld reports whether an appointment is an individual session that
// took place: past, not cancelled, and the client came.
func SessionHeld(a schedule.Appointment, now time.Time) bool {
	return !a.Cancelled && !a.NoShow && a.End.Before(now)
}

func encounters(c Center, r Record) []Resource {
	var out []Resource
	amb := Coding{System: ActCode, Code: "AMB", Display: "ambulatory"}
	virtual := Coding{System: ActCode, Code: "VR", Display: "virtual"}
	marks := append([]intensity.Mark(nil), r.Marks...)
	sort.Slice(marks, func(i, j int) bool {
		if marks[i].Date != marks[j].Date {
			return marks[i].Date.Before(marks[j].Date)
		}
		return marks[i].SeriesID < marks[j].SeriesID
	})
	for _, m := range marks {
		if !Attended(m) {
			continue
		}
		s := c.Series[m.SeriesID]
		e := &Encounter{Base: Base{ResourceType: "Encounter", Id: localID(r.Client.ID, m.SeriesID) + "." + strings.ReplaceAll(m.Date.String(), "-", ""),
			Meta: profile("us-core-encounter")},
			Identifier: []Identifier{{System: "urn:openiop:group-meeting", Value: m.SeriesID + "/" + m.Date.String()}},
			Status:     "finished", Class: amb, Subject: ref("Patient", r.Client.ID), Provider: refp("Organization", OrganizationID, "")}
		if m.Telehealth {
			e.Class = virtual
		}
		title := s.Title
		if title == "" {
			title = "Group session"
		}
		e.Type = []CodeableConcept{text("Group: " + title)}
		if s.ID != "" {
			start := time.Date(m.Date.Year, time.Month(m.Date.Month), m.Date.Day, int(s.Start)/60, int(s.Start)%60, 0, 0, c.loc())
			e.Period = &Period{Start: dt(start), End: dt(start.Add(time.Duration(s.Minutes) * time.Minute))}
			if s.FacilitatorID != "" {
				e.Participant = []EncParticipant{{Type: []CodeableConcept{cc(Participation, "PPRF", "primary performer")},
					Individual: refp("Practitioner", s.FacilitatorID, s.FacilitatorName)}}
			}
		}
		if m.Minutes > 0 {
			e.Length = &Duration{Value: m.Minutes, Unit: "min", System: "http://unitsofmeasure.org", Code: "min"}
		}
		if ep := episodeOn(r.Episodes, m.Date); ep != "" {
			e.EpisodeOfCare = []Reference{ref("EpisodeOfCare", localID(r.Client.ID, ep))}
		}
		out = append(out, e)
	}
	for _, a := range r.Appointments {
		if !SessionHeld(a, r.Now) {
			continue
		}
		e := &Encounter{Base: Base{ResourceType: "Encounter", Id: localID(r.Client.ID, a.ID), Meta: profile("us-core-encounter")},
			Identifier: []Identifier{uuidIdentifier(a.ID)}, Status: "finished", Class: amb,
			Type: []CodeableConcept{text(a.Kind.Label())}, Subject: ref("Patient", r.Client.ID),
			Participant: []EncParticipant{{Type: []CodeableConcept{cc(Participation, "PPRF", "primary performer")},
				Individual: refp("Practitioner", a.ClinicianID, a.ClinicianName)}},
			Appointment: []Reference{ref("Appointment", localID(r.Client.ID, a.ID))},
			Period:      &Period{Start: dt(a.Start), End: dt(a.End)}, Provider: refp("Organization", OrganizationID, "")}
		if a.TelehealthURL != "" {
			e.Class = virtual
		}
		if ep := episodeOn(r.Episodes, model.DateOf(a.Start.In(c.loc()))); ep != "" {
			e.EpisodeOfCare = []Reference{ref("EpisodeOfCare", localID(r.Client.ID, ep))}
		}
		out = append(out, e)
	}
	return out
}

func measureObservation(clientID string, m care.Measure) *Observation {
	in := instrument.Get(m.Instrument)
	title := m.Title()
	o := &Observation{Base: Base{ResourceType: "Observation", Id: localID(clientID, m.ID), Meta: profile("us-core-observation-screening-assessment")},
		Status:   "final",
		Category: []CodeableConcept{cc(ObsCategory, "survey", "Survey")},
		Subject:  ref("Patient", clientID), Effective: date(m.On), Issued: dt(m.At)}
	total := m.Result.Total
	o.ValueInteger = &total
	if in != nil && in.LOINCTotal != "" {
		o.Code = CodeableConcept{Coding: []Coding{{System: LOINC, Code: in.LOINCTotal, Display: title + " total score"}}, Text: title + " total score"}
	} else {
		o.Code = CodeableConcept{Coding: []Coding{{System: InstrumentSystem, Code: m.Instrument, Display: title}}, Text: title + " total score"}
	}
	if m.Result.Band != "" {
		o.Interpret = []CodeableConcept{text(m.Result.Band)}
	}
	if m.ByID != "" {
		o.Performer = []Reference{{Reference: "Practitioner/" + m.ByID, Display: m.ByName}}
	} else {
		o.Performer = []Reference{{Reference: "Patient/" + clientID}}
	}
	for _, f := range m.Result.Flags {
		o.Note = append(o.Note, Annotation{Text: f.Message})
	}
	if in != nil {
		o.DerivedFrom = []Reference{ref("QuestionnaireResponse", localID(clientID, m.ID))}
	}
	return o
}

func responseOf(clientID string, in *instrument.Instrument, m care.Measure) *QuestionnaireResponse {
	qr := &QuestionnaireResponse{Base: Base{ResourceType: "QuestionnaireResponse", Id: localID(clientID, m.ID)},
		Questionnaire: QuestionnaireURL + in.Code, Status: "completed", Subject: ref("Patient", clientID), Authored: dt(m.At)}
	if m.ByID != "" {
		qr.Author = refp("Practitioner", m.ByID, m.ByName)
	}
	if m.SelfReported {
		qr.Source = &Reference{Reference: "Patient/" + clientID}
	}
	for _, it := range in.Items {
		v, ok := m.Answers[it.ID]
		if !ok {
			continue
		}
		item := QRItem{LinkID: it.ID, Text: it.Text}
		for _, o := range it.Options {
			if o.Value == v {
				c := answerCoding(in.Code, o)
				item.Answer = []QRAnswer{{ValueCoding: &c}}
				break
			}
		}
		if item.Answer != nil {
			qr.Item = append(qr.Item, item)
		}
	}
	return qr
}

// ScreenObservations are a screen's results, one per substance; a refused
// or missed screen is one cancelled Observation saying why.
func screenObservations(clientID string, s intensity.Screen) []Resource {
	lab := []CodeableConcept{cc(ObsCategory, "laboratory", "Laboratory")}
	var note []Annotation
	if s.Specimen != "" {
		obs := "unobserved"
		if s.Observed {
			obs = "observed"
		}
		note = append(note, Annotation{Text: fmt.Sprintf("Specimen: %s, %s collection.", s.Specimen, obs)})
	}
	for _, t := range []string{s.Prescribed, s.Confirmation, s.Response} {
		if strings.TrimSpace(t) != "" {
			note = append(note, Annotation{Text: t})
		}
	}
	if s.Outcome != "" && s.Outcome != "collected" {
		reason := cc(AbsentReason, "not-performed", "Not Performed")
		if s.Outcome == "refused" {
			reason = cc(AbsentReason, "asked-declined", "Asked But Declined")
		}
		return []Resource{&Observation{Base: Base{ResourceType: "Observation", Id: localID(clientID, s.ID) + ".none"},
			Status: "cancelled", Category: lab, Code: text("Drug screen (" + s.Outcome + ")"), Subject: ref("Patient", clientID),
			Effective: date(s.Date), AbsentReason: &reason, Note: note}}
	}
	var out []Resource
	for i, sub := range intensity.Substances {
		res, ok := s.Results[sub.Code]
		if !ok {
			continue
		}
		o := &Observation{Base: Base{ResourceType: "Observation", Id: localID(clientID, s.ID) + "." + strconv.Itoa(i), Meta: profile("us-core-observation-lab")},
			Status: "final", Category: lab, Subject: ref("Patient", clientID), Effective: date(s.Date), Note: note}
		if sub.LOINC != "" {
			o.Code = CodeableConcept{Coding: []Coding{{System: LOINC, Code: sub.LOINC}}, Text: sub.Label + " screen"}
		} else {
			o.Code = CodeableConcept{Coding: []Coding{{System: InstrumentSystem, Code: "screen-" + sub.Code, Display: sub.Label + " screen"}}, Text: sub.Label + " screen"}
			o.Meta = nil
		}
		switch res {
		case intensity.Positive:
			o.ValueConcept = ptrCC(cc(SNOMED, "10828004", "Positive"))
		case intensity.Negative:
			o.ValueConcept = ptrCC(cc(SNOMED, "260385009", "Negative"))
		default:
			o.AbsentReason = ptrCC(cc(AbsentReason, "error", "Error"))
		}
		out = append(out, o)
	}
	return out
}

func carePlans(r Record) []Resource {
	var out []Resource
	newestSigned := ""
	for _, p := range r.Plans { // newest first
		if p.Signed() {
			newestSigned = p.ID
			break
		}
	}
	for _, p := range r.Plans {
		cp := &CarePlan{Base: Base{ResourceType: "CarePlan", Id: localID(r.Client.ID, p.ID), Meta: profile("us-core-careplan")},
			Intent: "plan", Category: []CodeableConcept{cc(CarePlanCat, "assess-plan", "Assessment and Plan of Treatment")},
			Title: fmt.Sprintf("Treatment plan, version %d", p.Version), Description: p.ClientStatement,
			Subject: ref("Patient", r.Client.ID), Period: &Period{Start: date(p.Date)}, Created: date(p.Date)}
		switch {
		case !p.Signed():
			cp.Status = "draft"
		case p.ID == newestSigned:
			cp.Status = "active"
		default:
			cp.Status = "revoked" // replaced by a later version
		}
		lines := []string{cp.Title + " of " + p.Date.String() + "."}
		if p.ClientStatement != "" {
			lines = append(lines, "In the client's words: "+p.ClientStatement)
		}
		for _, pr := range p.Problems {
			lines = append(lines, "Problem: "+pr.Statement, "Goal: "+pr.Goal)
			for _, o := range pr.Objectives {
				lines = append(lines, "Objective: "+o.Text+" (by "+o.Target.String()+")")
			}
			if pr.Diagnosis != "" {
				cp.Addresses = append(cp.Addresses, ref("Condition", conditionID(r.Client.ID, p.EpisodeID, pr.Diagnosis)))
			}
			for _, in := range pr.Interventions {
				status := "in-progress"
				if cp.Status != "active" {
					status = "stopped"
					if cp.Status == "draft" {
						status = "not-started"
					}
				}
				cp.Activity = append(cp.Activity, CPActivity{Detail: CPDetail{Status: status,
					Description: strings.TrimSpace(in.ModalityName() + ", " + in.Frequency + ", " + in.Provider)}})
			}
		}
		cp.Text = narrative(lines...)
		out = append(out, cp)
	}
	return out
}

func appointmentOf(clientID string, a schedule.Appointment, now time.Time) *Appointment {
	r := &Appointment{Base: Base{ResourceType: "Appointment", Id: localID(clientID, a.ID)}, Status: "booked",
		ServiceType: []CodeableConcept{text(a.Kind.Label())}, Description: a.Kind.Label(), Start: dt(a.Start), End: dt(a.End),
		Minutes: int(a.End.Sub(a.Start).Minutes()),
		Participant: []ApptParticipant{{Actor: refp("Patient", clientID, a.ClientName), Status: "accepted"},
			{Actor: refp("Practitioner", a.ClinicianID, a.ClinicianName), Status: "accepted"}}}
	switch {
	case a.Cancelled:
		r.Status = "cancelled"
	case a.NoShow:
		r.Status = "noshow"
	case a.End.Before(now):
		r.Status = "fulfilled"
	}
	if r.Minutes <= 0 {
		r.Minutes = 0
	}
	return r
}

func purposeOf(p consent.Purpose) []Coding {
	switch p {
	case consent.PurposeTPO, consent.PurposeTreatment:
		return []Coding{{System: PurposeOfUse, Code: "TREAT", Display: "treatment"}}
	case consent.PurposePatientRequest:
		return []Coding{{System: PurposeOfUse, Code: "PATRQT", Display: "patient requested"}}
	case consent.PurposeFamily:
		return []Coding{{System: PurposeOfUse, Code: "FAMRQT", Display: "family requested"}}
	case consent.PurposeLegal:
		return []Coding{{System: PurposeOfUse, Code: "HLEGAL", Display: "legal"}}
	}
	return nil
}

func consentOf(clientID string, k consent.Consent, today model.Date, care consent.Care) *Consent {
	r := &Consent{Base: Base{ResourceType: "Consent", Id: localID(clientID, k.ID)}, Status: "active",
		Scope:    cc(ConsentScope, "patient-privacy", "Privacy Consent"),
		Category: []CodeableConcept{cc(LOINC, "59284-0", "Patient Consent")},
		Patient:  ref("Patient", clientID), DateTime: date(k.SignedOn),
		Org:    []Reference{{Reference: "Organization/" + OrganizationID, Display: k.Discloser}},
		Policy: []ConsentPolicy{{URI: Part2Policy}}}
	if state := k.StateOn(today, care); state != consent.StateActive {
		r.Status = "inactive"
	}
	pv := &Provision{Type: "permit", Period: &Period{Start: date(k.SignedOn)}, Purpose: purposeOf(k.Purpose),
		Actor: []ProvisionActor{{Role: cc(Participation, "IRCP", "information recipient"), Reference: Reference{Display: k.RecipientLabel()}}}}
	if k.Expiry == consent.ExpiresOnDate {
		pv.Period.End = date(k.ExpiresOn)
	}
	if !k.RevokedAt.IsZero() {
		pv.Period.End = k.RevokedAt.UTC().Format("2006-01-02")
	}
	r.Provision = pv
	r.Text = narrative(k.Scope(), "Information: "+strings.Join(k.CategoryNames(), "; ")+".")
	return r
}

// Package admissions is the front door's back office: inquiries that people
// send from the public self-assessment (with their consent), the call log,
// and where each inquiry stands. It validates; it has no SQL and no HTTP.
package admissions

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
)

// Status is where an inquiry stands on the board.
type Status string

// The statuses, in the order the board shows them.
const (
	New        Status = "new"
	Contacted  Status = "contacted"
	Scheduled  Status = "assessment_scheduled"
	Admitted   Status = "admitted"
	Referred   Status = "referred"
	Closed     Status = "closed"
	maxText           = 2000
	maxNameLen        = 80
)

// Statuses lists the statuses in board order.
var Statuses = []Status{New, Contacted, Scheduled, Admitted, Referred, Closed}

// Label is the status in words.
func (s Status) Label() string {
	switch s {
	case New:
		return "New"
	case Contacted:
		return "Contacted"
	case Scheduled:
		return "Assessment scheduled"
	case Admitted:
		return "Admitted"
	case Referred:
		return "Referred elsewhere"
	case Closed:
		return "Closed"
	}
	return string(s)
}

// Open reports whether the inquiry still needs work.
func (s Status) Open() bool { return s == New || s == Contacted || s == Scheduled }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// ReferralSources are who sent the person, for outreach and reporting.
var ReferralSources = []struct{ Value, Label string }{
	{"self", "Self"}, {"family", "Family or friend"}, {"court", "Court or probation"}, {"employer", "Employer"},
	{"hospital", "Hospital or doctor"}, {"residential", "Residential program (step-down)"}, {"other", "Other"},
}

// ValidSource reports whether v is a referral source.
func ValidSource(v string) bool { return inList(v, ReferralSources) }

// SourceLabel is a referral source in words.
func SourceLabel(v string) string { return labelOf(v, ReferralSources) }

// ConsentText is what the person agrees to before anything identifying is
// stored. It is stored with the inquiry, word for word.
const ConsentText = "I agree that %s may keep my name, contact details and my answers to this self-assessment, " +
	"so that its admissions staff can contact me about treatment. They will be seen only by staff who handle admissions " +
	"and clinical care, and not shared outside the center without my written consent. I can ask the center to delete them."

// Consent returns the consent statement for a center.
func Consent(center string) string { return fmt.Sprintf(ConsentText, center) }

// Inquiry is a person asking the center about treatment.
type Inquiry struct {
	ID             string
	CreatedAt      time.Time
	Status         Status
	Name           string
	Phone          string
	Email          string
	BestTime       string
	Insurance      string     // the plan or insurance company, as the person wrote it
	Payer          cost.Payer // how they expect to pay; empty when they did not say
	MemberID       string     // their plan's member id, if they chose to give it
	Household      cost.Household
	Source         string // a ReferralSources value
	Message        string
	Consent        string // the statement agreed to, word for word
	ConsentAt      time.Time
	AssessmentID   string // the self-assessment sent with it, if any
	ResultLevel    string // that self-assessment's recommended level, for the board
	ResultCrisis   bool
	NextAction     string
	NextDue        time.Time // zero when none
	Outcome        string    // why it was closed, or where it was referred and why
	ReferredTo     string
	ClientID       string // the client it became, once admitted
	AssignedToID   string
	AssignedToName string
	LastContactAt  time.Time
}

// Overdue reports whether the next action is past due at now.
func (i Inquiry) Overdue(now time.Time) bool {
	return i.Status.Open() && !i.NextDue.IsZero() && i.NextDue.Before(now)
}

// Problems checks what a person sends from the public page.
func (i Inquiry) Problems() map[string]string {
	p := map[string]string{}
	if strings.TrimSpace(i.Name) == "" {
		p["name"] = "Tell us what to call you (a first name is fine)."
	} else if utf8.RuneCountInString(i.Name) > maxNameLen {
		p["name"] = "Keep the name under 80 characters."
	}
	if i.Phone == "" && i.Email == "" {
		p["phone"] = "Leave a phone number or an email address so we can reach you."
	}
	if i.Phone != "" && !model.ValidPhone(i.Phone) {
		p["phone"] = "Enter a phone number with its area code, for example (312) 555-0140."
	}
	if i.Email != "" && !model.ValidEmail(i.Email) {
		p["email"] = "Enter an email address like name@example.org."
	}
	if i.Consent == "" {
		p["consent"] = "Tick the box to agree, or call us instead: without your agreement we do not keep your details."
	}
	if i.Source != "" && !ValidSource(i.Source) {
		p["source"] = "Choose who suggested you contact us."
	}
	if i.Payer != "" && !i.Payer.Valid() {
		p["payer"] = "Choose how you expect to pay, or leave it empty."
	}
	if utf8.RuneCountInString(i.MemberID) > 40 {
		p["member_id"] = "Keep the member ID under 40 characters."
	}
	if h := i.Household; h != (cost.Household{}) {
		switch {
		case !i.Payer.AsksHousehold():
			p["household_size"] = "Household size and income are only for paying yourself."
		case h.Size < 0 || h.Size > cost.MaxHousehold:
			p["household_size"] = fmt.Sprintf("Choose how many people live in your household, 1 to %d or more.", cost.MaxHousehold)
		case h.IncomeCents < 0 || (!h.HasIncome && h.IncomeCents != 0):
			p["household_income"] = "Enter your household's yearly income in dollars."
		}
	}
	for k, v := range map[string]string{"best_time": i.BestTime, "insurance": i.Insurance, "message": i.Message} {
		if utf8.RuneCountInString(v) > 500 {
			p[k] = "Keep this under 500 characters."
		}
	}
	return p
}

// Contact is one entry in an inquiry's call log.
type Contact struct {
	ID        string
	InquiryID string
	At        time.Time
	Channel   string // phone, text, email, in_person
	Outcome   string // reached, voicemail, no_answer, wrong_number, scheduled, other
	Note      string
	ByID      string
	ByName    string
}

// Channels and outcomes of a call-log entry.
var (
	Channels = []struct{ Value, Label string }{{"phone", "Phone call"}, {"text", "Text message"}, {"email", "Email"}, {"in_person", "In person"}}
	Outcomes = []struct{ Value, Label string }{{"reached", "Reached them"}, {"voicemail", "Left a voicemail"},
		{"no_answer", "No answer"}, {"wrong_number", "Wrong number"}, {"scheduled", "Scheduled an assessment"}, {"other", "Other"}}
)

func inList(v string, list []struct{ Value, Label string }) bool { return labelOf(v, list) != v }

// Problems checks a call-log entry.
func (c Contact) Problems() map[string]string {
	p := map[string]string{}
	if !inList(c.Channel, Channels) {
		p["channel"] = "Choose how you made contact."
	}
	if !inList(c.Outcome, Outcomes) {
		p["outcome"] = "Choose what happened."
	}
	if utf8.RuneCountInString(c.Note) > maxText {
		p["note"] = fmt.Sprintf("Keep the note under %d characters.", maxText)
	}
	return p
}

// Update is a change to an inquiry's status and next step.
type Update struct {
	Status     Status
	NextAction string
	NextDue    time.Time
	Outcome    string
	ReferredTo string
	Source     string
}

// Problems checks an update. Admission happens through Admit, never by
// setting the status by hand.
func (u Update) Problems() map[string]string {
	p := map[string]string{}
	switch {
	case !u.Status.Valid():
		p["status"] = "Choose a status."
	case u.Status == Admitted:
		p["status"] = "Use Admit to turn the inquiry into a client; it sets this status."
	case u.Status == Referred && strings.TrimSpace(u.ReferredTo) == "":
		p["referred_to"] = "Say where the person was referred."
	case (u.Status == Referred || u.Status == Closed) && strings.TrimSpace(u.Outcome) == "":
		p["outcome"] = "Give the reason."
	}
	if u.Source != "" && !ValidSource(u.Source) {
		p["source"] = "Choose a referral source."
	}
	if u.Status.Open() && strings.TrimSpace(u.NextAction) != "" && u.NextDue.IsZero() {
		p["next_due"] = "Give a due date and time for the next step."
	}
	for k, v := range map[string]string{"next_action": u.NextAction, "outcome": u.Outcome, "referred_to": u.ReferredTo} {
		if utf8.RuneCountInString(v) > maxText {
			p[k] = fmt.Sprintf("Keep this under %d characters.", maxText)
		}
	}
	return p
}

// ChannelLabel and OutcomeLabel put call-log codes in words.
func ChannelLabel(v string) string { return labelOf(v, Channels) }

// OutcomeLabel is a contact outcome in words.
func OutcomeLabel(v string) string { return labelOf(v, Outcomes) }

func labelOf(v string, list []struct{ Value, Label string }) string {
	for _, x := range list {
		if x.Value == v {
			return x.Label
		}
	}
	return v
}

// The admissions checklist for how the person pays: each item is stored
// with who set it and when.
const (
	CheckBenefits = "benefits_verified" // the person's benefits were verified with their plan
	CheckPreAuth  = "preauth"           // whether the plan needs pre-authorization: yes, no or unknown
	CheckEstimate = "estimate_told"     // the person was told their estimate of what they would pay
)

// CheckItems lists the checklist items in the order the board shows them.
var CheckItems = []string{CheckBenefits, CheckPreAuth, CheckEstimate}

// PreAuthAnswers are the answers to whether pre-authorization is needed.
var PreAuthAnswers = []struct{ Value, Label string }{{"unknown", "Not known yet"}, {"yes", "Yes, needed"}, {"no", "No, not needed"}}

// Check is one checklist item as last set: Value is "yes" for a ticked
// box ("" unticked) or the pre-authorization answer.
type Check struct {
	Value  string
	ByID   string
	ByName string
	At     time.Time // zero when never set
}

// Checklist is an inquiry's payer checklist by item.
type Checklist map[string]Check

// Done reports whether a box item is ticked.
func (c Checklist) Done(item string) bool { return c[item].Value == "yes" }

// PreAuth is the pre-authorization answer; "unknown" until someone says.
func (c Checklist) PreAuth() string {
	if v := c[CheckPreAuth].Value; v != "" {
		return v
	}
	return "unknown"
}

// PreAuthLabel is the pre-authorization answer in words.
func (c Checklist) PreAuthLabel() string { return labelOf(c.PreAuth(), PreAuthAnswers) }

// ChecklistUpdate is the checklist as an admissions worker saves it.
type ChecklistUpdate struct {
	BenefitsVerified bool
	PreAuth          string // one of PreAuthAnswers' values
	EstimateTold     bool
}

// Problems checks a checklist update.
func (u ChecklistUpdate) Problems() map[string]string {
	p := map[string]string{}
	if !inList(u.PreAuth, PreAuthAnswers) {
		p["preauth"] = "Say whether pre-authorization is needed: yes, no or not known yet."
	}
	return p
}

// Changes returns the items the update changes, with their new values:
// only those are stored and audited, so each keeps who set it and when.
func (c Checklist) Changes(u ChecklistUpdate) map[string]string {
	box := func(b bool) string {
		if b {
			return "yes"
		}
		return ""
	}
	out := map[string]string{}
	if v := box(u.BenefitsVerified); v != c[CheckBenefits].Value {
		out[CheckBenefits] = v
	}
	if u.PreAuth != c.PreAuth() {
		out[CheckPreAuth] = u.PreAuth
	}
	if v := box(u.EstimateTold); v != c[CheckEstimate].Value {
		out[CheckEstimate] = v
	}
	return out
}

// Package consent is a client's written consents to disclose their
// substance use disorder treatment records under 42 CFR part 2 (the 2024
// rule): every element §2.31(a) requires, revocation, the decision whether a
// consent on file covers a disclosure, the §2.32 notice that goes with every
// disclosure, and the disclosure record the accounting of disclosures lists.
// No SQL, no HTTP, no clock: callers hand in the day and the time.
package consent

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// Purpose is why the information is disclosed (§2.31(a)(5)).
type Purpose string

// The purposes a consent can name.
const (
	// PurposeTPO is the single consent for all future uses and disclosures
	// for treatment, payment and health care operations.
	PurposeTPO            Purpose = "tpo"
	PurposeTreatment      Purpose = "treatment"       // care with a named provider
	PurposePatientRequest Purpose = "patient_request" // "at the request of the patient"
	PurposeFamily         Purpose = "family"          // family involvement in treatment
	PurposeLegal          Purpose = "legal"           // court, probation, drug court
	PurposeEmployment     Purpose = "employment"      // employer or employee assistance program
	PurposeOther          Purpose = "other"           // described in PurposeDetail
)

// Purposes in the order the form offers them.
var Purposes = []Purpose{PurposeTPO, PurposeTreatment, PurposePatientRequest, PurposeFamily, PurposeLegal, PurposeEmployment, PurposeOther}

// Label is how the purpose reads on the form, the consent and the notice.
func (p Purpose) Label() string {
	switch p {
	case PurposeTPO:
		return "Treatment, payment, and health care operations"
	case PurposeTreatment:
		return "Coordinating treatment with the recipient"
	case PurposePatientRequest:
		return "At the request of the client"
	case PurposeFamily:
		return "Family involvement in treatment"
	case PurposeLegal:
		return "Court, probation or other legal proceedings the client takes part in"
	case PurposeEmployment:
		return "Employment or an employee assistance program"
	case PurposeOther:
		return "Another purpose"
	}
	return string(p)
}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Recipient kinds (§2.31(a)(4)).
const (
	RecipientPerson       = "person"       // a named individual
	RecipientOrganization = "organization" // a named organization
	// RecipientClass is a general designation, allowed for the TPO consent
	// ("my treating providers, health plans, third-party payers, and people
	// helping to operate this program").
	RecipientClass = "class"
)

// TPORecipients is the general designation the TPO consent uses, in the
// words §2.31(a)(4)(i) gives.
const TPORecipients = "My treating providers, health plans, third-party payers, and people helping to operate this program"

// Recipient is who receives the information.
type Recipient struct {
	Kind   string
	Name   string
	Detail string // organization, relationship or address, as the client gave it
}

// Category is a kind of information a consent may cover (§2.31(a)(3): "in a
// specific and meaningful fashion").
type Category struct {
	Code, Label, Description string
}

// Category codes.
const (
	CatDemographics  = "demographics"
	CatEnrollment    = "enrollment"
	CatAttendance    = "attendance"
	CatTreatmentPlan = "treatment_plan"
	CatMeasures      = "measures"
	CatScreens       = "drug_screens"
	CatDischarge     = "discharge"
	CatRelapsePlan   = "relapse_plan"
	CatProgressNotes = "progress_notes"
	// CatCounselingNotes are SUD counseling notes: a counselor's own notes
	// of a counseling session, kept apart from the rest of the record. They
	// need a consent of their own and never ride on a TPO consent.
	CatCounselingNotes = "counseling_notes"
)

// Categories in the order forms and packets show them.
var Categories = []Category{
	{CatDemographics, "Identifying information", "Name, date of birth, record number, address and telephone"},
	{CatEnrollment, "Enrollment and diagnoses", "That the client is or was in the program, dates of admission and discharge, level of care, diagnoses"},
	{CatAttendance, "Attendance", "Sessions scheduled, attended and missed, and weekly hours"},
	{CatTreatmentPlan, "Treatment plan and progress", "Problems, goals, objectives, services and progress reviews"},
	{CatMeasures, "Symptom measures", "Scores of questionnaires such as the PHQ-9 and GAD-7"},
	{CatScreens, "Drug and alcohol test results", "Dates, specimen, substances tested and results"},
	{CatDischarge, "Discharge summary and aftercare plan", "Reason for discharge, course of care, aftercare plan and referrals"},
	{CatRelapsePlan, "Relapse-prevention plan", "Triggers, warning signs, coping strategies, people to call"},
	{CatProgressNotes, "Progress notes", "Signed group and individual session notes"},
	{CatCounselingNotes, "SUD counseling notes", "A counselor's separate notes of counseling sessions (needs a consent of its own)"},
}

// CategoryByCode finds a category; ok is false for an unknown code.
func CategoryByCode(code string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// CategoryLabels are the labels of codes, in the order of Categories.
func CategoryLabels(codes []string) []string {
	var out []string
	for _, c := range Categories {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Label)
		}
	}
	return out
}

// Expiry kinds (§2.31(a)(7)).
const (
	ExpiresOnDate         = "date"
	ExpiresEndOfTreatment = "end_of_treatment"
	ExpiresNever          = "none" // allowed for the TPO consent only
)

// Signer authorities (§2.31(a)(8)).
const (
	SignerClient         = "client"
	SignerGuardian       = "guardian"       // for a minor
	SignerRepresentative = "representative" // for a person without capacity, or a decedent
)

// Consent is one written consent.
type Consent struct {
	ID         string
	ClientID   string
	ClientName string // §2.31(a)(1), as written on the consent
	Discloser  string // §2.31(a)(2): who may disclose (the program)

	Recipient     Recipient
	Purpose       Purpose
	PurposeDetail string
	Categories    []string

	Expiry    string
	ExpiresOn model.Date // when Expiry is ExpiresOnDate

	SignerName      string
	SignerAuthority string
	SignedOn        model.Date
	// StatementsGiven confirms the signer was given the statements the
	// form carries: the right to revoke and how, and for the TPO consent
	// that treatment is not conditioned on signing and that the records may
	// be redisclosed under HIPAA.
	StatementsGiven bool

	RecordedByName string
	RecordedAt     time.Time

	RevokedAt      time.Time // zero while in force
	RevokedByName  string
	RevocationNote string // how the written revocation was received
}

// maxText bounds free-text elements.
const maxText = 500

// Check returns a problem for each missing or inconsistent element, keyed
// by form field and naming the element, as of today.
func (c Consent) Check(today model.Date) map[string]string {
	out := map[string]string{}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	long := func(key, s string) {
		if len(s) > maxText {
			out[key] = fmt.Sprintf("Keep this to %d characters.", maxText)
		}
	}
	if blank(c.ClientName) {
		out["client_name"] = "Write the client's name (§2.31(a)(1))."
	}
	if blank(c.Discloser) {
		out["discloser"] = "Name who may make the disclosure (§2.31(a)(2))."
	}
	switch c.Recipient.Kind {
	case RecipientPerson, RecipientOrganization:
		if blank(c.Recipient.Name) {
			out["recipient_name"] = "Name the recipient (§2.31(a)(4))."
		}
	case RecipientClass:
		if c.Purpose != PurposeTPO {
			out["recipient_kind"] = "A general designation of recipients is allowed only on the consent for treatment, payment and health care operations; name the person or organization."
		}
		if blank(c.Recipient.Name) {
			out["recipient_name"] = "Describe the class of recipients (§2.31(a)(4))."
		}
	default:
		out["recipient_kind"] = "Choose who receives the information: a person, an organization, or (for treatment, payment and operations) a class of recipients."
	}
	long("recipient_name", c.Recipient.Name)
	long("recipient_detail", c.Recipient.Detail)
	switch {
	case c.Purpose == "":
		out["purpose"] = "Choose the purpose of the disclosure (§2.31(a)(5))."
	case !c.Purpose.Valid():
		out["purpose"] = "Choose one of the purposes listed."
	case c.Purpose == PurposeOther && blank(c.PurposeDetail):
		out["purpose_detail"] = "Describe the purpose."
	}
	long("purpose_detail", c.PurposeDetail)
	if len(c.Categories) == 0 {
		out["categories"] = "Choose the information that may be disclosed (§2.31(a)(3))."
	}
	for _, code := range c.Categories {
		if _, ok := CategoryByCode(code); !ok {
			out["categories"] = fmt.Sprintf("Unknown kind of information %q.", code)
		}
	}
	if slices.Contains(c.Categories, CatCounselingNotes) {
		switch {
		case c.Purpose == PurposeTPO:
			out["categories"] = "SUD counseling notes cannot be disclosed under the consent for treatment, payment and operations; record a separate consent that names them."
		case len(c.Categories) > 1:
			out["categories"] = "A consent for SUD counseling notes covers those notes alone; record the other information on a separate consent."
		}
	}
	switch c.Expiry {
	case ExpiresOnDate:
		switch {
		case c.ExpiresOn.IsZero():
			out["expires_on"] = "Give the date the consent expires (§2.31(a)(7))."
		case !c.SignedOn.IsZero() && c.ExpiresOn.Before(c.SignedOn):
			out["expires_on"] = "The expiry date is before the date signed."
		}
	case ExpiresEndOfTreatment:
	case ExpiresNever:
		if c.Purpose != PurposeTPO {
			out["expiry"] = "Only the consent for treatment, payment and operations may have no expiry; give a date or end of treatment."
		}
	default:
		out["expiry"] = "Choose when the consent expires: a date, the end of treatment, or (for treatment, payment and operations) none (§2.31(a)(7))."
	}
	if blank(c.SignerName) {
		out["signer_name"] = "Write the name of the person who signed (§2.31(a)(8))."
	}
	long("signer_name", c.SignerName)
	switch c.SignerAuthority {
	case SignerClient, SignerGuardian, SignerRepresentative:
	default:
		out["signer_authority"] = "Choose who signed: the client, a guardian, or an authorized representative."
	}
	switch {
	case c.SignedOn.IsZero():
		out["signed_on"] = "Give the date the consent was signed (§2.31(a)(9))."
	case c.SignedOn.After(today):
		out["signed_on"] = "The date signed is in the future."
	}
	if !c.StatementsGiven {
		msg := "Confirm the signer was given the statements on the form: the right to revoke and how (§2.31(a)(6))."
		if c.Purpose == PurposeTPO {
			msg = "Confirm the signer was given the statements on the form: the right to revoke and how (§2.31(a)(6)), that treatment does not depend on signing, and that records may be redisclosed under HIPAA."
		}
		out["statements_given"] = msg
	}
	return out
}

// State is whether a consent is in force.
type State string

// Consent states.
const (
	StateActive  State = "active"
	StateExpired State = "expired"
	StateRevoked State = "revoked"
)

// Label is how the state reads.
func (s State) Label() string {
	switch s {
	case StateActive:
		return "In force"
	case StateExpired:
		return "Expired"
	case StateRevoked:
		return "Revoked"
	}
	return string(s)
}

// Care is what "end of treatment" is decided by: whether the client has an
// open episode, and the last discharge date.
type Care struct {
	Active        bool
	LastDischarge model.Date
}

// StateOn is the consent's state on day today. A revocation counts from its
// instant; a consent expiring on a date is in force through that day; "end
// of treatment" has come when the client has no open episode and was
// discharged on or after the day the consent was signed.
func (c Consent) StateOn(today model.Date, care Care) State {
	switch {
	case !c.RevokedAt.IsZero():
		return StateRevoked
	case c.Expiry == ExpiresOnDate && c.ExpiresOn.Before(today):
		return StateExpired
	case c.Expiry == ExpiresEndOfTreatment && !care.Active && !care.LastDischarge.IsZero() && !care.LastDischarge.Before(c.SignedOn):
		return StateExpired
	}
	return StateActive
}

// ExpiryLabel is how the expiry reads.
func (c Consent) ExpiryLabel() string {
	switch c.Expiry {
	case ExpiresOnDate:
		return "On " + c.ExpiresOn.Format("January 2, 2006")
	case ExpiresEndOfTreatment:
		return "At the end of treatment"
	case ExpiresNever:
		return "None (until revoked)"
	}
	return c.Expiry
}

// PurposeLabel is the purpose with its description.
func (c Consent) PurposeLabel() string {
	if c.Purpose == PurposeOther || strings.TrimSpace(c.PurposeDetail) != "" {
		if c.Purpose == PurposeOther {
			return c.PurposeDetail
		}
		return c.Purpose.Label() + ": " + c.PurposeDetail
	}
	return c.Purpose.Label()
}

// Request is a disclosure to be made: to whom, and which information. TPO
// says the recipient is a treating provider, health plan, payer or someone
// helping to operate the program receiving for those purposes, which a TPO
// consent's general designation covers.
type Request struct {
	Recipient  string
	TPO        bool
	Categories []string
}

// Decision is whether the consents on file allow a request, under which
// consent, and why not.
type Decision struct {
	Allowed bool
	Consent Consent // the consent the disclosure is made under
	Reason  string  // why it was refused, in words for the person asking
}

// Names reports whether the consent names recipient (case and spacing
// aside), or, for a general designation, whether the request is for TPO.
func (c Consent) Names(r Request) bool {
	if c.Recipient.Kind == RecipientClass {
		return r.TPO && c.Purpose == PurposeTPO
	}
	want := normalize(r.Recipient)
	return want != "" && (normalize(c.Recipient.Name) == want || normalize(c.Recipient.Detail) == want && c.Recipient.Kind == RecipientOrganization)
}

func normalize(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Decide finds a consent in force that names the recipient and covers every
// category asked for. When none does it says why, most specific first: a
// consent for the recipient that lacks some information, then one that was
// revoked or expired, then none at all.
func Decide(consents []Consent, req Request, today model.Date, care Care) Decision {
	if len(req.Categories) == 0 {
		return Decision{Reason: "Choose the information to disclose."}
	}
	var missing, ended string
	for _, c := range consents {
		if !c.Names(req) {
			continue
		}
		switch c.StateOn(today, care) {
		case StateRevoked:
			ended = fmt.Sprintf("The consent for %s was revoked on %s.", c.Recipient.Name, c.RevokedAt.Format("January 2, 2006"))
			continue
		case StateExpired:
			ended = fmt.Sprintf("The consent for %s has expired (%s).", c.Recipient.Name, strings.ToLower(c.ExpiryLabel()))
			continue
		}
		var lacks []string
		for _, code := range req.Categories {
			if !slices.Contains(c.Categories, code) || code == CatCounselingNotes && c.Purpose == PurposeTPO {
				cat, _ := CategoryByCode(code)
				lacks = append(lacks, strings.ToLower(cat.Label))
			}
		}
		if len(lacks) == 0 {
			return Decision{Allowed: true, Consent: c}
		}
		missing = fmt.Sprintf("The consent for %s does not cover %s.", c.Recipient.Name, strings.Join(lacks, ", "))
	}
	switch {
	case missing != "":
		return Decision{Reason: missing}
	case ended != "":
		return Decision{Reason: ended}
	}
	return Decision{Reason: fmt.Sprintf("No consent on file names %s.", strings.TrimSpace(req.Recipient))}
}

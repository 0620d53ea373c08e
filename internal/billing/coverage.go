// Package billing is the money side of an IOP, in pure Go: the payers a
// center bills and the codes each is billed with, a client's coverage, the
// authorizations a payer grants and the units they have left, and the claim
// lines that billable days and kept sessions make, each ready or held with
// its reason. It computes; the store persists and the web shows.
//
// Code facts follow shared/reference/clinical.md §4.1: only H0015's
// descriptor (alcohol and/or drug services, intensive outpatient, at least 3
// hours a day and 3 days a week) and H0004's unit (per 15 minutes) are
// confirmed there, so every code, modifier, unit and charge is a per-payer
// setting. An IOP day whose payer has no code set is held, never guessed;
// a session is claimed only from a payer with a code for its kind.
package billing

import (
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
)

// PayerType is how a payer pays: the ways a person chooses on the public
// pages (cost.Payer), but "not sure", which no payer is.
type PayerType = cost.Payer

// PayerTypes lists the types a payer can have, in form order.
var PayerTypes = []PayerType{cost.Medicaid, cost.Medicare, cost.Commercial, cost.Employer, cost.SelfPay}

// FilingCode is the claim filing indicator an 837P carries for a payer
// type (X12 SBR09): Medicaid MC, Medicare Part B MB, commercial CI.
func FilingCode(t PayerType) string {
	switch t {
	case cost.Medicaid:
		return "MC"
	case cost.Medicare:
		return "MB"
	default:
		return "CI"
	}
}

// Payer is an insurer or program the center bills.
type Payer struct {
	ID           string
	Name         string
	Type         PayerType
	ElectronicID string // the payer id on electronic claims (837P loop 2010BB)
	RequiresAuth bool   // services need an authorization on file
	Codes        Codes
	Active       bool
}

// Codes is what one payer is billed for each kind of service. Contracts
// differ, so each payer carries its own; an empty code means the payer is
// not billed for that service and such services are held with the reason.
type Codes struct {
	PerDiem           string   // a billable IOP day, e.g. H0015 (or S9480 where a payer bills mental-health IOP)
	PerDiemModifiers  []string // e.g. HF (substance abuse program) when the payer asks for it
	PerDiemCents      int64    // the charge for one day
	Individual        string   // a kept individual session on a day that is not a per-diem day, e.g. H0004
	IndividualMinutes int      // minutes per unit of the individual code (H0004: 15); 0 means one unit per session
	IndividualCents   int64    // the charge per unit
	Family            string   // a kept family session on a day that is not a per-diem day
	FamilyMinutes     int
	FamilyCents       int64
	RevenueCode       string // for institutional (UB-04/837I) billing, e.g. 0906; exported in the CSV
	PlaceOfService    string // the CMS place-of-service code on professional claims, e.g. 57
}

var (
	hcpcs    = func(s string) bool { return len(s) == 5 && isAlnum(s) }
	modifier = func(s string) bool { return len(s) == 2 && isAlnum(s) }
)

func isAlnum(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Problems checks a payer: a name, a known type, codes of five letters or
// digits, modifiers of two, no negative charge, and a charge for each code.
func (p Payer) Problems() map[string]string {
	out := map[string]string{}
	if strings.TrimSpace(p.Name) == "" {
		out["name"] = "Enter the payer's name."
	}
	if !slices.Contains(PayerTypes, p.Type) {
		out["type"] = "Choose the payer type."
	}
	if p.ElectronicID != "" && (len(p.ElectronicID) > 80 || strings.ContainsAny(p.ElectronicID, "*~:^")) {
		out["electronic_id"] = "The payer id may not contain * ~ : or ^."
	}
	c := p.Codes
	code := func(field, v string, cents int64) {
		switch {
		case v != "" && !hcpcs(v):
			out[field] = "A code is five capital letters or digits, e.g. H0015."
		case cents < 0:
			out[field+"_charge"] = "A charge cannot be negative."
		case v != "" && cents == 0:
			out[field+"_charge"] = "Enter the charge for " + v + "."
		}
	}
	code("per_diem", c.PerDiem, c.PerDiemCents)
	code("individual", c.Individual, c.IndividualCents)
	code("family", c.Family, c.FamilyCents)
	if len(c.PerDiemModifiers) > 4 {
		out["per_diem_modifiers"] = "At most four modifiers."
	}
	for _, m := range c.PerDiemModifiers {
		if !modifier(m) {
			out["per_diem_modifiers"] = "A modifier is two capital letters or digits, e.g. HF."
		}
	}
	if c.IndividualMinutes < 0 || c.IndividualMinutes > 240 || c.FamilyMinutes < 0 || c.FamilyMinutes > 240 {
		out["individual_minutes"] = "Minutes per unit run from 0 (one unit per session) to 240."
	}
	if c.RevenueCode != "" && (len(c.RevenueCode) != 4 || strings.Trim(c.RevenueCode, "0123456789") != "") {
		out["revenue_code"] = "A revenue code is four digits, e.g. 0906."
	}
	if c.PlaceOfService != "" && (len(c.PlaceOfService) != 2 || strings.Trim(c.PlaceOfService, "0123456789") != "") {
		out["place_of_service"] = "A place of service is two digits, e.g. 57."
	}
	return out
}

// Relationship is the subscriber's relationship to the client.
type Relationship string

// The relationships, with the X12 individual relationship codes.
const (
	Self   Relationship = "self"
	Spouse Relationship = "spouse"
	Child  Relationship = "child"
	Other  Relationship = "other"
)

// Relationships lists the relationships with their labels.
var Relationships = []struct {
	Value Relationship
	Label string
}{{Self, "Self"}, {Spouse, "Spouse"}, {Child, "Child"}, {Other, "Other"}}

// X12 is the relationship's X12 individual relationship code.
func (r Relationship) X12() string {
	return map[Relationship]string{Self: "18", Spouse: "01", Child: "19", Other: "G8"}[r]
}

// Priority orders a client's coverages.
type Priority string

// The priorities.
const (
	Primary   Priority = "primary"
	Secondary Priority = "secondary"
)

// Coverage is a client's insurance or program on file.
type Coverage struct {
	ID, ClientID    string
	PayerID         string
	PayerName       string // read only
	PayerType       PayerType
	Plan            string
	MemberID        string
	GroupID         string
	Subscriber      string // the subscriber's name when not the client
	SubscriberBirth model.Date
	Relationship    Relationship
	Priority        Priority
	From, To        model.Date // To is zero while open-ended
	VerifiedOn      model.Date // when the benefits were verified; zero until then
	VerifiedByID    string
	VerifiedByName  string // read only
	Notes           string // from the benefits call
}

// ActiveOn reports whether the coverage is in effect on d.
func (c Coverage) ActiveOn(d model.Date) bool {
	return !d.Before(c.From) && (c.To.IsZero() || !d.After(c.To))
}

// Problems checks a coverage before it is stored.
func (c Coverage) Problems(today model.Date) map[string]string {
	out := map[string]string{}
	if c.PayerID == "" {
		out["payer"] = "Choose the payer."
	}
	if strings.TrimSpace(c.MemberID) == "" {
		out["member_id"] = "Enter the member id from the card."
	}
	if strings.ContainsAny(c.MemberID+c.GroupID+c.Subscriber, "*~:^") {
		out["member_id"] = "Ids and names may not contain * ~ : or ^."
	}
	if !slices.Contains([]Relationship{Self, Spouse, Child, Other}, c.Relationship) {
		out["relationship"] = "Choose the subscriber's relationship to the client."
	} else if c.Relationship != Self && strings.TrimSpace(c.Subscriber) == "" {
		out["subscriber"] = "Enter the subscriber's name: the client is not the subscriber."
	}
	if c.Priority != Primary && c.Priority != Secondary {
		out["priority"] = "Choose primary or secondary."
	}
	if c.From.IsZero() {
		out["from"] = "Enter the date the coverage starts."
	}
	if !c.To.IsZero() && c.To.Before(c.From) {
		out["to"] = "The coverage cannot end before it starts."
	}
	if !c.VerifiedOn.IsZero() && c.VerifiedOn.After(today) {
		out["verified_on"] = "Benefits cannot be verified on a day still to come."
	}
	return out
}

// CoverageOn is the coverage a claim for date d goes to: the primary one in
// effect, else the secondary; between two of the same priority, the one
// that started later (a new plan on file replaces the old). False when none
// is in effect.
func CoverageOn(list []Coverage, d model.Date) (Coverage, bool) {
	var found *Coverage
	for i := range list {
		c := &list[i]
		if !c.ActiveOn(d) {
			continue
		}
		if found == nil || c.Priority == Primary && found.Priority != Primary ||
			c.Priority == found.Priority && found.From.Before(c.From) {
			found = c
		}
	}
	if found == nil {
		return Coverage{}, false
	}
	return *found, true
}

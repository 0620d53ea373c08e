package billing

import (
	"strings"

	"github.com/openiop/openiop/internal/model"
)

// Outcome is what a payer decided on a utilization review.
type Outcome string

// The outcomes.
const (
	Approved   Outcome = "approved"     // everything asked for
	Partial    Outcome = "partial"      // fewer units or days than asked
	Denied     Outcome = "denied"       // with the payer's reason
	PeerToPeer Outcome = "peer_to_peer" // the payer's reviewer asked to speak with the clinician first
)

// Outcomes lists the outcomes with their labels.
var Outcomes = []struct {
	Value Outcome
	Label string
}{{Approved, "Approved"}, {Partial, "Approved in part"}, {Denied, "Denied"}, {PeerToPeer, "Peer-to-peer review requested"}}

// Label is the outcome in words.
func (o Outcome) Label() string {
	for _, x := range Outcomes {
		if x.Value == o {
			return x.Label
		}
	}
	return string(o)
}

// Grants reports whether the outcome authorizes services.
func (o Outcome) Grants() bool { return o == Approved || o == Partial }

// Decision is a payer's answer to a utilization review. An approval carries
// the authorization it grants.
type Decision struct {
	ID, ClientID string
	PayerID      string
	PayerName    string // read only
	Outcome      Outcome
	Requested    int           // units asked for
	Auth         Authorization // what was granted, for approvals
	Reason       string        // the payer's reason for a denial or partial approval
	NextReview   model.Date    // the next review date the payer set, or the peer-to-peer date
	DecidedOn    model.Date
	ByName       string // read only
}

// Problems checks a decision: approvals carry a complete authorization,
// a partial approval grants fewer units than asked, denials and partial
// approvals give the reason, a peer-to-peer request gives its date.
func (d Decision) Problems(today model.Date) map[string]string {
	out := map[string]string{}
	if d.PayerID == "" {
		out["payer"] = "Choose the payer."
	}
	if d.Outcome.Label() == string(d.Outcome) {
		out["outcome"] = "Choose what the payer decided."
	}
	if d.DecidedOn.IsZero() || d.DecidedOn.After(today) {
		out["decided_on"] = "Enter the day the payer decided, today or earlier."
	}
	if d.Requested < 0 || d.Requested > 1000 {
		out["requested"] = "Enter the units asked for, from 0 to 1000."
	}
	if d.Outcome.Grants() {
		a := d.Auth
		a.PayerID = d.PayerID
		for k, v := range a.Problems() {
			out[k] = v
		}
		if d.Outcome == Partial && d.Requested > 0 && a.Units >= d.Requested {
			out["units"] = "A partial approval grants fewer units than were asked for; choose Approved otherwise."
		}
	}
	if (d.Outcome == Denied || d.Outcome == Partial) && strings.TrimSpace(d.Reason) == "" {
		out["reason"] = "Enter the payer's reason, for an appeal or the next request."
	}
	if d.Outcome == PeerToPeer && d.NextReview.IsZero() {
		out["next_review"] = "Enter the date of the peer-to-peer review."
	}
	if !d.NextReview.IsZero() && !d.DecidedOn.IsZero() && d.NextReview.Before(d.DecidedOn) {
		out["next_review"] = "The next review cannot come before the decision."
	}
	return out
}

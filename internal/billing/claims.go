package billing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

// Session is a kept individual or family appointment, which is billed on
// its own on a day that is not billed as a per-diem IOP day (the per diem
// includes counseling that day: H0015's descriptor, clinical.md §4.1).
type Session struct {
	ID, ClientID string
	Name, MRN    string
	Date         model.Date
	Kind         string // the appointment kind: individual, family, intake, medication
	Minutes      int
	Documented   bool // its note is signed
	ClinicianID  string
}

// Stay is one episode of care as billing sees it.
type Stay struct {
	From, To    model.Date // To is zero while open
	Level       model.LevelOfCare
	Diagnoses   []string // ICD-10-CM, principal first
	CounselorID string   // the primary counselor, the rendering clinician of per-diem days
}

// ClientFile is what billing needs of one client.
type ClientFile struct {
	Coverage []Coverage
	Auths    []Authorization
	Stays    []Stay
}

func (f ClientFile) stayOn(d model.Date) (Stay, bool) {
	var found Stay
	ok := false
	for _, s := range f.Stays {
		if !d.Before(s.From) && (s.To.IsZero() || !d.After(s.To)) {
			found, ok = s, true // the latest admission wins when episodes touch
		}
	}
	return found, ok
}

// Line is one claim line: a service, what it is billed as, and why it is
// held when it is.
type Line struct {
	Key         string // unique per service: a line is billed once
	ClientID    string
	Name, MRN   string
	Date        model.Date
	Service     string // in words: "IOP day: 3 services, 190 minutes"
	Code        string
	Modifiers   []string
	Units       int
	ChargeCents int64
	Diagnoses   []string
	RenderingID string
	Coverage    Coverage
	Payer       Payer
	AuthID      string
	AuthNumber  string
	Revenue     string
	Held        []string // the reasons it cannot be billed yet; empty when ready
	Batch       string   // the batch that billed it, when it was
}

// Ready reports whether the line can go on a claim.
func (l Line) Ready() bool { return len(l.Held) == 0 && l.Batch == "" }

// Lines makes the claim lines of billable days and of sessions kept on days
// that are not billable. days must hold each client's days from the start
// of their earliest authorization in play, so that units are counted from
// the first day authorized; only lines dated from..to are returned. billed
// maps the keys already on an exported batch to that batch's label.
func Lines(days []intensity.Day, sessions []Session, files map[string]ClientFile, payers map[string]Payer,
	from, to model.Date, billed map[string]string) []Line {
	perDiemDay := map[string]bool{}
	for _, d := range days {
		if d.Billable {
			perDiemDay[d.ClientID+"|"+d.Date.String()] = true
		}
	}
	// One pass in date order, so that the units of an authorization go to
	// the earliest services and the later ones are the ones held.
	type service struct {
		day     *intensity.Day
		session *Session
	}
	var all []service
	for i := range days {
		if days[i].Billable {
			all = append(all, service{day: &days[i]})
		}
	}
	for i := range sessions {
		if !perDiemDay[sessions[i].ClientID+"|"+sessions[i].Date.String()] {
			all = append(all, service{session: &sessions[i]})
		}
	}
	dateOf := func(s service) string {
		if s.day != nil {
			return s.day.Date.String()
		}
		return s.session.Date.String()
	}
	slices.SortStableFunc(all, func(a, b service) int { return strings.Compare(dateOf(a), dateOf(b)) })

	used := map[string]int{} // authorization id -> units used so far
	var out []Line
	for _, x := range all {
		var l Line
		if d := x.day; d != nil {
			f := files[d.ClientID]
			l = Line{Key: "day|" + d.ClientID + "|" + d.Date.String(), ClientID: d.ClientID, Name: d.Name, MRN: d.MRN, Date: d.Date,
				Service: fmt.Sprintf("IOP day: %s, %d minutes", plural(len(d.Services), "service"), d.Minutes)}
			if len(d.Undocumented) > 0 {
				l.Held = append(l.Held, "Note not signed: "+strings.Join(d.Undocumented, ", ")+".")
			}
			stay, inCare := f.stayOn(d.Date)
			l.RenderingID = stay.CounselorID
			l.fill(f, stay, inCare, payers, func(c Codes) (string, []string, int, int64, string) {
				return c.PerDiem, slices.Clone(c.PerDiemModifiers), 1, c.PerDiemCents, "per-diem IOP days"
			})
			l.authorize(f, stay, inCare, func(u Unit) int { return UnitsOn(u, *d) }, used)
		} else {
			s := x.session
			f := files[s.ClientID]
			if c, ok := CoverageOn(f.Coverage, s.Date); ok && payers[c.PayerID].Type != cost.SelfPay && payers[c.PayerID].Codes.sessionCode(s.Kind) == "" {
				continue // this payer is billed for IOP days only: nothing to claim, nothing to hold
			}
			l = Line{Key: "appointment|" + s.ID, ClientID: s.ClientID, Name: s.Name, MRN: s.MRN, Date: s.Date, RenderingID: s.ClinicianID,
				Service: fmt.Sprintf("%s session, %d minutes, on a day that is not a per-diem day", kindLabel(s.Kind), s.Minutes)}
			if !s.Documented {
				l.Held = append(l.Held, "Note not signed.")
			}
			stay, inCare := f.stayOn(s.Date)
			l.fill(f, stay, inCare, payers, func(c Codes) (string, []string, int, int64, string) {
				code, per, cents := c.sessionCode(s.Kind), 0, int64(0)
				switch s.Kind {
				case "individual":
					per, cents = c.IndividualMinutes, c.IndividualCents
				case "family":
					per, cents = c.FamilyMinutes, c.FamilyCents
				}
				units := 1
				if per > 0 {
					units = s.Minutes / per
				}
				return code, nil, units, cents * int64(units), s.Kind + " sessions"
			})
			if l.Units < 1 && l.Code != "" {
				l.Held = append(l.Held, "Shorter than one billing unit.")
			}
			l.authorize(f, stay, inCare, func(u Unit) int { return SessionUnits(u, *s) }, used)
			if i := slices.Index(l.Held, noAuthorization); i >= 0 {
				l.Held[i] = "No authorization for sessions covers this date (a per-diem authorization counts IOP days)."
			}
		}
		if !l.Date.Before(from) && !l.Date.After(to) {
			l.Batch = billed[l.Key]
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b Line) int { return strings.Compare(a.ClientID, b.ClientID) })
	return out
}

func kindLabel(k string) string {
	if k == "" {
		return "Appointment"
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

// sessionCode is the code a payer bills a kind of session with, or "".
func (c Codes) sessionCode(kind string) string {
	switch kind {
	case "individual":
		return c.Individual
	case "family":
		return c.Family
	}
	return ""
}

// fill sets the line's payer, coverage, code and charge, holding it when
// something needed is missing.
func (l *Line) fill(f ClientFile, stay Stay, inCare bool, payers map[string]Payer, code func(Codes) (string, []string, int, int64, string)) {
	if !inCare {
		l.Held = append(l.Held, "Not in an episode of care on this date.")
	} else if len(stay.Diagnoses) == 0 {
		l.Held = append(l.Held, "The episode has no diagnosis for the claim to point to.")
	}
	l.Diagnoses = stay.Diagnoses
	c, ok := CoverageOn(f.Coverage, l.Date)
	if !ok {
		l.Held = append(l.Held, "No coverage on file for this date.")
		return
	}
	l.Coverage, l.Payer = c, payers[c.PayerID]
	if l.Payer.Type == cost.SelfPay {
		l.Held = append(l.Held, "Self-pay: billed to the client, not claimed.")
		return
	}
	var what string
	l.Code, l.Modifiers, l.Units, l.ChargeCents, what = code(l.Payer.Codes)
	l.Revenue = l.Payer.Codes.RevenueCode
	if l.Code == "" {
		l.Held = append(l.Held, fmt.Sprintf("%s has no code set for %s (Billing settings).", l.Payer.Name, what))
	}
}

// authorize finds the authorization that covers the line and counts its
// units, holding the line when none covers it or its units are used up.
func (l *Line) authorize(f ClientFile, stay Stay, inCare bool, units func(Unit) int, used map[string]int) {
	if l.Payer.ID == "" || l.Payer.Type == cost.SelfPay {
		return
	}
	var wrongLevel *Authorization
	for i := range f.Auths {
		a := &f.Auths[i]
		if a.PayerID != l.Payer.ID || !a.Covers(l.Date) {
			continue
		}
		n := units(a.Unit)
		if n == 0 {
			continue
		}
		if inCare && a.Level != stay.Level {
			wrongLevel = a
			continue
		}
		l.AuthID, l.AuthNumber = a.ID, a.Number
		if used[a.ID]+n > a.Units {
			l.Held = append(l.Held, fmt.Sprintf("Beyond authorization %s: all %s used.", a.Number, a.Unit.Noun(a.Units)))
		}
		used[a.ID] += n
		return
	}
	if !l.Payer.RequiresAuth {
		return
	}
	if wrongLevel != nil {
		l.Held = append(l.Held, fmt.Sprintf("Authorization %s covers %s; the client was at %s.", wrongLevel.Number, wrongLevel.Level.Label(), stay.Level.Label()))
		return
	}
	l.Held = append(l.Held, noAuthorization)
}

const noAuthorization = "No authorization covers this date."

// Claim is the lines of one client for one coverage and authorization,
// as they go on one professional claim (at most 50 lines each).
type Claim struct {
	ClientID   string
	Coverage   Coverage
	Payer      Payer
	AuthNumber string
	Diagnoses  []string
	Lines      []Line
}

// TotalCents is the claim's charge.
func (c Claim) TotalCents() int64 {
	var t int64
	for _, l := range c.Lines {
		t += l.ChargeCents
	}
	return t
}

// MaxClaimLines is the professional claim's limit on service lines.
const MaxClaimLines = 50

// Group puts ready lines on claims: one per client, coverage and
// authorization, in the lines' order, split at MaxClaimLines. Lines that
// are held or billed are left out.
func Group(lines []Line) []Claim {
	var out []Claim
	open := map[string]int{}
	for _, l := range lines {
		if !l.Ready() {
			continue
		}
		k := l.ClientID + "|" + l.Coverage.ID + "|" + l.AuthNumber
		i, ok := open[k]
		if !ok || len(out[i].Lines) == MaxClaimLines {
			i = len(out)
			open[k] = i
			out = append(out, Claim{ClientID: l.ClientID, Coverage: l.Coverage, Payer: l.Payer, AuthNumber: l.AuthNumber})
		}
		c := &out[i]
		c.Lines = append(c.Lines, l)
		for _, d := range l.Diagnoses {
			if !slices.Contains(c.Diagnoses, d) && len(c.Diagnoses) < 12 {
				c.Diagnoses = append(c.Diagnoses, d)
			}
		}
	}
	return out
}

// Pointers are the 1-based positions in the claim's diagnoses of a line's
// diagnoses, at most four, principal first.
func (c Claim) Pointers(l Line) []int {
	var p []int
	for _, d := range l.Diagnoses {
		if i := slices.Index(c.Diagnoses, d); i >= 0 && len(p) < 4 {
			p = append(p, i+1)
		}
	}
	return p
}

package x837

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	reDigits     = regexp.MustCompile(`^[0-9]+$`)
	reState      = regexp.MustCompile(`^[A-Z]{2}$`)
	reZIP        = regexp.MustCompile(`^([0-9]{5}|[0-9]{9})$`)
	reNineDigits = regexp.MustCompile(`^[0-9]{9}$`)
	reTaxonomy   = regexp.MustCompile(`^[0-9]{3}[0-9A-Z]{6}X$`)
	reHCPCS      = regexp.MustCompile(`^[A-Z0-9][0-9]{3}[A-Z0-9]$`)
	reModifier   = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	reICD10      = regexp.MustCompile(`^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$`)
	rePOS        = regexp.MustCompile(`^[0-9]{2}$`)
)

// Codes accepted in SBR09 (claim filing indicator) by 005010X222A1.
var filingIndicators = set("11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ")

// Codes accepted in SBR01 (payer responsibility sequence).
var payerSequences = set("P", "S", "T", "A", "B", "C", "D", "E", "F", "G", "H", "U")

// Codes accepted in PAT01 (patient's relationship to a subscriber who is
// not the patient).
var patientRelationships = set("01", "19", "20", "21", "39", "40", "53", "G8")

func set(v ...string) map[string]bool {
	m := make(map[string]bool, len(v))
	for _, s := range v {
		m[s] = true
	}
	return m
}

type checker struct{ list []string }

func (c *checker) add(where, format string, args ...any) {
	c.list = append(c.list, where+": "+fmt.Sprintf(format, args...))
}

// text checks a free-text or id field: printable ASCII, none of the
// delimiters, within max characters, and present if required.
func (c *checker) text(where, field, v string, required bool, max int) bool {
	v = clean(v)
	if v == "" {
		if required {
			c.add(where, "%s is missing", field)
		}
		return false
	}
	for _, r := range v {
		switch {
		case strings.ContainsRune("*~:^", r):
			c.add(where, "%s %q contains the X12 delimiter %q", field, v, r)
			return false
		case r < 0x20 || r > 0x7e:
			c.add(where, "%s %q contains %q, which is not printable ASCII", field, v, r)
			return false
		}
	}
	if len(v) > max {
		c.add(where, "%s %q is longer than %d characters", field, v, max)
		return false
	}
	return true
}

// code checks a coded field against a pattern.
func (c *checker) code(where, field, v string, required bool, re *regexp.Regexp, want string) {
	if c.text(where, field, v, required, 80) && !re.MatchString(clean(v)) {
		c.add(where, "%s %q is not %s", field, clean(v), want)
	}
}

func (c *checker) npi(where, field, v string, required bool) {
	if !c.text(where, field, v, required, 10) {
		return
	}
	v = clean(v)
	if len(v) != 10 || !reDigits.MatchString(v) {
		c.add(where, "%s %q is not 10 digits", field, v)
		return
	}
	if !ValidNPI(v) {
		c.add(where, "%s %q fails the NPI check digit (Luhn with prefix 80840)", field, v)
	}
}

// ValidNPI reports whether npi is 10 digits whose last is the Luhn check
// digit of the other nine prefixed with 80840, as CMS defines it.
func ValidNPI(npi string) bool {
	if len(npi) != 10 || !reDigits.MatchString(npi) {
		return false
	}
	s := "80840" + npi
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func (c *checker) address(where, field string, a Address, required, zip9 bool) {
	if clean(a.Line1) == "" && clean(a.Line2) == "" && clean(a.City) == "" && clean(a.State) == "" && clean(a.ZIP) == "" {
		if required {
			c.add(where, "%s is missing", field)
		}
		return
	}
	c.text(where, field+" line 1", a.Line1, true, 55)
	c.text(where, field+" line 2", a.Line2, false, 55)
	c.text(where, field+" city", a.City, true, 30)
	c.code(where, field+" state", a.State, true, reState, "a two-letter state code")
	if zip9 {
		c.code(where, field+" ZIP", a.ZIP, true, reNineDigits, "9 digits (ZIP+4 without a dash, required for the billing provider)")
	} else {
		c.code(where, field+" ZIP", a.ZIP, true, reZIP, "5 or 9 digits")
	}
}

func (c *checker) person(where, field string, p Person, subscriber, needAddress bool) {
	c.text(where, field+" last name", p.Last, true, 60)
	c.text(where, field+" first name", p.First, false, 35)
	c.text(where, field+" middle name", p.Middle, false, 25)
	if subscriber {
		c.text(where, field+" member id", p.MemberID, true, 80)
		c.text(where, field+" group id", p.GroupID, false, 50)
	} else {
		if clean(p.MemberID) != "" || clean(p.GroupID) != "" {
			c.add(where, "%s has a member or group id: a patient with their own member id is the subscriber", field)
		}
	}
	if p.Birth.IsZero() {
		c.add(where, "%s birth date is missing", field)
	} else if y := p.Birth.Year(); y < 1850 || y > 9999 {
		c.add(where, "%s birth year %d is out of range", field, y)
	}
	if p.Sex != "M" && p.Sex != "F" && p.Sex != "U" {
		c.add(where, "%s sex %q is not M, F or U", field, p.Sex)
	}
	c.address(where, field+" address", p.Address, needAddress, false)
}

func (c *checker) rendering(where string, r *Rendering) {
	if r == nil {
		return
	}
	c.text(where, "rendering provider last name", r.Last, true, 60)
	c.text(where, "rendering provider first name", r.First, false, 35)
	c.npi(where, "rendering provider NPI", r.NPI, true)
}

// Problems lists every problem that keeps b from being written, each naming
// where it is ("claim 2 (C-17): line 3: ..."). It is empty for a batch that
// Write accepts.
func (b Batch) Problems() []string {
	var c checker
	const bw = "batch"
	if b.ControlNumber < 1 || b.ControlNumber > maxControlNum {
		c.add(bw, "control number %d is not between 1 and %d", b.ControlNumber, maxControlNum)
	}
	if b.Created.IsZero() {
		c.add(bw, "creation time is missing")
	} else if y := b.Created.Year(); y < 2000 || y > 9999 {
		c.add(bw, "creation year %d is out of range", y)
	}
	// ISA06/ISA08 are 15 characters, GS02/GS03 2 to 15.
	for _, p := range []struct {
		field string
		v     Party
	}{{"submitter", b.Submitter}, {"receiver", b.Receiver}} {
		c.text(bw, p.field+" name", p.v.Name, true, 60)
		if c.text(bw, p.field+" id", p.v.ID, true, 15) && len(clean(p.v.ID)) < 2 {
			c.add(bw, "%s id %q is shorter than 2 characters", p.field, clean(p.v.ID))
		}
	}
	sc := b.SubmitterContact
	c.text(bw, "submitter contact name", sc.Name, false, 60)
	phone := c.text(bw, "submitter contact phone", sc.Phone, false, 256)
	if phone && (!reDigits.MatchString(clean(sc.Phone)) || len(clean(sc.Phone)) < 10) {
		c.add(bw, "submitter contact phone %q is not at least 10 digits without punctuation", clean(sc.Phone))
	}
	c.text(bw, "submitter contact email", sc.Email, false, 256)
	if clean(sc.Phone) == "" && clean(sc.Email) == "" {
		c.add(bw, "submitter contact has neither phone nor email")
	}

	bp := b.BillingProvider
	const bpw = "billing provider"
	c.text(bpw, "name", bp.Name, true, 60)
	c.npi(bpw, "NPI", bp.NPI, true)
	c.code(bpw, "tax id", bp.TaxID, true, reNineDigits, "9 digits without a dash")
	c.code(bpw, "taxonomy", bp.Taxonomy, false, reTaxonomy, "a 10-character provider taxonomy code")
	c.address(bpw, "address", bp.Address, true, true)

	if len(b.Claims) == 0 {
		c.add(bw, "no claims")
	}
	if len(b.Claims) > MaxClaims {
		c.add(bw, "%d claims, more than %d in one transaction", len(b.Claims), MaxClaims)
	}
	ids := map[string]int{}
	for i, cl := range b.Claims {
		where := fmt.Sprintf("claim %d", i+1)
		if id := clean(cl.ID); id != "" {
			where = fmt.Sprintf("claim %d (%s)", i+1, id)
		}
		if c.text(where, "id", cl.ID, true, MaxClaimID) {
			if j, ok := ids[clean(cl.ID)]; ok {
				c.add(where, "id is also claim %d's", j+1)
			} else {
				ids[clean(cl.ID)] = i
			}
		}
		c.text(where, "payer name", cl.Payer.Name, true, 60)
		if c.text(where, "payer id", cl.Payer.ID, true, 80) && len(clean(cl.Payer.ID)) < 2 {
			c.add(where, "payer id %q is shorter than 2 characters", clean(cl.Payer.ID))
		}
		if seq := clean(cl.PayerSequence); seq != "" && !payerSequences[seq] {
			c.add(where, "payer sequence %q is not P, S, T (or A-H, U)", seq)
		}
		if fi := clean(cl.FilingIndicator); fi != "" && !filingIndicators[fi] {
			c.add(where, "claim filing indicator %q is not a 005010X222A1 code (CI, MC, MB, ...)", fi)
		}
		rel := clean(cl.Relationship)
		if cl.Patient == nil {
			if rel != "" && rel != "18" {
				c.add(where, "relationship %q but no patient: a patient other than the subscriber needs Patient", rel)
			}
			c.person(where, "subscriber", cl.Subscriber, true, true)
		} else {
			switch {
			case rel == "" || rel == "18":
				c.add(where, "has a patient other than the subscriber but relationship %q (use 01, 19, 20, 21, 39, 40, 53 or G8)", rel)
			case !patientRelationships[rel]:
				c.add(where, "relationship %q is not 01, 19, 20, 21, 39, 40, 53 or G8", rel)
			}
			c.person(where, "subscriber", cl.Subscriber, true, false)
			c.person(where, "patient", *cl.Patient, false, true)
		}
		c.code(where, "place of service", cl.PlaceOfService, true, rePOS, "two digits")
		switch n := len(cl.Diagnoses); {
		case n == 0:
			c.add(where, "no diagnosis")
		case n > MaxDiagnoses:
			c.add(where, "%d diagnoses, more than %d", n, MaxDiagnoses)
		}
		for j, d := range cl.Diagnoses {
			c.code(where, fmt.Sprintf("diagnosis %d", j+1), d, true, reICD10, "an ICD-10-CM code")
		}
		c.text(where, "prior authorization", cl.PriorAuth, false, 50)
		c.rendering(where, cl.Rendering)

		switch n := len(cl.Lines); {
		case n == 0:
			c.add(where, "no service lines")
		case n > MaxLines:
			c.add(where, "%d service lines, more than %d", n, MaxLines)
		}
		var total int64
		for j, l := range cl.Lines {
			lw := fmt.Sprintf("%s: line %d", where, j+1)
			if l.Date.IsZero() {
				c.add(lw, "date of service is missing")
			} else if y := l.Date.Year(); y < 1900 || y > 9999 {
				c.add(lw, "date of service year %d is out of range", y)
			}
			c.code(lw, "procedure code", l.Code, true, reHCPCS, "a 5-character HCPCS/CPT code")
			if len(l.Modifiers) > MaxModifiers {
				c.add(lw, "%d modifiers, more than %d", len(l.Modifiers), MaxModifiers)
			}
			for k, m := range l.Modifiers {
				c.code(lw, fmt.Sprintf("modifier %d", k+1), m, true, reModifier, "two letters or digits")
			}
			if l.Units < 1 {
				c.add(lw, "units %d, less than 1", l.Units)
			}
			if l.ChargeCents < 0 {
				c.add(lw, "negative charge %d cents", l.ChargeCents)
			} else if l.ChargeCents > 99999999999 {
				c.add(lw, "charge %d cents is too large", l.ChargeCents)
			} else {
				total += l.ChargeCents
			}
			switch n := len(l.DiagnosisPointers); {
			case n == 0:
				c.add(lw, "no diagnosis pointer")
			case n > MaxPointers:
				c.add(lw, "%d diagnosis pointers, more than %d", n, MaxPointers)
			}
			seen := map[int]bool{}
			for k, p := range l.DiagnosisPointers {
				if p < 1 || p > len(cl.Diagnoses) || p > MaxDiagnoses {
					c.add(lw, "diagnosis pointer %d is %d, not between 1 and %d (the claim's diagnoses)", k+1, p, len(cl.Diagnoses))
				} else if seen[p] {
					c.add(lw, "diagnosis pointer %d repeats %d", k+1, p)
				}
				seen[p] = true
			}
			c.rendering(lw, l.Rendering)
		}
		if total > 99999999999 {
			c.add(where, "total charge %d cents is too large", total)
		}
	}
	return c.list
}

// Package x837 writes professional claims as an ASC X12 837P interchange,
// version 005010X222A1, the format US payers and clearinghouses take
// electronic professional claims in (HIPAA). An IOP bills its group and
// individual sessions (H0015, H0005, 90853, ...) this way.
//
// The caller fills a Batch: who sends it (submitter, with its ETIN), who
// receives it (clearinghouse or payer), the billing provider (an
// organization with an NPI and a tax id), and the claims, each with its
// subscriber, optional dependent patient, payer, diagnoses and service
// lines. Write checks the whole batch first (Batch.Problems lists every
// problem, naming the claim and line) and writes nothing when anything is
// wrong, so that no half-valid file reaches a payer.
//
// One interchange holds one functional group holding one 837 transaction;
// each claim gets its own subscriber hierarchical level (2000B), and a
// patient level (2000C) when the patient is not the subscriber. Segments end
// with "~" and a newline for readability; elements are separated by "*",
// components by ":", repetitions by "^". Those four characters are refused
// in any text. Amounts are written in dollars without trailing zeros after
// the decimal point ("150", "150.5", "150.25"), as the X12 standard asks.
//
// Not written: coordination of benefits (Loops 2320/2330), so a secondary
// or tertiary claim (PayerSequence "S" or "T") carries no information on
// what the other payers paid, which most payers require for such claims;
// referring providers, service facility, attachments and notes.
package x837

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Implementation guide version, written in GS08 and ST03.
const Version = "005010X222A1"

// Limits from the implementation guide.
const (
	MaxLines      = 50   // service lines per claim (Loop 2400 repeat)
	MaxDiagnoses  = 12   // HI01-HI12
	MaxModifiers  = 4    // SV101-3..6
	MaxPointers   = 4    // SV107-1..4
	MaxClaimID    = 20   // CLM01 as payers return it on the 835
	MaxClaims     = 5000 // claims per transaction, as the guide recommends
	maxControlNum = 999999999
)

// Address is a street address. Line1 is the street (N301), Line2 an
// optional second line (N302). ZIP is 5 or 9 digits without a dash; the
// billing provider's must be 9.
type Address struct{ Line1, Line2, City, State, ZIP string }

// Party is a submitter, receiver or payer: its name and its id (the ETIN
// for the submitter, the receiver's id, the payer id).
type Party struct{ Name, ID string }

// Contact is the submitter's EDI contact (PER*IC). At least one of Phone
// (digits only, area code first) and Email is required.
type Contact struct{ Name, Phone, Email string }

// Provider is the billing provider, an organization (Loop 2010AA).
// Taxonomy is optional (PRV*BI when set).
type Provider struct {
	Name                 string
	NPI, TaxID, Taxonomy string
	Address              Address
}

// Person is a subscriber or a patient. MemberID and GroupID are the
// subscriber's (GroupID optional) and must be empty for a dependent patient:
// under 5010 a patient with a member id of their own is the subscriber.
// Sex is "M", "F" or "U". Address is optional for a subscriber who is not
// the patient, required otherwise.
type Person struct {
	Last, First, Middle string
	MemberID, GroupID   string
	Birth               time.Time
	Sex                 string
	Address             Address
}

// Rendering is an individual rendering provider (Loop 2310B for a claim,
// 2420A for a line).
type Rendering struct{ Last, First, NPI string }

// Line is one service line (Loop 2400).
type Line struct {
	Date              time.Time  // date of service, the calendar date in Date's location
	Code              string     // HCPCS/CPT, e.g. "H0015"
	Modifiers         []string   // up to 4, two characters each
	Units             int        // service units, at least 1
	ChargeCents       int64      // line charge in cents, not negative
	DiagnosisPointers []int      // 1-based into Claim.Diagnoses, 1 to 4, no repeats
	Rendering         *Rendering // only when it differs from the claim's; written as 2420A
}

// Claim is one professional claim (Loop 2300) with its subscriber and
// patient.
type Claim struct {
	ID              string // patient control number (CLM01), at most 20 characters
	Payer           Party
	PayerSequence   string // SBR01: "P" primary (default when empty), "S" secondary, "T" tertiary
	FilingIndicator string // SBR09: "CI" commercial (default when empty), "MC" Medicaid, "MB" Medicare Part B, ...
	Subscriber      Person
	Relationship    string   // patient to subscriber: "18" self (default when empty and Patient is nil), "01" spouse, "19" child, "G8" other, ...
	Patient         *Person  // nil when the patient is the subscriber
	PlaceOfService  string   // two digits, e.g. "57"
	Diagnoses       []string // ICD-10-CM, with or without the dot; the first is principal; 1 to 12
	PriorAuth       string   // REF*G1 when set
	Rendering       *Rendering
	Lines           []Line
}

// Batch is one interchange's worth of claims.
type Batch struct {
	ControlNumber    int // 1..999999999: ISA13 (zero-padded to 9), IEA02, GS06, GE02, ST02/SE02 (zero-padded to 4), BHT03
	Created          time.Time
	Production       bool // ISA15 "P", else "T" (test)
	Submitter        Party
	SubmitterContact Contact
	Receiver         Party
	BillingProvider  Provider
	Claims           []Claim
}

// ProblemsError is what Write and Encode return for a batch with problems.
type ProblemsError struct{ Problems []string }

func (e *ProblemsError) Error() string {
	return "x837: batch refused: " + strings.Join(e.Problems, "; ")
}

// Write validates b and, if it has no problems, writes it to w as one
// interchange. On a problem it returns a *ProblemsError and writes nothing.
func Write(w io.Writer, b Batch) error {
	data, err := Encode(b)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Encode is Write into a byte slice.
func Encode(b Batch) ([]byte, error) {
	if p := b.Problems(); len(p) > 0 {
		return nil, &ProblemsError{Problems: p}
	}
	return b.encode(), nil
}

// segments builds the interchange one segment at a time.
type segments struct {
	buf bytes.Buffer
	n   int // segments since the last reset (ST..SE count)
}

// add writes a segment, dropping trailing empty elements.
func (s *segments) add(id string, elements ...string) {
	for len(elements) > 0 && elements[len(elements)-1] == "" {
		elements = elements[:len(elements)-1]
	}
	s.buf.WriteString(id)
	for _, e := range elements {
		s.buf.WriteByte('*')
		s.buf.WriteString(e)
	}
	s.buf.WriteString("~\n")
	s.n++
}

// composite joins components, dropping trailing empty ones.
func composite(parts ...string) string {
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, ":")
}

func (b Batch) encode() []byte {
	var s segments
	cn := b.ControlNumber
	isa13 := fmt.Sprintf("%09d", cn)
	gs06 := strconv.Itoa(cn)
	st02 := fmt.Sprintf("%04d", cn)
	usage := "T"
	if b.Production {
		usage = "P"
	}
	s.add("ISA", "00", pad("", 10), "00", pad("", 10),
		"ZZ", pad(clean(b.Submitter.ID), 15), "ZZ", pad(clean(b.Receiver.ID), 15),
		b.Created.Format("060102"), b.Created.Format("1504"),
		"^", "00501", isa13, "0", usage, ":")
	s.add("GS", "HC", clean(b.Submitter.ID), clean(b.Receiver.ID),
		b.Created.Format("20060102"), b.Created.Format("1504"), gs06, "X", Version)

	s.n = 0
	s.add("ST", "837", st02, Version)
	s.add("BHT", "0019", "00", gs06, b.Created.Format("20060102"), b.Created.Format("1504"), "CH")
	// 1000A submitter, 1000B receiver.
	s.add("NM1", "41", "2", clean(b.Submitter.Name), "", "", "", "", "46", clean(b.Submitter.ID))
	c := b.SubmitterContact
	per := []string{"IC", clean(c.Name)}
	if p := clean(c.Phone); p != "" {
		per = append(per, "TE", p)
	}
	if e := clean(c.Email); e != "" {
		per = append(per, "EM", e)
	}
	s.add("PER", per...)
	s.add("NM1", "40", "2", clean(b.Receiver.Name), "", "", "", "", "46", clean(b.Receiver.ID))

	// 2000A billing provider.
	bp := b.BillingProvider
	s.add("HL", "1", "", "20", "1")
	if t := clean(bp.Taxonomy); t != "" {
		s.add("PRV", "BI", "PXC", t)
	}
	s.add("NM1", "85", "2", clean(bp.Name), "", "", "", "", "XX", clean(bp.NPI))
	address(&s, bp.Address)
	s.add("REF", "EI", clean(bp.TaxID))

	hl := 1
	for _, cl := range b.Claims {
		hl++
		sub := hl
		child := "0"
		if cl.Patient != nil {
			child = "1"
		}
		s.add("HL", strconv.Itoa(sub), "1", "22", child)
		rel := ""
		if cl.Patient == nil {
			rel = "18" // SBR02 only when the subscriber is the patient
		}
		s.add("SBR", def(cl.PayerSequence, "P"), rel, clean(cl.Subscriber.GroupID), "", "", "", "", "", def(cl.FilingIndicator, "CI"))
		p := cl.Subscriber
		s.add("NM1", "IL", "1", clean(p.Last), clean(p.First), clean(p.Middle), "", "", "MI", clean(p.MemberID))
		if clean(p.Address.Line1) != "" {
			address(&s, p.Address)
		}
		if cl.Patient == nil {
			s.add("DMG", "D8", p.Birth.Format("20060102"), p.Sex)
		}
		s.add("NM1", "PR", "2", clean(cl.Payer.Name), "", "", "", "", "PI", clean(cl.Payer.ID))
		if pt := cl.Patient; pt != nil {
			hl++
			s.add("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23", "0")
			s.add("PAT", clean(cl.Relationship))
			s.add("NM1", "QC", "1", clean(pt.Last), clean(pt.First), clean(pt.Middle))
			address(&s, pt.Address)
			s.add("DMG", "D8", pt.Birth.Format("20060102"), pt.Sex)
		}

		// 2300 claim.
		var total int64
		for _, l := range cl.Lines {
			total += l.ChargeCents
		}
		s.add("CLM", clean(cl.ID), dollars(total), "", "", composite(clean(cl.PlaceOfService), "B", "1"), "Y", "A", "Y", "Y")
		if pa := clean(cl.PriorAuth); pa != "" {
			s.add("REF", "G1", pa)
		}
		hi := make([]string, len(cl.Diagnoses))
		for i, d := range cl.Diagnoses {
			q := "ABF"
			if i == 0 {
				q = "ABK"
			}
			hi[i] = composite(q, icd(d))
		}
		s.add("HI", hi...)
		claimNPI := ""
		if r := cl.Rendering; r != nil {
			claimNPI = clean(r.NPI)
			rendering(&s, r)
		}
		for i, l := range cl.Lines {
			s.add("LX", strconv.Itoa(i+1))
			proc := []string{"HC", clean(l.Code)}
			for _, m := range l.Modifiers {
				proc = append(proc, clean(m))
			}
			ptrs := make([]string, len(l.DiagnosisPointers))
			for j, ptr := range l.DiagnosisPointers {
				ptrs[j] = strconv.Itoa(ptr)
			}
			s.add("SV1", composite(proc...), dollars(l.ChargeCents), "UN", strconv.Itoa(l.Units), "", "", composite(ptrs...))
			s.add("DTP", "472", "D8", l.Date.Format("20060102"))
			if r := l.Rendering; r != nil && clean(r.NPI) != claimNPI {
				rendering(&s, r)
			}
		}
	}
	s.add("SE", strconv.Itoa(s.n+1), st02)
	s.add("GE", "1", gs06)
	s.add("IEA", "1", isa13)
	return s.buf.Bytes()
}

func address(s *segments, a Address) {
	s.add("N3", clean(a.Line1), clean(a.Line2))
	s.add("N4", clean(a.City), clean(a.State), clean(a.ZIP))
}

func rendering(s *segments, r *Rendering) {
	s.add("NM1", "82", "1", clean(r.Last), clean(r.First), "", "", "", "XX", clean(r.NPI))
}

// dollars formats cents as dollars without trailing zeros after the point.
func dollars(cents int64) string {
	d := strconv.FormatInt(cents/100, 10)
	c := cents % 100
	switch {
	case c == 0:
		return d
	case c%10 == 0:
		return fmt.Sprintf("%s.%d", d, c/10)
	default:
		return fmt.Sprintf("%s.%02d", d, c)
	}
}

// icd writes an ICD-10-CM code without its dot.
func icd(code string) string {
	return strings.ToUpper(strings.ReplaceAll(clean(code), ".", ""))
}

func clean(s string) string { return strings.TrimSpace(s) }

func def(s, d string) string {
	if s = clean(s); s == "" {
		return d
	}
	return s
}

func pad(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }

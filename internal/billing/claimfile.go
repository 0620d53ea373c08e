package billing

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/billing/x837"
	"github.com/openiop/openiop/internal/model"
)

// Profile is who bills: the billing provider on every claim and the
// clearinghouse (or payer) that receives the files.
type Profile struct {
	Name, NPI, TaxID, Taxonomy string
	Address, City, State, ZIP  string
	SubmitterID                string // the ETIN the clearinghouse gave the center
	ContactName, ContactPhone  string
	ReceiverName, ReceiverID   string
	Production                 bool // files are marked test ("T") until the clearinghouse says otherwise
}

// Problems checks the profile for what an 837P needs.
func (p Profile) Problems() map[string]string {
	out := map[string]string{}
	req := func(field, v, msg string) {
		if strings.TrimSpace(v) == "" {
			out[field] = msg
		}
	}
	req("name", p.Name, "Enter the billing provider's name.")
	if !x837.ValidNPI(p.NPI) {
		out["npi"] = "Enter the organization's 10-digit NPI (it fails the check digit)."
	}
	if len(p.TaxID) != 9 || strings.Trim(p.TaxID, "0123456789") != "" {
		out["tax_id"] = "Enter the 9-digit tax id without the dash."
	}
	req("address", p.Address, "Enter the street address.")
	req("city", p.City, "Enter the city.")
	if len(p.State) != 2 || strings.ToUpper(p.State) != p.State {
		out["state"] = "Enter the two-letter state code, e.g. IL."
	}
	if len(p.ZIP) != 9 || strings.Trim(p.ZIP, "0123456789") != "" {
		out["zip"] = "Enter the 9-digit ZIP+4 without the dash: claims need all nine."
	}
	if l := len(p.SubmitterID); l < 2 || l > 15 {
		out["submitter_id"] = "Enter the submitter id (ETIN) the clearinghouse gave you, 2 to 15 characters."
	}
	req("contact_name", p.ContactName, "Enter who the clearinghouse should call.")
	if digits(p.ContactPhone) < 10 {
		out["contact_phone"] = "Enter a phone number with area code."
	}
	req("receiver_name", p.ReceiverName, "Enter the clearinghouse or payer receiving the files.")
	if l := len(p.ReceiverID); l < 2 || l > 15 {
		out["receiver_id"] = "Enter the receiver's id, 2 to 15 characters."
	}
	for k, v := range map[string]string{"name": p.Name, "address": p.Address, "city": p.City, "contact_name": p.ContactName,
		"receiver_name": p.ReceiverName, "submitter_id": p.SubmitterID, "receiver_id": p.ReceiverID} {
		if strings.ContainsAny(v, "*~:^") {
			out[k] = "Claims cannot carry * ~ : or ^."
		}
	}
	return out
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

var addressPattern = regexp.MustCompile(`^\s*(.+?)\s*[,\n]\s*([^,\n]+?)\s*,\s*([A-Za-z]{2})\s+(\d{5})(?:-?(\d{4}))?\s*$`)

// ParseAddress splits an address written "street, city, ST 12345" (the
// chart's one-line form; a line break may stand for the first comma).
func ParseAddress(s string) (x837.Address, bool) {
	m := addressPattern.FindStringSubmatch(s)
	if m == nil {
		return x837.Address{}, false
	}
	street, second, _ := strings.Cut(m[1], ", ")
	return x837.Address{Line1: street, Line2: second, City: m[2], State: strings.ToUpper(m[3]), ZIP: m[4] + m[5]}, true
}

// Person is what a claim says of the client.
type Person struct {
	First, Last string
	Birth       model.Date
	Sex         string // "female", "male" or ""
	Address     string
}

// Rendering is a clinician as a claim names them.
type Rendering = x837.Rendering

// EDI writes claims as one 837P interchange under a control number. Each
// claim's id is the control number and the claim's place in the batch
// ("12-3"), which the payer's remittance quotes back.
func EDI(p Profile, control int64, created time.Time, claims []Claim, people map[string]Person, clinicians map[string]Rendering) ([]byte, error) {
	street, _ := ParseAddress(p.Address + ", " + p.City + ", " + p.State + " " + p.ZIP)
	b := x837.Batch{ControlNumber: int(control), Created: created, Production: p.Production,
		Submitter: x837.Party{Name: p.Name, ID: p.SubmitterID}, SubmitterContact: x837.Contact{Name: p.ContactName, Phone: onlyDigits(p.ContactPhone)},
		Receiver:        x837.Party{Name: p.ReceiverName, ID: p.ReceiverID},
		BillingProvider: x837.Provider{Name: p.Name, NPI: p.NPI, TaxID: p.TaxID, Taxonomy: p.Taxonomy, Address: street}}
	for i, c := range claims {
		who := people[c.ClientID]
		addr, ok := ParseAddress(who.Address)
		if !ok {
			return nil, fmt.Errorf("%s %s: the address on the chart is not in the form \"street, city, ST 12345\"", who.First, who.Last)
		}
		client := x837.Person{First: who.First, Last: who.Last, Birth: who.Birth.In(time.UTC), Sex: sexCode(who.Sex), Address: addr}
		xc := x837.Claim{ID: fmt.Sprintf("%d-%d", control, i+1), Payer: x837.Party{Name: c.Payer.Name, ID: c.Payer.ElectronicID},
			PayerSequence: map[Priority]string{Primary: "P", Secondary: "S"}[c.Coverage.Priority], FilingIndicator: FilingCode(c.Payer.Type),
			Relationship: c.Coverage.Relationship.X12(), PlaceOfService: c.Payer.Codes.PlaceOfService, Diagnoses: c.Diagnoses, PriorAuth: c.AuthNumber}
		if c.Coverage.Relationship == Self {
			client.MemberID, client.GroupID = c.Coverage.MemberID, c.Coverage.GroupID
			xc.Subscriber = client
		} else {
			first, last := splitName(c.Coverage.Subscriber)
			xc.Subscriber = x837.Person{First: first, Last: last, MemberID: c.Coverage.MemberID, GroupID: c.Coverage.GroupID,
				Birth: c.Coverage.SubscriberBirth.In(time.UTC), Sex: "U", Address: addr}
			xc.Patient = &client
		}
		if r, ok := clinicians[c.Lines[0].RenderingID]; ok && r.NPI != "" {
			xc.Rendering = &r
		}
		for _, l := range c.Lines {
			xl := x837.Line{Date: l.Date.In(time.UTC), Code: l.Code, Modifiers: l.Modifiers, Units: l.Units, ChargeCents: l.ChargeCents,
				DiagnosisPointers: c.Pointers(l)}
			if r, ok := clinicians[l.RenderingID]; ok && r.NPI != "" {
				xl.Rendering = &r
			}
			xc.Lines = append(xc.Lines, xl)
		}
		b.Claims = append(b.Claims, xc)
	}
	return x837.Encode(b)
}

func sexCode(s string) string {
	switch s {
	case "female":
		return "F"
	case "male":
		return "M"
	}
	return "U"
}

// splitName takes the last word of a name as the last name.
func splitName(s string) (first, last string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return "", ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// CSVHeader is the claim CSV's columns.
var CSVHeader = []string{"claim", "client_id", "record_number", "client", "payer", "member_id", "authorization", "date", "code",
	"modifiers", "units", "charge", "revenue_code", "diagnoses", "rendering_clinician"}

// CSV writes the claims' lines, one row per line, for a biller or a payer
// portal that takes spreadsheets. Names are prefixed against formula
// injection by the caller's safe function.
func CSV(control int64, claims []Claim, safe func(string) string, clinicianName map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CSVHeader)
	for i, c := range claims {
		for _, l := range c.Lines {
			_ = w.Write([]string{fmt.Sprintf("%d-%d", control, i+1), l.ClientID, l.MRN, safe(l.Name), safe(c.Payer.Name), safe(c.Coverage.MemberID),
				safe(c.AuthNumber), l.Date.String(), l.Code, strings.Join(l.Modifiers, ":"), strconv.Itoa(l.Units),
				strconv.FormatFloat(float64(l.ChargeCents)/100, 'f', 2, 64), l.Revenue, strings.Join(l.Diagnoses, " "), safe(clinicianName[l.RenderingID])})
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

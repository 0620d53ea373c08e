package x837

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/billing/x837/x12test"
)

var update = flag.Bool("update", false, "rewrite testdata/*.837")

// Valid NPIs (Luhn with prefix 80840).
const (
	npiBilling   = "1234567893"
	npiRendering = "1987654328"
	npiLine      = "1112223338"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// batch is two claims: one whose patient is the subscriber, with prior
// authorization and a rendering provider, and one for a dependent child.
func batch() Batch {
	return Batch{
		ControlNumber:    42,
		Created:          time.Date(2026, 3, 9, 14, 5, 0, 0, time.UTC),
		Submitter:        Party{Name: "Harbor Recovery IOP", ID: "HRIOP01"},
		SubmitterContact: Contact{Name: "Billing Office", Phone: "5035550100", Email: "billing@harbor.example"},
		Receiver:         Party{Name: "Clearinghouse Inc", ID: "CLEARHOUSE"},
		BillingProvider: Provider{
			Name: "Harbor Recovery LLC", NPI: npiBilling, TaxID: "931234567", Taxonomy: "261QR0405X",
			Address: Address{Line1: "100 Main St", Line2: "Suite 200", City: "Portland", State: "OR", ZIP: "972041234"},
		},
		Claims: []Claim{
			{
				ID:    "C-1001",
				Payer: Party{Name: "Acme Health Plan", ID: "ACME1"},
				Subscriber: Person{
					Last: "Doe", First: "Jane", Middle: "Q", MemberID: "W123456789", GroupID: "GRP77",
					Birth: day(1985, 7, 4), Sex: "F",
					Address: Address{Line1: "5 Elm St", City: "Salem", State: "OR", ZIP: "97301"},
				},
				Relationship:   "18",
				PlaceOfService: "57",
				Diagnoses:      []string{"F10.20", "F11.20", "Z63.8"},
				PriorAuth:      "AUTH-555",
				Rendering:      &Rendering{Last: "Smith", First: "Ann", NPI: npiRendering},
				Lines: []Line{
					{Date: day(2026, 3, 2), Code: "H0015", Modifiers: []string{"HF", "HQ"}, Units: 1, ChargeCents: 15000, DiagnosisPointers: []int{1, 2}},
					{Date: day(2026, 3, 3), Code: "H0015", Modifiers: []string{"HF"}, Units: 1, ChargeCents: 15050, DiagnosisPointers: []int{2, 1, 3}, Rendering: &Rendering{Last: "Lee", First: "Bo", NPI: npiLine}},
					{Date: day(2026, 3, 4), Code: "90853", Units: 2, ChargeCents: 4025, DiagnosisPointers: []int{3}},
				},
			},
			{
				ID:              "C-1002",
				Payer:           Party{Name: "State Medicaid", ID: "SKOR0"},
				PayerSequence:   "P",
				FilingIndicator: "MC",
				Subscriber: Person{
					Last: "Roe", First: "Richard", MemberID: "M99887766",
					Birth: day(1970, 1, 31), Sex: "M",
				},
				Relationship: "19",
				Patient: &Person{
					Last: "Roe", First: "Sam", Birth: day(2008, 11, 5), Sex: "U",
					Address: Address{Line1: "9 Oak Ave", City: "Eugene", State: "OR", ZIP: "97401"},
				},
				PlaceOfService: "11",
				Diagnoses:      []string{"F12.20"},
				Lines: []Line{
					{Date: day(2026, 3, 5), Code: "H0005", Modifiers: []string{"HA", "U1", "U2", "U3"}, Units: 4, ChargeCents: 2000, DiagnosisPointers: []int{1}},
				},
			},
		},
	}
}

func encode(t *testing.T, b Batch) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// claimSegments splits a transaction's segments at each subscriber HL
// (HL03 22) and returns, for each, the segments up to the next one.
func claimSegments(segs []x12test.Segment) [][]x12test.Segment {
	var out [][]x12test.Segment
	for _, s := range segs {
		if s.ID == "HL" && s.E(3) == "22" {
			out = append(out, nil)
		}
		if s.ID == "SE" {
			break
		}
		if len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], s)
		}
	}
	return out
}

func find(segs []x12test.Segment, id string, first ...string) []x12test.Segment {
	var out []x12test.Segment
	for _, s := range segs {
		if s.ID != id {
			continue
		}
		match := true
		for i, f := range first {
			if s.E(i+1) != f {
				match = false
			}
		}
		if match {
			out = append(out, s)
		}
	}
	return out
}

func one(t *testing.T, segs []x12test.Segment, id string, first ...string) x12test.Segment {
	t.Helper()
	got := find(segs, id, first...)
	if len(got) != 1 {
		t.Fatalf("%d %s*%s segments, want 1", len(got), id, strings.Join(first, "*"))
	}
	return got[0]
}

func TestWriteParsedByNodeX12(t *testing.T) {
	b := batch()
	segs := x12test.Parse(t, encode(t, b))

	// Envelope.
	ids := []string{segs[0].ID, segs[1].ID, segs[2].ID, segs[len(segs)-3].ID, segs[len(segs)-2].ID, segs[len(segs)-1].ID}
	if strings.Join(ids, " ") != "ISA GS ST SE GE IEA" {
		t.Fatalf("envelope %v", ids)
	}
	isa, gs, st, se := segs[0], segs[1], segs[2], segs[len(segs)-3]
	for _, c := range []struct{ name, got, want string }{
		{"ISA06", isa.E(6), "HRIOP01        "},
		{"ISA08", isa.E(8), "CLEARHOUSE     "},
		{"ISA09", isa.E(9), "260309"},
		{"ISA10", isa.E(10), "1405"},
		{"ISA13", isa.E(13), "42"}, // node-x12 reads it as a number
		{"ISA15", isa.E(15), "T"},
		{"GS01", gs.E(1), "HC"},
		{"GS06", gs.E(6), "42"},
		{"GS08", gs.E(8), "005010X222A1"},
		{"ST01", st.E(1), "837"},
		{"ST02", st.E(2), "0042"},
		{"ST03", st.E(3), "005010X222A1"},
		{"SE01", se.E(1), strconv.Itoa(len(segs) - 4)},
		{"BHT", segs[3].String(), "BHT*0019*00*42*20260309*1405*CH"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got := one(t, segs, "NM1", "41").String(); got != "NM1*41*2*Harbor Recovery IOP*****46*HRIOP01" {
		t.Errorf("submitter %s", got)
	}
	if got := one(t, segs, "PER").String(); got != "PER*IC*Billing Office*TE*5035550100*EM*billing@harbor.example" {
		t.Errorf("contact %s", got)
	}
	if got := one(t, segs, "NM1", "85").String(); got != "NM1*85*2*Harbor Recovery LLC*****XX*"+npiBilling {
		t.Errorf("billing provider %s", got)
	}
	if got := one(t, segs, "REF", "EI").E(2); got != "931234567" {
		t.Errorf("tax id %s", got)
	}
	if got := one(t, segs, "PRV").String(); got != "PRV*BI*PXC*261QR0405X" {
		t.Errorf("taxonomy %s", got)
	}

	// Hierarchy: 1 billing provider; 2 subscriber (self); 3 subscriber with
	// child 4 the patient.
	var hl []string
	for _, s := range find(segs, "HL") {
		hl = append(hl, s.String())
	}
	if want := "HL*1**20*1 HL*2*1*22*0 HL*3*1*22*1 HL*4*3*23*0"; strings.Join(hl, " ") != want {
		t.Errorf("HL %q, want %q", strings.Join(hl, " "), want)
	}

	claims := claimSegments(segs)
	if len(claims) != len(b.Claims) {
		t.Fatalf("%d claims parsed, want %d", len(claims), len(b.Claims))
	}
	for i, cl := range b.Claims {
		t.Run(cl.ID, func(t *testing.T) {
			got := claims[i]
			var total int64
			for _, l := range cl.Lines {
				total += l.ChargeCents
			}
			clm := one(t, got, "CLM")
			if clm.E(1) != cl.ID || clm.E(2) != dollars(total) {
				t.Errorf("CLM01/02 %q %q, want %q %q", clm.E(1), clm.E(2), cl.ID, dollars(total))
			}
			if clm.E(5) != cl.PlaceOfService+":B:1" || clm.E(6) != "Y" || clm.E(7) != "A" || clm.E(8) != "Y" || clm.E(9) != "Y" {
				t.Errorf("CLM %s", clm)
			}
			sbr := one(t, got, "SBR")
			wantRel := "18"
			if cl.Patient != nil {
				wantRel = ""
			}
			if sbr.E(1) != def(cl.PayerSequence, "P") || sbr.E(2) != wantRel || sbr.E(3) != cl.Subscriber.GroupID || sbr.E(9) != def(cl.FilingIndicator, "CI") {
				t.Errorf("SBR %s", sbr)
			}
			sub := one(t, got, "NM1", "IL")
			if sub.E(3) != cl.Subscriber.Last || sub.E(4) != cl.Subscriber.First || sub.E(8) != "MI" || sub.E(9) != cl.Subscriber.MemberID {
				t.Errorf("subscriber %s", sub)
			}
			payer := one(t, got, "NM1", "PR")
			if payer.E(3) != cl.Payer.Name || payer.E(8) != "PI" || payer.E(9) != cl.Payer.ID {
				t.Errorf("payer %s", payer)
			}
			dmg := find(got, "DMG")
			who := cl.Subscriber
			if cl.Patient != nil {
				who = *cl.Patient
				pat := one(t, got, "PAT")
				if pat.E(1) != cl.Relationship {
					t.Errorf("PAT %s", pat)
				}
				qc := one(t, got, "NM1", "QC")
				if qc.String() != "NM1*QC*1*"+who.Last+"*"+who.First {
					t.Errorf("patient %s", qc)
				}
			} else if len(find(got, "PAT")) != 0 {
				t.Errorf("PAT for a self claim")
			}
			if len(dmg) != 1 || dmg[0].String() != "DMG*D8*"+who.Birth.Format("20060102")+"*"+who.Sex {
				t.Errorf("DMG %v, want the patient's", dmg)
			}

			hi := one(t, got, "HI")
			if len(hi.Elements) != len(cl.Diagnoses) {
				t.Errorf("HI %s has %d codes, want %d", hi, len(hi.Elements), len(cl.Diagnoses))
			}
			for j, d := range cl.Diagnoses {
				q := "ABF"
				if j == 0 {
					q = "ABK"
				}
				if want := q + ":" + strings.ReplaceAll(d, ".", ""); hi.E(j+1) != want {
					t.Errorf("HI%02d %q, want %q", j+1, hi.E(j+1), want)
				}
			}
			g1 := find(got, "REF", "G1")
			if cl.PriorAuth == "" && len(g1) != 0 || cl.PriorAuth != "" && (len(g1) != 1 || g1[0].E(2) != cl.PriorAuth) {
				t.Errorf("REF*G1 %v, want %q", g1, cl.PriorAuth)
			}

			// Lines: LX n, SV1, DTP*472, then a 2420A NM1*82 when the
			// line's rendering provider differs.
			lx := find(got, "LX")
			sv1 := find(got, "SV1")
			dtp := find(got, "DTP", "472")
			if len(lx) != len(cl.Lines) || len(sv1) != len(cl.Lines) || len(dtp) != len(cl.Lines) {
				t.Fatalf("%d LX %d SV1 %d DTP, want %d each", len(lx), len(sv1), len(dtp), len(cl.Lines))
			}
			wantRendering := 0
			if cl.Rendering != nil {
				wantRendering++
				if r := one(t, got, "NM1", "82", "1", cl.Rendering.Last); r.E(8) != "XX" || r.E(9) != cl.Rendering.NPI {
					t.Errorf("2310B %s", r)
				}
			}
			for j, l := range cl.Lines {
				if lx[j].E(1) != strconv.Itoa(j+1) {
					t.Errorf("LX %s", lx[j])
				}
				s := sv1[j]
				proc := strings.Join(append([]string{"HC", l.Code}, l.Modifiers...), ":")
				if s.E(1) != proc {
					t.Errorf("line %d SV101 %q, want %q", j+1, s.E(1), proc)
				}
				for k, m := range l.Modifiers {
					if s.C(1, 3+k) != m {
						t.Errorf("line %d modifier %d %q, want %q", j+1, k+1, s.C(1, 3+k), m)
					}
				}
				if s.E(2) != dollars(l.ChargeCents) || s.E(3) != "UN" || s.E(4) != strconv.Itoa(l.Units) || s.E(5) != "" || s.E(6) != "" {
					t.Errorf("line %d SV1 %s", j+1, s)
				}
				var ptrs []string
				for _, p := range l.DiagnosisPointers {
					ptrs = append(ptrs, strconv.Itoa(p))
				}
				if s.E(7) != strings.Join(ptrs, ":") {
					t.Errorf("line %d SV107 %q, want %q", j+1, s.E(7), strings.Join(ptrs, ":"))
				}
				if dtp[j].E(2) != "D8" || dtp[j].E(3) != l.Date.Format("20060102") {
					t.Errorf("line %d %s", j+1, dtp[j])
				}
				if l.Rendering != nil {
					wantRendering++
					if r := one(t, got, "NM1", "82", "1", l.Rendering.Last); r.E(9) != l.Rendering.NPI {
						t.Errorf("2420A %s", r)
					}
				}
			}
			if n := len(find(got, "NM1", "82")); n != wantRendering {
				t.Errorf("%d NM1*82, want %d", n, wantRendering)
			}
		})
	}
}

// The segments come in the guide's order.
func TestSegmentOrder(t *testing.T) {
	data := encode(t, batch())
	var ids []string
	for _, s := range strings.Split(strings.TrimSpace(string(data)), "~\n") {
		id, _, _ := strings.Cut(strings.TrimSuffix(s, "~"), "*")
		ids = append(ids, id)
	}
	want := "ISA GS ST BHT NM1 PER NM1 HL PRV NM1 N3 N4 REF " +
		"HL SBR NM1 N3 N4 DMG NM1 CLM REF HI NM1 LX SV1 DTP LX SV1 DTP NM1 LX SV1 DTP " +
		"HL SBR NM1 NM1 HL PAT NM1 N3 N4 DMG CLM HI LX SV1 DTP " +
		"SE GE IEA"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("segments\n %s\nwant\n %s", got, want)
	}
}

func TestNoProblems(t *testing.T) {
	if p := batch().Problems(); len(p) != 0 {
		t.Fatalf("problems in a valid batch: %q", p)
	}
}

func TestProblemsRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Batch)
		want   string
	}{
		{"control number zero", func(b *Batch) { b.ControlNumber = 0 }, "batch: control number 0"},
		{"control number too big", func(b *Batch) { b.ControlNumber = 1e9 }, "batch: control number 1000000000"},
		{"no creation time", func(b *Batch) { b.Created = time.Time{} }, "creation time is missing"},
		{"submitter id too long", func(b *Batch) { b.Submitter.ID = "ABCDEFGHIJKLMNOP" }, "submitter id \"ABCDEFGHIJKLMNOP\" is longer than 15"},
		{"receiver missing", func(b *Batch) { b.Receiver = Party{} }, "receiver name is missing"},
		{"no contact", func(b *Batch) { b.SubmitterContact = Contact{Name: "X"} }, "neither phone nor email"},
		{"phone punctuated", func(b *Batch) { b.SubmitterContact.Phone = "503-555-0100" }, "phone \"503-555-0100\""},
		{"billing NPI missing", func(b *Batch) { b.BillingProvider.NPI = "" }, "billing provider: NPI is missing"},
		{"billing NPI check digit", func(b *Batch) { b.BillingProvider.NPI = "1234567890" }, "billing provider: NPI \"1234567890\" fails the NPI check digit"},
		{"billing NPI short", func(b *Batch) { b.BillingProvider.NPI = "12345" }, "not 10 digits"},
		{"tax id dashed", func(b *Batch) { b.BillingProvider.TaxID = "93-1234567" }, "tax id \"93-1234567\""},
		{"billing ZIP 5", func(b *Batch) { b.BillingProvider.Address.ZIP = "97204" }, "billing provider: address ZIP \"97204\""},
		{"billing address missing", func(b *Batch) { b.BillingProvider.Address = Address{} }, "billing provider: address is missing"},
		{"taxonomy malformed", func(b *Batch) { b.BillingProvider.Taxonomy = "261Q" }, "taxonomy \"261Q\""},
		{"no claims", func(b *Batch) { b.Claims = nil }, "batch: no claims"},
		{"claim id missing", func(b *Batch) { b.Claims[0].ID = "" }, "claim 1: id is missing"},
		{"claim id too long", func(b *Batch) { b.Claims[0].ID = strings.Repeat("A", 21) }, "is longer than 20"},
		{"claim id repeated", func(b *Batch) { b.Claims[1].ID = "C-1001" }, "claim 2 (C-1001): id is also claim 1's"},
		{"delimiter * in name", func(b *Batch) { b.Claims[0].Subscriber.Last = "Do*e" }, "claim 1 (C-1001): subscriber last name \"Do*e\" contains the X12 delimiter '*'"},
		{"delimiter ~ in payer", func(b *Batch) { b.Claims[1].Payer.Name = "Acme~" }, "claim 2 (C-1002): payer name \"Acme~\" contains the X12 delimiter '~'"},
		{"delimiter : in provider", func(b *Batch) { b.BillingProvider.Name = "A:B" }, "delimiter ':'"},
		{"delimiter ^ in auth", func(b *Batch) { b.Claims[0].PriorAuth = "A^1" }, "prior authorization \"A^1\" contains the X12 delimiter '^'"},
		{"newline in city", func(b *Batch) { b.Claims[1].Patient.Address.City = "Eu\ngene" }, "not printable ASCII"},
		{"non-ASCII name", func(b *Batch) { b.Claims[0].Subscriber.First = "José" }, "not printable ASCII"},
		{"member id missing", func(b *Batch) { b.Claims[0].Subscriber.MemberID = "" }, "claim 1 (C-1001): subscriber member id is missing"},
		{"birth missing", func(b *Batch) { b.Claims[1].Patient.Birth = time.Time{} }, "claim 2 (C-1002): patient birth date is missing"},
		{"sex unknown", func(b *Batch) { b.Claims[0].Subscriber.Sex = "X" }, "subscriber sex \"X\""},
		{"self without address", func(b *Batch) { b.Claims[0].Subscriber.Address = Address{} }, "claim 1 (C-1001): subscriber address is missing"},
		{"state lower", func(b *Batch) { b.Claims[0].Subscriber.Address.State = "or" }, "state \"or\""},
		{"patient with member id", func(b *Batch) { b.Claims[1].Patient.MemberID = "X1" }, "patient has a member or group id"},
		{"patient but self", func(b *Batch) { b.Claims[1].Relationship = "18" }, "claim 2 (C-1002): has a patient other than the subscriber but relationship \"18\""},
		{"relationship without patient", func(b *Batch) { b.Claims[0].Relationship = "19" }, "relationship \"19\" but no patient"},
		{"relationship unknown", func(b *Batch) { b.Claims[1].Relationship = "99" }, "relationship \"99\" is not"},
		{"payer sequence", func(b *Batch) { b.Claims[0].PayerSequence = "X" }, "payer sequence \"X\""},
		{"filing indicator", func(b *Batch) { b.Claims[0].FilingIndicator = "QQ" }, "claim filing indicator \"QQ\""},
		{"payer id missing", func(b *Batch) { b.Claims[0].Payer.ID = "" }, "payer id is missing"},
		{"place of service", func(b *Batch) { b.Claims[0].PlaceOfService = "5" }, "place of service \"5\""},
		{"no diagnosis", func(b *Batch) { b.Claims[1].Diagnoses = nil }, "claim 2 (C-1002): no diagnosis"},
		{"13 diagnoses", func(b *Batch) {
			b.Claims[0].Diagnoses = nil
			for range 13 {
				b.Claims[0].Diagnoses = append(b.Claims[0].Diagnoses, "F10.20")
			}
		}, "13 diagnoses, more than 12"},
		{"bad diagnosis", func(b *Batch) { b.Claims[0].Diagnoses[2] = "10.20" }, "diagnosis 3 \"10.20\" is not an ICD-10-CM code"},
		{"claim rendering NPI", func(b *Batch) { b.Claims[0].Rendering.NPI = "1987654320" }, "claim 1 (C-1001): rendering provider NPI \"1987654320\" fails"},
		{"claim rendering name", func(b *Batch) { b.Claims[0].Rendering.Last = "" }, "rendering provider last name is missing"},
		{"no lines", func(b *Batch) { b.Claims[1].Lines = nil }, "claim 2 (C-1002): no service lines"},
		{"51 lines", func(b *Batch) {
			l := b.Claims[1].Lines[0]
			b.Claims[1].Lines = nil
			for range 51 {
				b.Claims[1].Lines = append(b.Claims[1].Lines, l)
			}
		}, "claim 2 (C-1002): 51 service lines, more than 50"},
		{"5 modifiers", func(b *Batch) { b.Claims[1].Lines[0].Modifiers = []string{"HA", "U1", "U2", "U3", "U4"} }, "claim 2 (C-1002): line 1: 5 modifiers, more than 4"},
		{"modifier length", func(b *Batch) { b.Claims[0].Lines[0].Modifiers[1] = "HQX" }, "claim 1 (C-1001): line 1: modifier 2 \"HQX\""},
		{"modifier delimiter", func(b *Batch) { b.Claims[0].Lines[0].Modifiers[0] = "H:" }, "line 1: modifier 1 \"H:\" contains the X12 delimiter"},
		{"empty modifier", func(b *Batch) { b.Claims[0].Lines[0].Modifiers[0] = "" }, "line 1: modifier 1 is missing"},
		{"code missing", func(b *Batch) { b.Claims[0].Lines[2].Code = "" }, "claim 1 (C-1001): line 3: procedure code is missing"},
		{"code malformed", func(b *Batch) { b.Claims[0].Lines[2].Code = "9085" }, "line 3: procedure code \"9085\""},
		{"no date", func(b *Batch) { b.Claims[0].Lines[1].Date = time.Time{} }, "claim 1 (C-1001): line 2: date of service is missing"},
		{"zero units", func(b *Batch) { b.Claims[0].Lines[1].Units = 0 }, "claim 1 (C-1001): line 2: units 0, less than 1"},
		{"negative charge", func(b *Batch) { b.Claims[1].Lines[0].ChargeCents = -1 }, "claim 2 (C-1002): line 1: negative charge -1 cents"},
		{"5 pointers", func(b *Batch) {
			b.Claims[0].Diagnoses = append(b.Claims[0].Diagnoses, "F14.20", "F15.20")
			b.Claims[0].Lines[0].DiagnosisPointers = []int{1, 2, 3, 4, 5}
		}, "claim 1 (C-1001): line 1: 5 diagnosis pointers, more than 4"},
		{"pointer out of range", func(b *Batch) { b.Claims[0].Lines[2].DiagnosisPointers = []int{4} }, "claim 1 (C-1001): line 3: diagnosis pointer 1 is 4, not between 1 and 3"},
		{"pointer zero", func(b *Batch) { b.Claims[1].Lines[0].DiagnosisPointers = []int{0} }, "diagnosis pointer 1 is 0"},
		{"pointer repeated", func(b *Batch) { b.Claims[0].Lines[0].DiagnosisPointers = []int{1, 1} }, "line 1: diagnosis pointer 2 repeats 1"},
		{"no pointer", func(b *Batch) { b.Claims[0].Lines[0].DiagnosisPointers = nil }, "line 1: no diagnosis pointer"},
		{"line rendering NPI", func(b *Batch) { b.Claims[0].Lines[1].Rendering.NPI = "" }, "claim 1 (C-1001): line 2: rendering provider NPI is missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := batch()
			c.change(&b)
			problems := b.Problems()
			found := false
			for _, p := range problems {
				if strings.Contains(p, c.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %q, want one containing %q", problems, c.want)
			}
			var buf bytes.Buffer
			err := Write(&buf, b)
			var pe *ProblemsError
			if !errors.As(err, &pe) || len(pe.Problems) != len(problems) {
				t.Errorf("Write returned %v, want a ProblemsError with the %d problems", err, len(problems))
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes for a refused batch", buf.Len())
			}
			if data, err := Encode(b); data != nil || err == nil {
				t.Errorf("Encode returned %d bytes and %v", len(data), err)
			}
		})
	}
}

// Every problem is listed, not just the first.
func TestProblemsListsAll(t *testing.T) {
	b := batch()
	b.BillingProvider.NPI = ""
	b.Claims[0].Lines[0].Units = 0
	b.Claims[1].Lines[0].ChargeCents = -5
	if p := b.Problems(); len(p) != 3 {
		t.Errorf("%d problems %q, want 3", len(p), p)
	}
}

func TestDefaultsAndOmissions(t *testing.T) {
	b := batch()
	b.Production = true
	b.ControlNumber = 123456789
	b.BillingProvider.Taxonomy = ""
	b.SubmitterContact = Contact{Email: "x@y.example"}
	cl := &b.Claims[0]
	cl.PayerSequence, cl.FilingIndicator, cl.Relationship = "", "", ""
	cl.Subscriber.GroupID = ""
	cl.PriorAuth = ""
	cl.Rendering = &Rendering{Last: "Lee", First: "Bo", NPI: npiLine} // same as line 2's
	segs := x12test.Parse(t, encode(t, b))
	if isa := segs[0]; isa.E(13) != "123456789" || isa.E(15) != "P" {
		t.Errorf("ISA %s", isa)
	}
	if st := segs[2]; st.E(2) != "123456789" {
		t.Errorf("ST %s", st)
	}
	if got := one(t, segs, "PER").String(); got != "PER*IC**EM*x@y.example" {
		t.Errorf("PER %s", got)
	}
	if len(find(segs, "PRV")) != 0 || len(find(segs, "REF", "G1")) != 0 {
		t.Errorf("PRV or REF*G1 written though not set")
	}
	c := claimSegments(segs)[0]
	if got := one(t, c, "SBR").String(); got != "SBR*P*18*******CI" {
		t.Errorf("SBR %s", got)
	}
	if n := len(find(c, "NM1", "82")); n != 1 {
		t.Errorf("%d NM1*82, want 1: a line's rendering provider equal to the claim's is not repeated", n)
	}
}

func TestDollars(t *testing.T) {
	for cents, want := range map[int64]string{0: "0", 5: "0.05", 50: "0.5", 100: "1", 15000: "150", 15050: "150.5", 15025: "150.25", 99999999999: "999999999.99"} {
		if got := dollars(cents); got != want {
			t.Errorf("dollars(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestValidNPI(t *testing.T) {
	for npi, want := range map[string]bool{npiBilling: true, npiRendering: true, npiLine: true, "1234567890": false, "123456789": false, "12345678930": false, "123456789a": false} {
		if ValidNPI(npi) != want {
			t.Errorf("ValidNPI(%q) = %v", npi, !want)
		}
	}
}

// small is the golden interchange: one claim, one line.
func small() Batch {
	b := batch()
	b.ControlNumber = 1
	c := b.Claims[0]
	c.Lines = c.Lines[:1]
	c.Diagnoses = c.Diagnoses[:2]
	c.Rendering = nil
	b.Claims = []Claim{c}
	return b
}

func TestGolden(t *testing.T) {
	got := encode(t, small())
	path := filepath.Join("testdata", "small.837")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -run TestGolden -update to rewrite, then review):\n%s", path, got)
	}
	x12test.Parse(t, want)
}

// Random text in names, ids and addresses never breaks the structure: the
// batch is refused, or it parses with the envelope and hierarchy intact
// and the text where it was put.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"Doe", "O'Brien-Smith", "Do*e", "a~b", "x:y", "^", "\n", "José", "  padded  ", "", strings.Repeat("Z", 61), "ISA*00*", "~\nIEA*1*000000001~"} {
		f.Add(s, "Jane", "100 Main St")
	}
	f.Fuzz(func(t *testing.T, last, first, street string) {
		b := small()
		c := &b.Claims[0]
		c.Subscriber.Last, c.Subscriber.First = last, first
		c.Subscriber.Address.Line1 = street
		b.Claims = append(b.Claims, batch().Claims[1])
		b.Claims[1].Patient.Last = first
		b.Claims[1].Payer.Name = last
		b.BillingProvider.Name = street
		data, err := Encode(b)
		if len(b.Problems()) > 0 {
			if err == nil || data != nil {
				t.Fatalf("problems %q but Encode returned %d bytes, %v", b.Problems(), len(data), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("no problems but Encode: %v", err)
		}
		segs := x12test.Parse(t, data)
		if got := one(t, claimSegments(segs)[0], "NM1", "IL"); got.E(3) != strings.TrimSpace(last) || got.E(4) != strings.TrimSpace(first) {
			t.Errorf("subscriber %s, want %q %q", got, last, first)
		}
		if got := one(t, segs, "NM1", "85"); got.E(3) != strings.TrimSpace(street) {
			t.Errorf("billing provider %s, want %q", got, street)
		}
		if n := len(find(segs, "CLM")); n != 2 {
			t.Errorf("%d CLM, want 2", n)
		}
		if se := segs[len(segs)-3]; se.E(1) != fmt.Sprint(len(segs)-4) {
			t.Errorf("SE %s for %d segments", se, len(segs)-4)
		}
	})
}

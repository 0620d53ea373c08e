package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/billing/x837"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

// BillingStore is what the demo's money side writes and reads through.
type BillingStore interface {
	ImportBilling(ctx context.Context, x store.BillingImport, rec audit.Record) error
	GroupServices(ctx context.Context, from, to model.Date, clientIDs ...string) ([]intensity.Service, error)
	PerDiemSpans(ctx context.Context, from, to model.Date, clientIDs ...string) (map[string][]intensity.PerDiemSpan, error)
	BillingFiles(ctx context.Context, clientIDs []string) (map[string]billing.ClientFile, error)
	Payers(ctx context.Context) ([]billing.Payer, error)
	Clinicians(ctx context.Context) (map[string]billing.Rendering, error)
	Client(ctx context.Context, id string) (model.Client, error)
	CreateClaimBatch(ctx context.Context, x store.ClaimExport, rec audit.Record) (store.ClaimBatch, error)
}

// BillingProfile is the demo center as its claims name it. The NPI is the
// standard example number that passes the check digit; the tax id and
// clearinghouse are made up.
var BillingProfile = billing.Profile{Name: "Riverbend Recovery Center", NPI: "1234567893", TaxID: "361234567",
	Address: "2150 W Ogden Avenue, Suite 300", City: "Chicago", State: "IL", ZIP: "606121234", SubmitterID: "RIVERBEND01",
	ContactName: "Riverbend billing office", ContactPhone: "(312) 555-0147", ReceiverName: "Demo Clearinghouse", ReceiverID: "DEMOCLEAR"}

// demoPayers are made-up payers with charges a center might set. H0015 is
// the SUD IOP per diem; H0004 is billed per 15 minutes (clinical.md §4.1).
// The two insurers are billed for IOP days only; the EAP also pays for
// individual sessions on other days.
// The modifier HF (substance abuse program) is what the made-up Medicaid
// plan asks for; real contracts say their own.
func demoPayers(g *gen) []billing.Payer {
	return []billing.Payer{
		{ID: g.id(), Name: "Blue Prairie Health", Type: cost.Commercial, ElectronicID: "BPH01", RequiresAuth: true, Active: true,
			Codes: billing.Codes{PerDiem: "H0015", PerDiemCents: 450_00, RevenueCode: "0906", PlaceOfService: "57"}},
		{ID: g.id(), Name: "Illinois Medicaid managed care", Type: cost.Medicaid, ElectronicID: "ILMCD", RequiresAuth: true, Active: true,
			Codes: billing.Codes{PerDiem: "H0015", PerDiemModifiers: []string{"HF"}, PerDiemCents: 175_00, PlaceOfService: "57"}},
		{ID: g.id(), Name: "Lakeshore Logistics EAP", Type: cost.Employer, ElectronicID: "LLEAP", Active: true,
			Codes: billing.Codes{PerDiem: "H0015", PerDiemCents: 300_00, Individual: "H0004", IndividualMinutes: 15, IndividualCents: 32_00,
				PlaceOfService: "57"}},
		{ID: g.id(), Name: "Self-pay", Type: cost.SelfPay, Active: true},
	}
}

// npi makes a valid-looking NPI from a number: nine digits and the check
// digit that makes it pass.
func npi(n int) string {
	base := fmt.Sprintf("16%07d", n)
	for d := 0; d < 10; d++ {
		if s := base + fmt.Sprint(d); x837.ValidNPI(s) {
			return s
		}
	}
	return ""
}

// billingAuthDays is the length of the demo authorizations: an initial block
// and concurrent reviews every four weeks, 12 IOP days each (clinical.md
// §4.3 calls such blocks typical but unconfirmed).
const billingAuthDays, billingAuthUnits = 28, 12

// billingData gives every client in care a coverage (most a plan, some
// Medicaid, an EAP, a few self-pay, one on a spouse's plan, a few not yet
// verified), and authorizations in four-week blocks from admission, so
// that the biller sees fresh, nearly used and expired ones; every thirteenth
// client's last block was not renewed, so their claims are held.
func (g *gen) billingData(inCare map[string]careOf, clients []string, clinicians []model.User, admissionsID string) store.BillingImport {
	payers := demoPayers(g)
	today := g.opts.Today
	x := store.BillingImport{Payers: payers, Profile: BillingProfile, NPIs: map[string]string{}, ByID: admissionsID}
	for i, u := range clinicians {
		x.NPIs[u.ID] = npi(4217 + i*31)
	}
	for k, id := range clients {
		care := inCare[id]
		var p billing.Payer
		switch k % 10 {
		case 0, 1, 2, 3, 9:
			p = payers[0]
		case 4, 5, 6:
			p = payers[1]
		case 7:
			p = payers[2]
		default:
			p = payers[3]
		}
		c := billing.Coverage{ClientID: id, PayerID: p.ID, MemberID: fmt.Sprintf("%s%08d", p.ElectronicID, 10_000_000+k*7919%89_999_999),
			Relationship: billing.Self, Priority: billing.Primary, From: care.admitted.AddDays(-200 - k%90)}
		if p.Type == cost.SelfPay {
			c.MemberID = "SELF"
		}
		if p.Type == cost.Commercial {
			c.Plan, c.GroupID = "PPO Gold", fmt.Sprintf("G%05d", 10_000+k%500)
		}
		if k%10 == 9 {
			c.Relationship, c.Subscriber, c.SubscriberBirth = billing.Spouse, "Jordan Alvarez", model.Date{Year: 1984, Month: 3, Day: 14}
		}
		if k%17 != 5 {
			c.VerifiedOn = care.admitted.AddDays(-2)
			c.Notes = "IOP covered; authorization needed after intake. Copay $30 a day."
			if !p.RequiresAuth {
				c.Notes = "IOP covered without authorization."
			}
		}
		x.Coverage = append(x.Coverage, c)
		if !p.RequiresAuth {
			continue
		}
		n := 0
		for from := care.admitted; !from.After(today); from = from.AddDays(billingAuthDays) {
			to := from.AddDays(billingAuthDays - 1)
			if k%13 == 3 && to.After(today) && n > 0 {
				break // the continued stay was not requested in time
			}
			n++
			x.Authorizations = append(x.Authorizations, billing.Authorization{ClientID: id, PayerID: p.ID, Number: fmt.Sprintf("PA-%d-%02d", 40_000+k, n),
				Level: model.IntensiveOutpatient, Unit: billing.PerDiem, Units: billingAuthUnits, From: from, To: to, Contact: "UM line, reviewer on call"})
		}
	}
	return x
}

// claimsHistory exports, as a biller would have, the first payer's ready
// claims of the week before last, so the billing page has a batch on it
// and last week's claims still to do.
func claimsHistory(ctx context.Context, db BillingStore, today model.Date, billerID, billerName string, rec audit.Record) error {
	monday := intensity.Monday(today).AddDays(-14)
	from, to := monday, monday.AddDays(6)
	services, err := db.GroupServices(ctx, from.AddDays(-claimWindowDays), to)
	if err != nil {
		return err
	}
	spans, err := db.PerDiemSpans(ctx, from.AddDays(-claimWindowDays), to)
	if err != nil {
		return err
	}
	days := intensity.Days(services, func(id string, d model.Date) int { return intensity.PerDiemOn(spans[id], d) })
	var ids []string
	seen := map[string]bool{}
	for _, d := range days {
		if !seen[d.ClientID] {
			seen[d.ClientID] = true
			ids = append(ids, d.ClientID)
		}
	}
	files, err := db.BillingFiles(ctx, ids)
	if err != nil {
		return err
	}
	list, err := db.Payers(ctx)
	if err != nil || len(list) == 0 {
		return err
	}
	payers := map[string]billing.Payer{}
	var first billing.Payer
	for _, p := range list {
		payers[p.ID] = p
		if p.Name == "Blue Prairie Health" {
			first = p
		}
	}
	var mine []billing.Line
	for _, l := range billing.Lines(days, nil, files, payers, from, to, nil) {
		if l.Payer.ID == first.ID {
			mine = append(mine, l)
		}
	}
	claims := billing.Group(mine)
	if len(claims) == 0 {
		return nil
	}
	// One 837 transaction holds at most MaxClaims; a big demo center's biller
	// has the rest still to send, as after a busy month.
	claims = claims[:min(len(claims), x837.MaxClaims)]
	people := map[string]billing.Person{}
	for _, c := range claims {
		cl, err := db.Client(ctx, c.ClientID)
		if err != nil {
			return err
		}
		people[c.ClientID] = billing.Person{First: cl.FirstName, Last: cl.LastName, Birth: cl.DateOfBirth, Sex: cl.SexAtBirth, Address: cl.Address}
	}
	clinicians, err := db.Clinicians(ctx)
	if err != nil {
		return err
	}
	loc, _ := time.LoadLocation(Organization.TimeZone)
	at := today.AddDays(-5).In(loc).Add(10 * time.Hour)
	_, err = db.CreateClaimBatch(ctx, store.ClaimExport{Payer: first, From: from, To: to, Claims: claims, Today: today.AddDays(-5),
		ByID: billerID, ByName: billerName, Files: func(control int64) ([]byte, []byte, error) {
			edi, err := billing.EDI(BillingProfile, control, at, claims, people, clinicians)
			if err != nil {
				return nil, nil, err
			}
			csv, err := billing.CSV(control, claims, func(s string) string { return s }, nil)
			return edi, csv, err
		}}, rec)
	return err
}

// claimWindowDays is how far before the period units are counted from.
const claimWindowDays = 120

package demo

import (
	"time"

	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/store"
)

var demoFamily = []consent.Recipient{
	{Kind: consent.RecipientPerson, Name: "Maria Alvarez", Detail: "mother, (773) 555-0121"},
	{Kind: consent.RecipientPerson, Name: "Kevin Brooks", Detail: "husband, (312) 555-0177"},
	{Kind: consent.RecipientPerson, Name: "Tanya Greene", Detail: "sister, (708) 555-0163"},
}

// consents gives every client in care the single consent for treatment,
// payment and health care operations signed at admission, and some a
// consent for a family member, for probation, or for an employee assistance
// program; one in eleven of those was later revoked, so the consents page
// and the release form show every state.
func (g *gen) consents(inCare map[string]careOf, clients []string, names map[string]string, admissionsID string) []store.ConsentImport {
	loc, _ := time.LoadLocation(Organization.TimeZone)
	today := g.opts.Today
	var out []store.ConsentImport
	for k, c := range clients {
		care := inCare[c]
		at := care.admitted.In(loc).Add(10 * time.Hour)
		base := consent.Consent{ClientID: c, ClientName: names[c], Discloser: Organization.Name, SignerName: names[c],
			SignerAuthority: consent.SignerClient, SignedOn: care.admitted, StatementsGiven: true, RecordedAt: at}
		tpo := base
		tpo.Recipient = consent.Recipient{Kind: consent.RecipientClass, Name: consent.TPORecipients}
		tpo.Purpose, tpo.Expiry = consent.PurposeTPO, consent.ExpiresEndOfTreatment
		tpo.Categories = []string{consent.CatDemographics, consent.CatEnrollment, consent.CatAttendance, consent.CatTreatmentPlan,
			consent.CatMeasures, consent.CatScreens, consent.CatDischarge}
		out = append(out, store.ConsentImport{Consent: tpo, RecordedBy: admissionsID})

		other := base
		other.RecordedAt = at.Add(2 * time.Hour)
		switch {
		case k%3 == 0:
			other.Recipient, other.Purpose = demoFamily[k%len(demoFamily)], consent.PurposeFamily
			other.Categories = []string{consent.CatAttendance, consent.CatTreatmentPlan, consent.CatRelapsePlan}
			other.Expiry = consent.ExpiresEndOfTreatment
		case k%5 == 1:
			other.Recipient = consent.Recipient{Kind: consent.RecipientOrganization, Name: "Cook County Adult Probation", Detail: "Officer D. Okafor, 2650 S California Ave"}
			other.Purpose, other.Categories = consent.PurposeLegal, []string{consent.CatEnrollment, consent.CatAttendance, consent.CatScreens}
			other.Expiry, other.ExpiresOn = consent.ExpiresOnDate, care.admitted.AddDays(365)
		case k%7 == 2:
			other.Recipient = consent.Recipient{Kind: consent.RecipientOrganization, Name: "Lakeshore Logistics EAP", Detail: "Employee assistance program"}
			other.Purpose, other.Categories = consent.PurposeEmployment, []string{consent.CatEnrollment, consent.CatAttendance}
			other.Expiry, other.ExpiresOn = consent.ExpiresOnDate, care.admitted.AddDays(180)
		default:
			continue
		}
		if k%11 == 2 && care.daysIn(today) > 10 {
			other.RevokedAt = at.AddDate(0, 0, 9)
			other.RevocationNote = "Signed revocation handed in at the front desk"
		}
		out = append(out, store.ConsentImport{Consent: other, RecordedBy: care.counselor, RevokedBy: care.counselor})
	}
	return out
}

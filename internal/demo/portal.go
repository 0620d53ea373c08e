package demo

import (
	"math/rand/v2"
	"time"

	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
)

// PortalLogins are the demo clients' portal sign-in names, in the order
// the README lists them; they share the demo Password. They belong to
// clients on the demo clinician's caseload.
var PortalLogins = []string{"client1", "client2", "client3"}

// FamilyLogin is the demo family member's portal sign-in name: the person a
// family consent of one of the demo clinician's clients names.
const FamilyLogin = "family1"

// portalAccounts opens the portal for the first clients on the demo
// clinician's caseload who have been in care a week or more, with two
// weeks of daily check-ins (and, for two, email reminders): mostly steady, one day of strong cravings and
// one of use, so the chart's check-in table shows what it flags.
func (g *gen) portalAccounts(inCare map[string]careOf, clients []string, consents []store.ConsentImport, clinicianID string) []store.PortalImport {
	// A generator of its own, so the rest of the demo is the same with or without portal data.
	// #nosec G404 -- demo data must be reproducible from its seed; nothing secret is drawn here
	rng := rand.New(rand.NewPCG(g.opts.Seed, 0x706f7274616c))
	loc, _ := time.LoadLocation(Organization.TimeZone)
	today := g.opts.Today
	var out []store.PortalImport
	for _, c := range clients {
		care := inCare[c]
		if care.counselor != clinicianID || care.teen || care.daysIn(today) < 7 || len(out) == len(PortalLogins) {
			continue
		}
		k := len(out)
		p := store.PortalImport{ClientID: c, Login: PortalLogins[k], PasswordHash: g.opts.PasswordHash, InvitedBy: clinicianID,
			InvitedAt: care.admitted.AddDays(1).In(loc).Add(15 * time.Hour), Email: PortalLogins[k] + "@example.org",
			// The first two chose reminders, so the outbox shows them in demo mode.
			Reminders: portal.Reminders{Sessions: k < 2, Measures: k < 2}}
		for d := min(care.daysIn(today)-2, 13); d >= 1; d-- {
			day := today.AddDays(-d)
			ci := portal.CheckIn{Day: day, Craving: 2 + rng.IntN(3), Mood: 5 + rng.IntN(4), At: day.In(loc).Add(time.Duration(19*60+rng.IntN(120)) * time.Minute)}
			switch {
			case k == 0 && d == 4:
				ci.Craving, ci.Mood, ci.Note = 8, 4, "Payday. Went to the evening group instead."
			case k == 1 && d == 6:
				ci.Used, ci.Craving, ci.Mood, ci.Note = true, 7, 3, "Had a few drinks at my cousin's party. Want to talk about it Thursday."
			}
			p.CheckIns = append(p.CheckIns, ci)
		}
		out = append(out, p)
	}
	// One family member, under a family consent in force.
	for _, k := range consents {
		c := k.Consent
		if c.Purpose == consent.PurposeFamily && c.RevokedAt.IsZero() && inCare[c.ClientID].counselor == clinicianID {
			out = append(out, store.PortalImport{ClientID: c.ClientID, ConsentID: c.ID, Name: c.Recipient.Name, Login: FamilyLogin,
				PasswordHash: g.opts.PasswordHash, InvitedBy: clinicianID, InvitedAt: c.RecordedAt.Add(time.Hour)})
			break
		}
	}
	return out
}

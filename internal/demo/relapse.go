package demo

import (
	"time"

	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/store"
)

var (
	demoTriggers = []relapse.Cue{
		{Text: "Payday Fridays", Coping: "Give my bank card to my sister and go to the evening meeting"},
		{Text: "Driving past the old bar on the way home", Coping: "Take Ashland Avenue instead and call someone on the drive"},
		{Text: "Arguments with my partner", Coping: "Take a 20-minute walk before talking it through"},
		{Text: "Being alone on Sunday afternoons", Coping: "Plan the afternoon on Saturday: gym, family, a meeting"},
		{Text: "Pain after work", Coping: "Stretch, ice, and tell my doctor instead of self-medicating"},
	}
	demoSigns = []relapse.Cue{
		{Text: "Skipping meals and sleeping badly", Coping: "Call my sponsor the same day"},
		{Text: "Telling myself one won't hurt", Coping: "Play the tape forward, then text the group chat"},
		{Text: "Missing groups", Coping: "Tell my counselor and book an extra session"},
	}
	demoContacts = []relapse.Contact{
		{Name: "Maria", Relationship: "sponsor", Phone: "(312) 555-0188"},
		{Name: "Dee", Relationship: "sister", Phone: "(773) 555-0123"},
		{Name: "Chris", Relationship: "friend from group", Phone: "(312) 555-0177"},
	}
	demoPlaces  = []string{"The Tuesday meeting at St. Luke's", "The gym on Western Avenue", "My aunt's kitchen", "The lakefront path"}
	demoReasons = []string{"My kids", "Keeping my job", "Feeling clear in the morning", "My health", "Being someone my family can count on"}
)

// relapsePlans gives most clients in care a relapse-prevention plan written
// in their first two weeks, and for some a later version in which the client
// added a person to call or a reason of their own.
func (g *gen) relapsePlans(inCare map[string]careOf, clients []string, names map[string]string, counselorNames map[string]string) []store.RelapseImport {
	loc, _ := time.LoadLocation(Organization.TimeZone)
	today := g.opts.Today
	var out []store.RelapseImport
	for k, c := range clients {
		care := inCare[c]
		days := care.daysIn(today)
		if days < 6 || k%7 == 3 {
			continue
		}
		at := care.admitted.AddDays(min(days-1, 4+g.rng.IntN(6))).In(loc).Add(time.Duration(14*60+g.rng.IntN(240)) * time.Minute)
		p := relapse.Plan{ClientID: c, Version: 1, AuthorKind: relapse.AuthorStaff, AuthorName: counselorNames[care.counselor], At: at,
			Triggers:     []relapse.Cue{demoTriggers[k%len(demoTriggers)], demoTriggers[(k+2)%len(demoTriggers)]},
			WarningSigns: []relapse.Cue{demoSigns[k%len(demoSigns)]},
			Contacts:     []relapse.Contact{demoContacts[k%len(demoContacts)]},
			SafePlaces:   []string{demoPlaces[k%len(demoPlaces)]},
			Reasons:      []string{demoReasons[k%len(demoReasons)]},
			AfterLapse:   "Tell my counselor within a day and come to the next group. A lapse is a reason to use the plan, not to give up on it.",
		}
		out = append(out, store.RelapseImport{Plan: p, AuthorID: care.counselor})
		if days > 21 && k%2 == 0 {
			next := p
			next.Version, next.At = 2, at.AddDate(0, 0, 14)
			next.Contacts = append(append([]relapse.Contact(nil), p.Contacts...), demoContacts[(k+1)%len(demoContacts)])
			next.Reasons = append(append([]string(nil), p.Reasons...), demoReasons[(k+3)%len(demoReasons)])
			if k%4 == 0 { // written by the client with their counselor beside them
				next.AuthorKind, next.AuthorName = relapse.AuthorClient, names[c]
				out = append(out, store.RelapseImport{Plan: next, AuthorID: c})
			} else {
				out = append(out, store.RelapseImport{Plan: next, AuthorID: care.counselor})
			}
		}
	}
	return out
}

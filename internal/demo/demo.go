// Package demo creates a realistic, entirely fictional demo center: an
// organization, a site, adult and adolescent programs with morning, evening,
// weekend and after-school tracks, staff of every role, and clients at
// every stage of care. The same seed and date always give the same data, at
// any size from a handful of clients to tens of thousands for benchmarks.
package demo

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// Password is every demo account's password. It is printed by `iop serve
// --demo` and listed in the README; demo data is for trying OpenIOP, never
// for real records.
const Password = "welcome-to-openiop"

// Login is a demo account to sign in with.
type Login struct {
	Email string
	Name  string
	Role  model.Role
}

// Logins are the demo accounts of each role, in the order the README lists
// them.
var Logins = []Login{
	{"clinician@demo.openiop.org", "Jordan Lee", model.RoleClinician},
	{"director@demo.openiop.org", "Renee Whitfield", model.RoleClinicalDirector},
	{"admissions@demo.openiop.org", "Priya Nair", model.RoleAdmissions},
	{"frontdesk@demo.openiop.org", "Sofia Alvarez", model.RoleFrontDesk},
	{"biller@demo.openiop.org", "Marcus Bell", model.RoleBiller},
	{"admin@demo.openiop.org", "Alex Morgan", model.RoleAdmin},
}

// Options control the generated data.
type Options struct {
	Clients      int                   // how many clients
	Seed         uint64                // the same seed gives the same data
	Today        model.Date            // dates are laid out around this day
	PasswordHash string                // the hash of Password (hashing is slow; the caller does it once)
	Progress     func(done, total int) // called as clients are written; may be nil
	// HistoryDays is how many days before Today to fill with the center's
	// work: attendance, group notes, individual sessions and their notes,
	// drug screens. 0 writes none (tests that build their own history).
	HistoryDays int
}

// Store is what the generator writes through.
type Store interface {
	SaveOrganization(ctx context.Context, o model.Organization, rec audit.Record) error
	CreateSite(ctx context.Context, s *model.Site, rec audit.Record) error
	CreateProgram(ctx context.Context, p *model.Program, rec audit.Record) error
	CreateTrack(ctx context.Context, t *model.Track, rec audit.Record) error
	CreateUser(ctx context.Context, u *model.User, rec audit.Record) error
	ImportClients(ctx context.Context, clients []model.Client, episodes []model.Episode, rec audit.Record) error
	ImportClinical(ctx context.Context, assessments []care.Assessment, measures []care.Measure, rec audit.Record) error
	CreateMeasure(ctx context.Context, m *care.Measure, rec audit.Record) error
	AddCurriculumTopic(ctx context.Context, t *curriculum.Topic, byID string, rec audit.Record) error
	GrantEmergencyAccess(ctx context.Context, mrn, userID, reason string, d time.Duration, rec audit.Record) (store.EmergencyGrant, error)
	InquiryStore
	GroupStore
	ImportActivity(ctx context.Context, a store.Activity, rec audit.Record) error
	ImportPlans(ctx context.Context, plans []store.PlanImport, rec audit.Record) error
	ImportRelapsePlans(ctx context.Context, plans []store.RelapseImport, rec audit.Record) error
	ImportConsents(ctx context.Context, consents []store.ConsentImport, rec audit.Record) error
	SetMFAExempt(ctx context.Context, userIDs []string, exempt bool) error
	SetCounselingHours(ctx context.Context, userID string, h schedule.CounselingHours, rec audit.Record) error
	SetMeasureSchedule(ctx context.Context, s care.MeasureSchedule, rec audit.Record) error
	ImportPortalAccounts(ctx context.Context, list []store.PortalImport, rec audit.Record) error
	BillingStore
}

// Organization is the demo center.
var Organization = model.Organization{
	Name:     "Riverbend Recovery Center",
	Phone:    "(312) 555-0140",
	Email:    "admissions@riverbend.example.org",
	Address:  "2150 W Ogden Avenue, Suite 300\nChicago, IL 60612",
	Hours:    "Monday to Friday 8:00 am - 9:00 pm\nSaturday and Sunday 8:30 am - 2:00 pm",
	TimeZone: "America/Chicago",
	Website:  "https://riverbend.example.org",
}

// Generate writes the demo center into an empty database.
func Generate(ctx context.Context, db Store, o Options) error {
	if o.Clients < 0 {
		return fmt.Errorf("demo: the number of clients cannot be negative")
	}
	if o.Today.IsZero() {
		return fmt.Errorf("demo: Today must be set")
	}
	// #nosec G404 -- demo data must be reproducible from its seed; nothing secret is drawn here
	g := &gen{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), opts: o, names: map[string]bool{}}
	rec := audit.Record{At: time.Now(), ActorID: "system:demo", ActorRole: "system", Detail: "demo data"}
	if err := db.SaveOrganization(ctx, Organization, rec); err != nil {
		return err
	}
	site := model.Site{Name: "West Loop", Address: "2150 W Ogden Avenue, Suite 300, Chicago, IL 60612",
		Phone: Organization.Phone, TimeZone: Organization.TimeZone}
	if err := db.CreateSite(ctx, &site, rec); err != nil {
		return err
	}
	adult := model.Program{SiteID: site.ID, Name: "Adult IOP", Population: model.Adults, LevelOfCare: model.IntensiveOutpatient,
		MinWeeklyMinutes: model.DefaultMinWeeklyMinutes(model.Adults),
		Description:      "Group therapy, relapse prevention, individual counseling and family sessions for adults 18 and over, with co-occurring mental health care."}
	teen := model.Program{SiteID: site.ID, Name: "Adolescent IOP", Population: model.Adolescents, LevelOfCare: model.IntensiveOutpatient,
		MinWeeklyMinutes: model.DefaultMinWeeklyMinutes(model.Adolescents),
		Description:      "After-school groups for teens 13 to 17, with weekly family sessions and coordination with schools."}
	for _, p := range []*model.Program{&adult, &teen} {
		if err := db.CreateProgram(ctx, p, rec); err != nil {
			return err
		}
	}

	// Sizes: about 78% of clients are in treatment, 85% of those adults.
	// Track sections are added so that enrolment fits capacity at any size.
	active := o.Clients * 78 / 100
	adultActive, teenActive := active*85/100, active-active*85/100
	type trackPlan struct {
		program *model.Program
		base    model.Track
		share   int // of the program's active clients, percent
	}
	plans := []trackPlan{
		{&adult, model.Track{Name: "Morning", Kind: model.Morning, Days: []time.Weekday{time.Monday, time.Tuesday, time.Thursday},
			Start: 9 * 60, End: 12 * 60, Capacity: 14}, 35},
		{&adult, model.Track{Name: "Evening", Kind: model.Evening, Days: []time.Weekday{time.Monday, time.Wednesday, time.Thursday},
			Start: 18 * 60, End: 21 * 60, Capacity: 15}, 45},
		{&adult, model.Track{Name: "Weekend", Kind: model.Weekend, Days: []time.Weekday{time.Saturday, time.Sunday},
			Start: 9 * 60, End: 13*60 + 30, Capacity: 12}, 20},
		{&teen, model.Track{Name: "After school", Kind: model.Afternoon, Days: []time.Weekday{time.Monday, time.Wednesday, time.Friday},
			Start: 16 * 60, End: 18 * 60, Capacity: 10}, 100},
	}
	rooms := []string{"Group Room A", "Group Room B", "Group Room C", "Group Room D"}
	tracksFor := map[*model.Program][]model.Track{}
	for _, p := range plans {
		n := adultActive
		if p.program == &teen {
			n = teenActive
		}
		want := n * p.share / 100
		sections := max(1, (want+p.base.Capacity-1)/p.base.Capacity)
		for i := range sections {
			t := p.base
			t.ProgramID = p.program.ID
			if sections > 1 {
				t.Name = fmt.Sprintf("%s %c", p.base.Name, 'A'+rune(i%26))
				if i >= 26 {
					t.Name += fmt.Sprint(i / 26)
				}
			}
			t.Room = rooms[i%len(rooms)]
			if p.program == &teen {
				t.Room = "Teen Room"
				if i > 0 {
					t.Room = fmt.Sprintf("Teen Room %d", i+1)
				}
			} else if i >= len(rooms) {
				t.Room = fmt.Sprintf("Group Room %d", i+1)
			}
			if err := db.CreateTrack(ctx, &t, rec); err != nil {
				return err
			}
			tracksFor[p.program] = append(tracksFor[p.program], t)
		}
	}

	// Staff: the named demo logins, plus enough clinicians for caseloads of
	// about 18.
	var clinicians []model.User
	var admissionsStaff string
	var biller model.User
	var demoUsers []string // every account made here: all share the demo password
	for _, l := range Logins {
		u := model.User{Email: l.Email, Name: l.Name, Role: l.Role, Active: true, PasswordHash: o.PasswordHash}
		if l.Role == model.RoleClinician {
			u.Credentials = "LCSW, LCADC"
		}
		if l.Role == model.RoleClinicalDirector {
			u.Credentials = "PhD, LCADC"
		}
		if err := db.CreateUser(ctx, &u, rec); err != nil {
			return err
		}
		if l.Role == model.RoleClinicalDirector {
			// The cadence the demo's measure history follows: PHQ-9 and GAD-7 at
			// admission and every 14 days (the server's job assigns what falls due).
			for _, p := range []*model.Program{&adult, &teen} {
				for _, code := range []string{"phq-9", "gad-7"} {
					ms := care.MeasureSchedule{ProgramID: p.ID, Instrument: code, EveryDays: 14, AtAdmission: true, SetByID: u.ID}
					if err := db.SetMeasureSchedule(ctx, ms, rec); err != nil {
						return err
					}
				}
			}
		}
		demoUsers = append(demoUsers, u.ID)
		if l.Role == model.RoleClinician {
			clinicians = append(clinicians, u)
		}
		if l.Role == model.RoleAdmissions {
			admissionsStaff = u.ID
		}
		if l.Role == model.RoleBiller {
			biller = u
		}
	}
	extra := max(3, (active+17)/18) - 1
	for i := range extra {
		first, last := g.pick(append(femaleNames[:], maleNames[:]...)), g.pick(lastNames[:])
		u := model.User{Email: fmt.Sprintf("%s.%s%d@demo.openiop.org", strings.ToLower(first), strings.ToLower(strings.ReplaceAll(last, " ", "")), i+2),
			Name: first + " " + last, Credentials: g.pick([]string{"LCSW", "LPC, LCADC", "CADC", "LMFT", "LCADC"}),
			Role: model.RoleClinician, Active: true, PasswordHash: o.PasswordHash}
		if err := db.CreateUser(ctx, &u, rec); err != nil {
			return err
		}
		demoUsers = append(demoUsers, u.ID)
		clinicians = append(clinicians, u)
	}
	// Each clinician sees clients individually in their own office: weekday
	// afternoons up to the evening groups, a Friday morning and a Saturday
	// morning block for clients who work days. The schedule builder plans
	// sessions in these hours, around the groups they lead.
	for i, u := range clinicians {
		office := fmt.Sprintf("Office %d", 101+i)
		h := schedule.CounselingHours{Caseload: 24}
		for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday} {
			h.Windows = append(h.Windows, schedule.CounselingWindow{SiteID: site.ID, Day: d, From: 12 * 60, To: 18 * 60, Room: office})
		}
		h.Windows = append(h.Windows, schedule.CounselingWindow{SiteID: site.ID, Day: time.Friday, From: 9 * 60, To: 13 * 60, Room: office},
			schedule.CounselingWindow{SiteID: site.ID, Day: time.Saturday, From: 9 * 60, To: 12 * 60, Room: office})
		if err := db.SetCounselingHours(ctx, u.ID, h, rec); err != nil {
			return err
		}
	}
	// Every demo account shares the published demo password, so two-step
	// sign-in would protect nothing; they are exempt and say so.
	if err := db.SetMFAExempt(ctx, demoUsers, true); err != nil {
		return err
	}

	// Clients, written in batches of one transaction each.
	const batch = 500
	var clients []model.Client
	var episodes []model.Episode
	var assessments []care.Assessment
	var measures []care.Measure
	flush := func(done int) error {
		if len(clients) == 0 {
			return nil
		}
		if err := db.ImportClients(ctx, clients, episodes, rec); err != nil {
			return err
		}
		if err := db.ImportClinical(ctx, assessments, measures, rec); err != nil {
			return err
		}
		clients, episodes, assessments, measures = clients[:0], episodes[:0], assessments[:0], measures[:0]
		if o.Progress != nil {
			o.Progress(done, o.Clients)
		}
		return nil
	}
	adultsMade, teensMade := 0, 0
	members := map[string][]string{} // track id -> clients in treatment there
	inCare := map[string]careOf{}    // client id -> their current episode, for the history
	var inCareOrder []string
	names := map[string]string{}
	for i := range o.Clients {
		teenClient := (i*53)%100 >= 85 // 15% adolescents, spread evenly at every size
		c := g.client(teenClient)
		clients = append(clients, c)
		status := g.stage(i)
		prog := &adult
		if teenClient {
			prog = &teen
		}
		counselor := clinicians[i%len(clinicians)]
		switch status {
		case stageActive:
			idx := adultsMade
			if teenClient {
				idx = teensMade
				teensMade++
			} else {
				adultsMade++
			}
			tracks := tracksFor[prog]
			t := g.trackFor(tracks, idx)
			if g.rng.IntN(100) < 10 { // some were here before
				episodes = append(episodes, g.pastEpisode(c.ID, prog.ID, t.ID, counselor.ID))
			}
			ep := model.Episode{ID: g.id(), ClientID: c.ID, ProgramID: prog.ID, TrackID: t.ID,
				LevelOfCare: model.IntensiveOutpatient, AdmissionDate: o.Today.AddDays(-g.rng.IntN(84)),
				Status: model.EpisodeActive, PrimaryCounselorID: counselor.ID}
			members[t.ID] = append(members[t.ID], c.ID)
			as, ms, err := g.clinicalHistory(&ep, teenClient)
			if err != nil {
				return err
			}
			inCare[c.ID] = careOf{admitted: ep.AdmissionDate, counselor: counselor.ID, teen: teenClient, episode: ep.ID, diagnoses: ep.Diagnoses}
			inCareOrder = append(inCareOrder, c.ID)
			names[c.ID] = c.FirstName + " " + c.LastName
			episodes = append(episodes, ep)
			assessments, measures = append(assessments, as...), append(measures, ms...)
		case stageDischarged:
			t := tracksFor[prog][g.rng.IntN(len(tracksFor[prog]))]
			episodes = append(episodes, g.pastEpisode(c.ID, prog.ID, t.ID, counselor.ID))
		}
		if len(clients) == batch {
			if err := flush(i + 1); err != nil {
				return err
			}
		}
	}
	if err := flush(o.Clients); err != nil {
		return err
	}
	var allTracks []model.Track
	for _, p := range []*model.Program{&adult, &teen} {
		allTracks = append(allTracks, tracksFor[p]...)
	}
	// Groups started a quarter ago, so every client's weeks are covered.
	series, enrolled, err := groups(ctx, db, allTracks, clinicians, members, o.Today.AddDays(-91), rec)
	if err != nil {
		return err
	}
	for _, t := range allTracks {
		if err := curriculumOf(ctx, db, t, rec); err != nil {
			return err
		}
	}
	treatmentPlans, objectives := g.plans(inCare, inCareOrder, names)
	if err := db.ImportPlans(ctx, treatmentPlans, rec); err != nil {
		return err
	}
	g.objectives = objectives
	counselorNames := map[string]string{}
	for _, u := range clinicians {
		counselorNames[u.ID] = u.Name
	}
	if err := db.ImportRelapsePlans(ctx, g.relapsePlans(inCare, inCareOrder, names, counselorNames), rec); err != nil {
		return err
	}
	consents := g.consents(inCare, inCareOrder, names, admissionsStaff)
	if err := db.ImportConsents(ctx, consents, rec); err != nil {
		return err
	}
	if err := db.ImportPortalAccounts(ctx, g.portalAccounts(inCare, inCareOrder, consents, clinicians[0].ID), rec); err != nil {
		return err
	}
	if err := db.ImportBilling(ctx, g.billingData(inCare, inCareOrder, clinicians, admissionsStaff), rec); err != nil {
		return err
	}
	if o.HistoryDays > 0 {
		// The demo clinician is behind on group notes, so their notes-to-sign list has work on it.
		if err := g.activity(ctx, db, series, enrolled, inCare, clinicians[0].ID, rec); err != nil {
			return err
		}
		if err := g.safetyAlert(ctx, db, inCare, inCareOrder, clinicians[0].ID, rec); err != nil {
			return err
		}
		if err := emergencyUse(ctx, db, inCare, inCareOrder, clinicians, rec); err != nil {
			return err
		}
		if err := claimsHistory(ctx, db, o.Today, biller.ID, biller.Name, rec); err != nil {
			return err
		}
	}
	return inquiries(ctx, db, admissionsStaff, rec)
}

type stage int

const (
	stageActive stage = iota
	stageDischarged
	stageRegistered
)

type gen struct {
	rng   *rand.Rand
	opts  Options
	names map[string]bool // full names used, to keep them distinct while the lists allow
	// objectives are each client's current plan objectives, for notes to point at.
	objectives map[string][]plan.Objective
}

// stage spreads clients over the stages of care: 78% in treatment, 17%
// discharged, 5% registered but not yet admitted.
func (g *gen) stage(i int) stage {
	switch r := (i * 37) % 100; {
	case r < 78:
		return stageActive
	case r < 95:
		return stageDischarged
	default:
		return stageRegistered
	}
}

// trackFor spreads a program's clients over its track sections in
// proportion to their capacity: the idx-th client gets a seat chosen by a
// stride coprime with the seat count, so small programs fill every track
// a little rather than the first ones to capacity.
func (g *gen) trackFor(tracks []model.Track, idx int) model.Track {
	total := 0
	for _, t := range tracks {
		total += t.Capacity
	}
	total = max(total, 1)
	stride := 7
	for gcd(stride, total) != 1 {
		stride += 2
	}
	slot := (idx * stride) % total
	for _, t := range tracks {
		if slot < t.Capacity {
			return t
		}
		slot -= t.Capacity
	}
	return tracks[0]
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (g *gen) pastEpisode(clientID, programID, trackID, counselorID string) model.Episode {
	start := g.opts.Today.AddDays(-(120 + g.rng.IntN(500)))
	return model.Episode{ID: g.id(), ClientID: clientID, ProgramID: programID, TrackID: trackID,
		LevelOfCare: model.IntensiveOutpatient, AdmissionDate: start, DischargeDate: start.AddDays(35 + g.rng.IntN(60)),
		Status: model.EpisodeDischarged, PrimaryCounselorID: counselorID}
}

// id returns a random-looking identifier drawn from the seeded generator,
// so that the same seed gives the same ids.
func (g *gen) id() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j)) // #nosec G115 -- taking one byte on purpose
		}
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *gen) client(teen bool) model.Client {
	female := g.rng.IntN(2) == 0
	var first, last string
	for try := 0; try < 20; try++ { // distinct names until the lists run short (large demo sizes)
		first = g.pick(maleNames[:])
		if female {
			first = g.pick(femaleNames[:])
		}
		last = g.pick(lastNames[:])
		if !g.names[first+" "+last] {
			break
		}
	}
	g.names[first+" "+last] = true
	c := model.Client{ID: g.id(), FirstName: first, LastName: last, SexAtBirth: "male"}
	if female {
		c.SexAtBirth = "female"
	}
	switch r := g.rng.IntN(100); {
	case r < 45:
		c.Pronouns = map[bool]string{true: "she/her", false: "he/him"}[female]
	case r < 52:
		c.Pronouns = "they/them"
	}
	if g.rng.IntN(100) < 18 {
		c.PreferredName = g.pick(nicknames[:])
	}
	age := 19 + g.rng.IntN(48)
	if teen {
		age = 13 + g.rng.IntN(5)
	}
	dob := g.opts.Today.AddDays(-(age*365 + g.rng.IntN(360)))
	c.DateOfBirth = dob
	area := g.pick([]string{"312", "773", "708", "872"})
	c.Phone = fmt.Sprintf("(%s) 555-01%02d", area, g.rng.IntN(100))
	if g.rng.IntN(100) < 80 {
		c.Email = fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(first), strings.ToLower(strings.ReplaceAll(last, " ", "")), g.rng.IntN(90)+10)
	}
	c.Address = fmt.Sprintf("%d %s, Chicago, IL %s", 100+g.rng.IntN(4800), g.pick(streets[:]), g.pick([]string{"60607", "60608", "60612", "60616", "60622", "60623", "60647"}))
	rel := g.pick([]string{"sister", "brother", "mother", "father", "partner", "spouse", "friend", "aunt", "sponsor"})
	if teen {
		rel = g.pick([]string{"mother", "father", "grandmother", "guardian", "aunt"})
	}
	c.EmergencyName = g.pick(append(femaleNames[:], maleNames[:]...)) + " " + last
	if rel == "friend" || rel == "sponsor" || rel == "partner" {
		c.EmergencyName = g.pick(femaleNames[:]) + " " + g.pick(lastNames[:])
	}
	c.EmergencyRel = rel
	c.EmergencyPhn = fmt.Sprintf("(%s) 555-01%02d", g.pick([]string{"312", "773", "630"}), g.rng.IntN(100))
	return c
}

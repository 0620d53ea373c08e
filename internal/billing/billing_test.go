package billing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/billing/x837/x12test"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

func d(s string) model.Date {
	x, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

var acme = Payer{ID: "p1", Name: "Acme Health", Type: cost.Commercial, RequiresAuth: true, Codes: Codes{
	PerDiem: "H0015", PerDiemModifiers: []string{"HF"}, PerDiemCents: 45000,
	Individual: "H0004", IndividualMinutes: 15, IndividualCents: 3000, PlaceOfService: "57"}}

func file(auths ...Authorization) ClientFile {
	return ClientFile{
		Coverage: []Coverage{{ID: "cov1", ClientID: "c1", PayerID: "p1", MemberID: "M1", Relationship: Self, Priority: Primary, From: d("2026-01-01")}},
		Auths:    auths,
		Stays:    []Stay{{From: d("2026-10-01"), Level: model.IntensiveOutpatient, Diagnoses: []string{"F10.20", "F32.1"}, CounselorID: "u1"}},
	}
}

func day(date string, minutes int, undocumented ...string) intensity.Day {
	return intensity.Day{ClientID: "c1", Name: "Ana Diaz", Date: d(date), Minutes: minutes, Services: []string{"group:process", "group:skills"},
		Rule: 180, Billable: minutes >= 180, Undocumented: undocumented}
}

func auth(units int, from, to string) Authorization {
	return Authorization{ID: "a1", ClientID: "c1", PayerID: "p1", Number: "AUTH-1", Level: model.IntensiveOutpatient, Unit: PerDiem,
		Units: units, From: d(from), To: d(to)}
}

func TestAuthorizationProblems(t *testing.T) {
	good := auth(10, "2026-11-01", "2026-11-30")
	if p := good.Problems(); len(p) != 0 {
		t.Fatalf("good authorization refused: %v", p)
	}
	cases := map[string]func(*Authorization){
		"to":     func(a *Authorization) { a.To = d("2026-10-31") },
		"units":  func(a *Authorization) { a.Units = -3 },
		"number": func(a *Authorization) { a.Number = "A*1" },
		"level":  func(a *Authorization) { a.Level = "detox" },
		"unit":   func(a *Authorization) { a.Unit = "per_week" },
		"payer":  func(a *Authorization) { a.PayerID = "" },
	}
	for field, change := range cases {
		a := good
		change(&a)
		if p := a.Problems(); p[field] == "" {
			t.Errorf("%s: want a problem on %s, got %v", field, field, p)
		}
	}
}

func TestAuthorizationOverlap(t *testing.T) {
	a := auth(10, "2026-11-01", "2026-11-30")
	b := a
	b.ID, b.From, b.To = "a2", d("2026-11-30"), d("2026-12-14")
	if !a.Overlaps(b) || a.OverlapProblem([]Authorization{b})["from"] == "" {
		t.Error("authorizations sharing Nov 30 should overlap")
	}
	b.From = d("2026-12-01")
	if a.Overlaps(b) {
		t.Error("back-to-back authorizations do not overlap")
	}
	b.From, b.Level = d("2026-11-15"), model.PartialHospitalization
	if a.Overlaps(b) {
		t.Error("another level of care does not overlap")
	}
	if a.Overlaps(a) {
		t.Error("an authorization does not overlap itself (editing it)")
	}
	b.Level, b.ClientID = a.Level, "c2"
	if a.Overlaps(b) {
		t.Error("another client's authorization does not overlap")
	}
}

func TestCoverageProblemsAndChoice(t *testing.T) {
	c := Coverage{PayerID: "p1", MemberID: "M1", Relationship: Spouse, Priority: Primary, From: d("2026-01-01")}
	if p := c.Problems(d("2026-11-23")); p["subscriber"] == "" {
		t.Errorf("spouse's plan without the subscriber's name: %v", p)
	}
	c.Subscriber, c.To = "Luis Diaz", d("2025-12-31")
	if p := c.Problems(d("2026-11-23")); p["to"] == "" || len(p) != 1 {
		t.Errorf("end before start: %v", p)
	}
	c.To, c.VerifiedOn = model.Date{}, d("2026-12-01")
	if p := c.Problems(d("2026-11-23")); p["verified_on"] == "" {
		t.Errorf("verified in the future: %v", p)
	}
	list := []Coverage{
		{ID: "sec", Priority: Secondary, From: d("2026-01-01")},
		{ID: "old", Priority: Primary, From: d("2025-01-01"), To: d("2025-12-31")},
		{ID: "pri", Priority: Primary, From: d("2026-06-01")},
		{ID: "pri-old", Priority: Primary, From: d("2026-05-01")},
	}
	for on, want := range map[string]string{"2026-03-01": "sec", "2026-07-01": "pri", "2025-05-01": "old"} {
		if got, _ := CoverageOn(list, d(on)); got.ID != want {
			t.Errorf("coverage on %s = %q, want %q", on, got.ID, want)
		}
	}
	if _, ok := CoverageOn(list, d("2024-05-01")); ok {
		t.Error("no coverage in 2024")
	}
}

func TestStandCountsUnitsAndAlerts(t *testing.T) {
	a := auth(5, "2026-11-02", "2026-11-30")
	days := []intensity.Day{
		day("2026-10-30", 190), // before the authorization: not counted
		day("2026-11-02", 185), // 1
		day("2026-11-03", 120), // short day: not a per-diem day
		day("2026-11-04", 200), // 2
		day("2026-11-06", 180), // 3
	}
	s := Stand(a, days, nil, d("2026-11-09"), DefaultThreshold, model.IntensiveOutpatient)
	if s.Used != 3 || s.Remaining != 2 || s.State != "active" || s.DaysLeft != 22 {
		t.Fatalf("used %d remaining %d state %s days left %d; want 3, 2, active, 22", s.Used, s.Remaining, s.State, s.DaysLeft)
	}
	if len(s.Alerts) != 1 || !strings.Contains(s.Alerts[0], "Only 2 days left") {
		t.Errorf("alerts %q, want the few-units alert", s.Alerts)
	}
	// Three more days: two beyond the five authorized.
	days = append(days, day("2026-11-09", 180), day("2026-11-10", 180), day("2026-11-11", 180))
	s = Stand(a, days, nil, d("2026-11-12"), DefaultThreshold, model.IntensiveOutpatient)
	if s.Used != 6 {
		t.Fatalf("used %d, want 6", s.Used)
	}
	if s.Remaining != 0 || s.State != "used up" || !slices.Equal(s.Beyond, []model.Date{d("2026-11-11")}) {
		t.Errorf("remaining %d state %s beyond %v; want 0, used up, [Nov 11]", s.Remaining, s.State, s.Beyond)
	}
	// Per hour counts whole hours; a level the authorization does not cover.
	a.Unit, a.Units = PerHour, 100
	s = Stand(a, days[:3], nil, d("2026-11-27"), DefaultThreshold, model.PartialHospitalization)
	if s.Used != 3 {
		t.Errorf("per-hour use %d, want 3 (the 185-minute day; the short day is not billed)", s.Used)
	}
	// Sessions kept on short days count for per-session and per-hour authorizations, as they are billed.
	a.Unit = PerSession
	kept := []Session{{ID: "s1", ClientID: "c1", Date: d("2026-11-03"), Kind: "individual", Minutes: 50}, {ID: "s2", ClientID: "c1", Date: d("2026-11-02"), Minutes: 50}}
	if s := Stand(a, days[:3], kept, d("2026-11-27"), DefaultThreshold, ""); s.Used != 2+1 {
		t.Errorf("per-session use %d, want 3 (two groups of the Nov 2 per-diem day and the Nov 3 session; the Nov 2 session is inside the day)", s.Used)
	}
	joined := strings.Join(s.Alerts, " ")
	if !strings.Contains(joined, "Ends Nov 30 (4 days left)") || !strings.Contains(joined, "now at") {
		t.Errorf("alerts %q, want the days-left and level-of-care alerts", s.Alerts)
	}
	if s = Stand(a, days, nil, d("2026-12-01"), DefaultThreshold, ""); s.State != "ended" || len(s.Alerts) != 0 {
		t.Errorf("after the end: state %s alerts %q", s.State, s.Alerts)
	}
}

func TestLinesBillDaysAndSessionsAndHoldWithReasons(t *testing.T) {
	files := map[string]ClientFile{"c1": file(auth(3, "2026-11-01", "2026-11-30"))}
	payers := map[string]Payer{"p1": acme}
	days := []intensity.Day{
		day("2026-11-02", 190),                  // unit 1, before the period asked for
		day("2026-11-09", 185),                  // unit 2
		day("2026-11-10", 190, "group:process"), // unit 3, note not signed
		day("2026-11-11", 120),                  // short day: not billed as a day
		day("2026-11-12", 200),                  // beyond the 3 units
	}
	sessions := []Session{
		{ID: "s1", ClientID: "c1", Date: d("2026-11-11"), Kind: "individual", Minutes: 50, Documented: true, ClinicianID: "u2"},
		{ID: "s2", ClientID: "c1", Date: d("2026-11-09"), Kind: "individual", Minutes: 50, Documented: true}, // inside the per diem
		{ID: "s3", ClientID: "c1", Date: d("2026-11-13"), Kind: "family", Minutes: 60, Documented: true},
	}
	lines := Lines(days, sessions, files, payers, d("2026-11-09"), d("2026-11-15"), map[string]string{})
	byKey := map[string]Line{}
	for _, l := range lines {
		byKey[l.Key] = l
	}
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4 (3 days, 1 session; the payer bills no family sessions): %+v", len(lines), lines)
	}
	if _, ok := byKey["day|c1|2026-11-02"]; ok {
		t.Error("a day before the period is counted, not returned")
	}
	if _, ok := byKey["appointment|s2"]; ok {
		t.Error("a session on a per-diem day is part of the day, not a line of its own")
	}
	l := byKey["day|c1|2026-11-09"]
	if !l.Ready() || l.Code != "H0015" || !slices.Equal(l.Modifiers, []string{"HF"}) || l.Units != 1 || l.ChargeCents != 45000 ||
		l.AuthNumber != "AUTH-1" || l.RenderingID != "u1" {
		t.Errorf("Nov 9: %+v", l)
	}
	if l := byKey["day|c1|2026-11-10"]; l.Ready() || !strings.Contains(strings.Join(l.Held, " "), "Note not signed: group:process") {
		t.Errorf("Nov 10 held %q, want the unsigned note", l.Held)
	}
	if l := byKey["day|c1|2026-11-12"]; !strings.Contains(strings.Join(l.Held, " "), "Beyond authorization AUTH-1: all 3 days used") {
		t.Errorf("Nov 12 held %q, want beyond the authorization", l.Held)
	}
	// The individual session on the short day: H0004 per 15 minutes, 50 min = 3 units.
	// The payer requires an authorization and the per-diem one does not count sessions.
	l = byKey["appointment|s1"]
	if l.Code != "H0004" || l.Units != 3 || l.ChargeCents != 9000 || l.RenderingID != "u2" {
		t.Errorf("session s1: %+v", l)
	}
	if !strings.Contains(strings.Join(l.Held, " "), "No authorization for sessions covers this date") {
		t.Errorf("session s1 held %q, want no authorization", l.Held)
	}
	if _, ok := byKey["appointment|s3"]; ok {
		t.Error("a family session of a payer without a family code is not a claim line")
	}
	// An IOP day of a payer without a per-diem code is held, naming the missing code.
	noDay := acme
	noDay.Codes.PerDiem = ""
	if l := Lines(days[1:2], nil, files, map[string]Payer{"p1": noDay}, d("2026-11-09"), d("2026-11-09"), nil)[0]; !strings.Contains(strings.Join(l.Held, " "), "no code set for per-diem IOP days") {
		t.Errorf("IOP day without a code held %q", l.Held)
	}

	// No authorization needed, a billed line, no coverage, self-pay.
	open := acme
	open.RequiresAuth = false
	lines = Lines(days[:3], sessions[:1], map[string]ClientFile{"c1": file()}, map[string]Payer{"p1": open}, d("2026-11-09"), d("2026-11-15"),
		map[string]string{"day|c1|2026-11-09": "batch 1"})
	if lines[0].Ready() || lines[0].Batch != "batch 1" || !lines[2].Ready() {
		t.Errorf("billed line or session without authorization: %+v", lines)
	}
	f := file()
	f.Coverage = nil
	if l := Lines(days[1:2], nil, map[string]ClientFile{"c1": f}, payers, d("2026-11-09"), d("2026-11-09"), nil)[0]; !strings.Contains(l.Held[0], "No coverage") {
		t.Errorf("without coverage held %q", l.Held)
	}
	self := Payer{ID: "p1", Name: "Self-pay", Type: cost.SelfPay}
	if l := Lines(days[1:2], nil, map[string]ClientFile{"c1": file()}, map[string]Payer{"p1": self}, d("2026-11-09"), d("2026-11-09"), nil)[0]; !strings.Contains(l.Held[0], "Self-pay") {
		t.Errorf("self-pay held %q", l.Held)
	}
	// An authorization for another level is named as the reason.
	php := auth(10, "2026-11-01", "2026-11-30")
	php.Level = model.PartialHospitalization
	if l := Lines(days[1:2], nil, map[string]ClientFile{"c1": file(php)}, payers, d("2026-11-09"), d("2026-11-09"), nil)[0]; !strings.Contains(strings.Join(l.Held, " "), "covers Partial") {
		t.Errorf("wrong level held %q", l.Held)
	}
}

func TestGroupMakesClaimsPerAuthorizationWithPointers(t *testing.T) {
	mk := func(key, auth string, dx ...string) Line {
		return Line{Key: key, ClientID: "c1", Coverage: Coverage{ID: "cov1"}, AuthNumber: auth, Diagnoses: dx, ChargeCents: 100}
	}
	lines := []Line{mk("1", "A", "F10.20", "F32.1"), mk("2", "A", "F10.20"), mk("3", "B", "F11.20"), {Key: "4", ClientID: "c1", Held: []string{"x"}}}
	for i := 0; i < MaxClaimLines; i++ {
		lines = append(lines, mk("n", "B", "F11.20"))
	}
	claims := Group(lines)
	if len(claims) != 3 || len(claims[0].Lines) != 2 || len(claims[1].Lines) != MaxClaimLines || len(claims[2].Lines) != 1 {
		t.Fatalf("claims: %d (%d, ...)", len(claims), len(claims[0].Lines))
	}
	if claims[0].TotalCents() != 200 || !slices.Equal(claims[0].Diagnoses, []string{"F10.20", "F32.1"}) {
		t.Errorf("first claim %+v", claims[0])
	}
	if p := claims[0].Pointers(lines[1]); !slices.Equal(p, []int{1}) {
		t.Errorf("pointers %v", p)
	}
}

func TestPayerProblems(t *testing.T) {
	if p := acme.Problems(); len(p) != 0 {
		t.Fatalf("demo payer refused: %v", p)
	}
	bad := acme
	bad.Codes.PerDiem, bad.Codes.Family, bad.Codes.PerDiemModifiers, bad.Codes.RevenueCode = "H15", "90847", []string{"H"}, "906"
	p := bad.Problems()
	for _, f := range []string{"per_diem", "family_charge", "per_diem_modifiers", "revenue_code"} {
		if p[f] == "" {
			t.Errorf("want a problem on %s: %v", f, p)
		}
	}
}

var demoProfile = Profile{Name: "Harbor Recovery IOP", NPI: "1234567893", TaxID: "361234567", Address: "2150 W Ogden Avenue", City: "Chicago",
	State: "IL", ZIP: "606121234", SubmitterID: "HARBOR01", ContactName: "Billing Office", ContactPhone: "(312) 555-0100",
	ReceiverName: "Clearinghouse", ReceiverID: "CLEARHOUSE"}

func TestEDIWritesClaimsAnIndependentParserReads(t *testing.T) {
	if p := demoProfile.Problems(); len(p) != 0 {
		t.Fatalf("profile refused: %v", p)
	}
	bad := demoProfile
	bad.NPI, bad.ZIP, bad.TaxID = "1234567890", "60612", "36-1234567"
	if p := bad.Problems(); p["npi"] == "" || p["zip"] == "" || p["tax_id"] == "" {
		t.Errorf("bad profile: %v", p)
	}
	files := map[string]ClientFile{"c1": file(auth(10, "2026-11-01", "2026-11-30"))}
	dep := file()
	dep.Coverage[0].Relationship, dep.Coverage[0].Subscriber, dep.Coverage[0].SubscriberBirth = Spouse, "Luis Diaz", d("1980-02-03")
	files["c2"] = dep
	open := acme
	open.RequiresAuth, open.ElectronicID = false, "ACME1"
	days := []intensity.Day{day("2026-11-09", 190), day("2026-11-10", 185)}
	d2 := day("2026-11-09", 200)
	d2.ClientID, d2.Name = "c2", "Rosa Diaz"
	days = append(days, d2)
	lines := Lines(days, nil, files, map[string]Payer{"p1": open}, d("2026-11-01"), d("2026-11-30"), nil)
	claims := Group(lines)
	if len(claims) != 2 {
		t.Fatalf("claims %d, want 2", len(claims))
	}
	people := map[string]Person{
		"c1": {First: "Ana", Last: "Diaz", Birth: d("1990-05-06"), Sex: "female", Address: "12 W Elm St, Apt 2, Chicago, IL 60610"},
		"c2": {First: "Rosa", Last: "Diaz", Birth: d("1982-07-08"), Sex: "female", Address: "40 N Oak Ave\nChicago, IL 60612-1234"},
	}
	edi, err := EDI(demoProfile, 42, time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), claims, people, map[string]Rendering{"u1": {First: "Maya", Last: "Chen", NPI: "1245319599"}})
	if err != nil {
		t.Fatal(err)
	}
	segs := x12test.Parse(t, edi)
	var clm, sv1, ref, nm1 []x12test.Segment
	for _, s := range segs {
		switch s.ID {
		case "CLM":
			clm = append(clm, s)
		case "SV1":
			sv1 = append(sv1, s)
		case "REF":
			ref = append(ref, s)
		case "NM1":
			nm1 = append(nm1, s)
		}
	}
	if len(clm) != 2 || clm[0].E(1) != "42-1" || clm[0].E(2) != "900" || clm[1].E(2) != "450" {
		t.Errorf("CLM segments %v", clm)
	}
	if len(sv1) != 3 || sv1[0].C(1, 2) != "H0015" || sv1[0].C(1, 3) != "HF" || sv1[0].E(4) != "1" || sv1[0].E(2) != "450" {
		t.Errorf("SV1 segments %v", sv1)
	}
	var auths, patients, rendering int
	for _, s := range ref {
		if s.E(1) == "G1" && s.E(2) == "AUTH-1" {
			auths++
		}
	}
	for _, s := range nm1 {
		switch s.E(1) {
		case "QC":
			patients++
		case "82":
			rendering++
		}
	}
	if auths != 1 || patients != 1 || rendering != 2 {
		t.Errorf("REF*G1 %d (want 1), patient loops %d (want 1: the spouse's plan), rendering %d (want 2)", auths, patients, rendering)
	}
	// An address the claim cannot carry stops the file, naming the client.
	people["c2"] = Person{First: "Rosa", Last: "Diaz", Address: "somewhere in Chicago"}
	if _, err := EDI(demoProfile, 43, time.Now(), claims, people, nil); err == nil || !strings.Contains(err.Error(), "Rosa Diaz") {
		t.Errorf("bad address: %v", err)
	}
}

func TestParseAddress(t *testing.T) {
	for in, want := range map[string]string{
		"4417 S Halsted St, Chicago, IL 60609":              "4417 S Halsted St||Chicago|IL|60609",
		"2150 W Ogden Avenue, Suite 300\nChicago, IL 60612": "2150 W Ogden Avenue|Suite 300|Chicago|IL|60612",
		"9 Pine Rd, Evanston, il 60201-4321":                "9 Pine Rd||Evanston|IL|602014321",
	} {
		a, ok := ParseAddress(in)
		if got := strings.Join([]string{a.Line1, a.Line2, a.City, a.State, a.ZIP}, "|"); !ok || got != want {
			t.Errorf("ParseAddress(%q) = %q, want %q", in, got, want)
		}
	}
	if _, ok := ParseAddress("Chicago"); ok {
		t.Error("a city alone is not an address")
	}
}

func TestDecisionProblems(t *testing.T) {
	today := d("2026-11-23")
	ok := Decision{PayerID: "p1", Outcome: Approved, Requested: 12, DecidedOn: today,
		Auth: Authorization{ClientID: "c1", Number: "A-2", Level: model.IntensiveOutpatient, Unit: PerDiem, Units: 12, From: today, To: today.AddDays(27)}}
	if p := ok.Problems(today); len(p) != 0 {
		t.Fatalf("approval refused: %v", p)
	}
	cases := map[string]func(*Decision){
		"units":       func(x *Decision) { x.Outcome, x.Reason = Partial, "Step down expected" }, // 12 of 12 is not partial
		"reason":      func(x *Decision) { x.Outcome = Denied },
		"next_review": func(x *Decision) { x.Outcome = PeerToPeer },
		"to":          func(x *Decision) { x.Auth.To = today.AddDays(-1) },
		"decided_on":  func(x *Decision) { x.DecidedOn = today.AddDays(1) },
		"outcome":     func(x *Decision) { x.Outcome = "maybe" },
	}
	for field, change := range cases {
		x := ok
		change(&x)
		if p := x.Problems(today); p[field] == "" {
			t.Errorf("%s: want a problem on %s, got %v", field, field, p)
		}
	}
	denied := Decision{PayerID: "p1", Outcome: Denied, Reason: "Does not meet medical necessity for IOP", DecidedOn: today}
	if p := denied.Problems(today); len(p) != 0 {
		t.Errorf("a denial with its reason needs no authorization: %v", p)
	}
}

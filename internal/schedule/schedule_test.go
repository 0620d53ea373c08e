package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
)

var chicago, _ = time.LoadLocation("America/Chicago")

func d(y int, m time.Month, day int) model.Date { return model.Date{Year: y, Month: m, Day: day} }

func TestParseRRule(t *testing.T) {
	r, err := schedule.ParseRRule("RRULE:FREQ=WEEKLY;BYDAY=TH,MO,WE;UNTIL=20270301T000000Z", d(2026, 11, 2))
	if err != nil || len(r.Days) != 3 || r.Days[0] != time.Monday || r.Until != d(2027, 3, 1) {
		t.Fatalf("%+v %v", r, err)
	}
	if got := r.RRule(); got != "FREQ=WEEKLY;BYDAY=MO,WE,TH;UNTIL=20270301" {
		t.Errorf("RRule = %s", got)
	}
	for rule, want := range map[string]string{
		"FREQ=DAILY;BYDAY=MO":                         "only weekly",
		"FREQ=WEEKLY":                                 "BYDAY",
		"FREQ=WEEKLY;BYDAY=XX":                        "not a day",
		"FREQ=WEEKLY;BYDAY=MO;COUNT=0":                "COUNT",
		"FREQ=WEEKLY;BYDAY=MO;UNTIL=tomorrow":         "UNTIL",
		"FREQ=WEEKLY;BYDAY=MO;COUNT=3;UNTIL=20270101": "not both",
		"FREQ=WEEKLY;BYDAY=MO;INTERVAL=2":             "INTERVAL",
		"FREQ=WEEKLY;BYDAY=MO;BYHOUR=9":               "not supported",
		"FREQ=WEEKLY;FREQ=WEEKLY;BYDAY=MO":            "twice",
		"":                                            "empty",
	} {
		if _, err := schedule.ParseRRule(rule, d(2026, 11, 2)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error about %q", rule, err, want)
		}
	}
}

func TestRecurrenceDates(t *testing.T) {
	r := schedule.Recurrence{Days: []time.Weekday{time.Monday, time.Thursday}, From: d(2026, 11, 2), Count: 5}
	got := r.Dates(d(2026, 11, 1), d(2026, 12, 31))
	want := []model.Date{d(2026, 11, 2), d(2026, 11, 5), d(2026, 11, 9), d(2026, 11, 12), d(2026, 11, 16)}
	if len(got) != len(want) {
		t.Fatalf("COUNT=5 gave %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("COUNT=5 gave %v, want %v", got, want)
		}
	}
	if r.Last() != d(2026, 11, 16) {
		t.Errorf("Last = %v", r.Last())
	}
	// The count is from the first date, whatever window is asked for.
	if got := r.Dates(d(2026, 11, 10), d(2026, 12, 31)); len(got) != 2 {
		t.Errorf("a later window gave %v, want the last 2", got)
	}
	u := schedule.Recurrence{Days: []time.Weekday{time.Wednesday}, From: d(2026, 11, 2), Until: d(2026, 11, 18)}
	if got := u.Dates(d(2026, 11, 1), d(2026, 12, 31)); len(got) != 3 || got[2] != d(2026, 11, 18) {
		t.Errorf("UNTIL is inclusive: %v", got)
	}
}

func evening() schedule.Series {
	return schedule.Series{ID: "s1", Title: "Relapse prevention", Type: "relapse_prevention", Start: 18 * 60, Minutes: 180,
		Recurrence: schedule.Recurrence{Days: []time.Weekday{time.Monday}, From: d(2026, 10, 26)}, FacilitatorID: "u1",
		Room: "Group Room A", MaxCapacity: 12}
}

func TestOccurrencesApplyExceptionsClosuresAndDaylightSaving(t *testing.T) {
	s := evening()
	occ := s.Occurrences(d(2026, 10, 26), d(2026, 11, 30), chicago,
		[]schedule.Exception{{SeriesID: "s1", Date: d(2026, 11, 9), Cancelled: true, Reason: "Facilitator ill"},
			{SeriesID: "s1", Date: d(2026, 11, 16), NewDate: d(2026, 11, 17), NewStart: 17 * 60, Reason: "Room repairs"}},
		[]schedule.Closure{{Date: d(2026, 11, 23), Reason: "Staff training day"}})
	if len(occ) != 6 {
		t.Fatalf("%d occurrences, want 6 (Oct 26 to Nov 30)", len(occ))
	}
	// 6 pm Chicago is 23:00 UTC in daylight time and 00:00 UTC after 1 Nov.
	if occ[0].Start.UTC().Hour() != 23 || occ[1].Start.UTC().Hour() != 0 {
		t.Errorf("daylight saving: %v, %v", occ[0].Start.UTC(), occ[1].Start.UTC())
	}
	if !occ[2].Cancelled || occ[2].Reason != "Facilitator ill" {
		t.Errorf("Nov 9 should be cancelled: %+v", occ[2])
	}
	if !occ[3].Moved || model.DateOf(occ[3].Start) != d(2026, 11, 17) || occ[3].Start.Hour() != 17 || occ[3].Date != d(2026, 11, 16) {
		t.Errorf("Nov 16 should move to Nov 17 at 5 pm, keeping its identity: %+v", occ[3])
	}
	if !occ[4].Cancelled || occ[4].Closed != "Staff training day" {
		t.Errorf("Nov 23 is a closure: %+v", occ[4])
	}
	if got := occ[5].End.Sub(occ[5].Start); got != 3*time.Hour {
		t.Errorf("duration %v", got)
	}
}

func TestSeriesProblemsAndOverlap(t *testing.T) {
	s := evening()
	if p := s.Problems(); len(p) != 0 {
		t.Fatalf("valid series: %v", p)
	}
	cases := map[string]func(*schedule.Series){
		"title":             func(s *schedule.Series) { s.Title = "" },
		"type":              func(s *schedule.Series) { s.Type = "karaoke" },
		"days":              func(s *schedule.Series) { s.Recurrence.Days = nil },
		"until":             func(s *schedule.Series) { s.Recurrence.Until = d(2026, 1, 1) },
		"minutes":           func(s *schedule.Series) { s.Start, s.Minutes = 23*60, 120 },
		"facilitator_id":    func(s *schedule.Series) { s.FacilitatorID = "" },
		"co_facilitator_id": func(s *schedule.Series) { s.CoFacilitatorID = "u1" },
		"room":              func(s *schedule.Series) { s.Room = "" },
		"telehealth_url":    func(s *schedule.Series) { s.TelehealthURL = "http://insecure.example" },
		"max_capacity":      func(s *schedule.Series) { s.MaxCapacity = 0 },
		"min_capacity":      func(s *schedule.Series) { s.MinCapacity = 20 },
	}
	for key, edit := range cases {
		x := evening()
		edit(&x)
		if x.Problems()[key] == "" {
			t.Errorf("%s: no problem reported (%v)", key, x.Problems())
		}
	}
	b := evening()
	b.Start, b.Minutes = 20*60, 60
	if !schedule.Overlap(s, b) {
		t.Error("Mondays 6-9 pm and 8-9 pm overlap")
	}
	b.Start = 21 * 60
	if schedule.Overlap(s, b) {
		t.Error("6-9 pm and 9-10 pm do not overlap")
	}
	b = evening()
	b.Recurrence.Days = []time.Weekday{time.Tuesday}
	if schedule.Overlap(s, b) {
		t.Error("Monday and Tuesday groups do not overlap")
	}
	b = evening()
	s.Recurrence.Until = d(2026, 11, 30)
	b.Recurrence.From = d(2026, 12, 7)
	if schedule.Overlap(s, b) {
		t.Error("a series that starts after the other ends does not overlap it")
	}
}

func TestCheckNamesEachConflict(t *testing.T) {
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, chicago) // a Tuesday
	a := schedule.Appointment{Kind: "individual", ClinicianID: "u1", Start: start, End: start.Add(time.Hour), Room: "Office 2"}
	if p := a.Problems(start.Add(-time.Hour)); len(p) != 0 {
		t.Fatalf("valid appointment: %v", p)
	}
	block := []schedule.Block{{Start: start.Add(30 * time.Minute), End: start.Add(90 * time.Minute), What: "Individual counseling 10:30 am-11:30 am"}}
	av := schedule.Availability{Busy: []schedule.Busy{{Day: time.Tuesday, From: 8 * 60, To: 17 * 60, Label: "Work"}}}
	cs := schedule.Check(a, chicago, block, block, nil, nil, av)
	if !cs.Hard() || len(cs) != 3 {
		t.Fatalf("conflicts %+v", cs)
	}
	all := strings.Join(cs.Messages(), " | ")
	for _, want := range []string{"The clinician is already booked", "Room Office 2 is already booked", "work hours (Tue 8:00 am-5:00 pm)"} {
		if !strings.Contains(all, want) {
			t.Errorf("messages %q lack %q", all, want)
		}
	}
	// Back to back is not a conflict; availability alone is soft.
	a.Start, a.End = start.Add(90*time.Minute), start.Add(150*time.Minute)
	if cs := schedule.Check(a, chicago, block, block, block, nil, av); cs.Hard() || len(cs) != 1 || cs[0].Kind != schedule.Unavailable {
		t.Errorf("back to back, during work hours: %+v", cs)
	}
	a.Start, a.End = time.Date(2026, 11, 24, 18, 0, 0, 0, chicago), time.Date(2026, 11, 24, 19, 0, 0, 0, chicago)
	if cs := schedule.Check(a, chicago, nil, nil, nil, []schedule.Closure{{Date: d(2026, 11, 24), Reason: "Snow"}}, av); !cs.Hard() || cs[0].Kind != schedule.ClosedDay {
		t.Errorf("a closure day: %+v", cs)
	}
	av.Blackouts = []schedule.Blackout{{Date: d(2026, 11, 24), Reason: "court date"}}
	if why := av.Clashes(a.Start, a.End, chicago); !strings.Contains(why, "court date") {
		t.Errorf("blackout: %q", why)
	}
}

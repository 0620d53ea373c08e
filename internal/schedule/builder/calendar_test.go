package builder

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
)

func TestParseWeek(t *testing.T) {
	for in, want := range map[string]model.Date{"2026-W49": {Year: 2026, Month: 11, Day: 30}, "2026-W01": {Year: 2025, Month: 12, Day: 29}, "2027-w1": {Year: 2027, Month: 1, Day: 4}} {
		if got, err := ParseWeek(in); err != nil || got != want {
			t.Errorf("ParseWeek(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2026-49", "2026-W54", "2025-W53", "W49"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
	if WeekOf(model.Date{Year: 2026, Month: 12, Day: 3}) != "2026-W49" {
		t.Error(WeekOf(model.Date{Year: 2026, Month: 12, Day: 3}))
	}
}

func TestFromCalendarAndDiff(t *testing.T) {
	monday := model.Date{Year: 2026, Month: 11, Day: 30}
	from := monday.AddDays(-21)
	series := func(id, track string, typ schedule.GroupType, day time.Weekday, start int) schedule.Series {
		return schedule.Series{ID: id, TrackID: track, Title: id, Type: typ, Start: model.ClockTime(start * 60), Minutes: 180, MaxCapacity: 2, OpenCohort: true,
			Recurrence: schedule.Recurrence{Days: []time.Weekday{day}, From: from}, FacilitatorID: "f-" + id, Room: "r-" + id}
	}
	cal := Calendar{Site: "site", Week: monday, Location: time.UTC,
		Programs: map[string]model.Program{"adult": {ID: "adult", Population: model.Adults, MinWeeklyMinutes: 540}},
		Tracks:   map[string]model.Track{"am": {ID: "am", ProgramID: "adult"}, "pm": {ID: "pm", ProgramID: "adult"}},
		Series: []schedule.Series{
			series("am-process", "am", "process", time.Monday, 9), series("am-skills", "am", "skills", time.Wednesday, 9), series("am-rp", "am", "relapse_prevention", time.Thursday, 9),
			series("pm-process", "pm", "process", time.Monday, 18), series("pm-skills", "pm", "skills", time.Wednesday, 18), series("pm-rp", "pm", "relapse_prevention", time.Thursday, 18),
		},
		Closures: []schedule.Closure{},
		Clients: []CalendarClient{
			{ID: "stays", ProgramID: "adult", TrackID: "am", Enrolled: []string{"am-process", "am-skills", "am-rp"}},
			// took a day job: busy 8-17 on weekdays, so the morning track no longer fits
			{ID: "day-job", ProgramID: "adult", TrackID: "am", Enrolled: []string{"am-process", "am-skills", "am-rp"},
				Availability: schedule.Availability{Busy: []schedule.Busy{{Day: time.Monday, From: 8 * 60, To: 17 * 60}, {Day: time.Wednesday, From: 8 * 60, To: 17 * 60}, {Day: time.Thursday, From: 8 * 60, To: 17 * 60}}}},
		},
	}
	in := FromCalendar(cal)
	if len(in.Groups) != 6 || !in.Groups[0].Process || in.Groups[0].Meetings[0] != (Span{Day: 0, Start: 540, End: 720}) || in.Week != "2026-W49" {
		t.Fatalf("groups %+v", in.Groups)
	}
	if got := in.Clients[1].Available[1]; got != (Span{Day: 0, Start: 17 * 60, End: 22 * 60}) {
		t.Errorf("availability %v", in.Clients[1].Available)
	}
	r, err := Solve(context.Background(), in, Options{Seed: 1})
	if err != nil || r.Objective.Met != 2 {
		t.Fatalf("%+v %v", r, err)
	}
	moves := Diff(in, r)
	want := []Move{{Client: "day-job", Site: "site", Join: []string{"pm-process", "pm-rp", "pm-skills"}, Leave: []string{"am-process", "am-rp", "am-skills"},
		Why: map[string]string{"am-process": "it meets (Mon 9:00 am-12:00 pm) outside their availability", "am-skills": "it meets (Wed 9:00 am-12:00 pm) outside their availability",
			"am-rp": "it meets (Thu 9:00 am-12:00 pm) outside their availability"}}}
	if !reflect.DeepEqual(moves, want) {
		t.Errorf("diff %+v", moves)
	}
	// a blackout on the Monday takes the whole day out
	cal.Clients[0].Availability.Blackouts = []schedule.Blackout{{Date: monday, Reason: "court"}}
	if av := FromCalendar(cal).Clients[0].Available; av[0].Day != 1 {
		t.Errorf("blackout: %v", av)
	}
}

// TestFromCalendarPlansSessions: a counselor's counseling hours become
// one-hour slots, less closed days, their appointments and the groups they
// facilitate; a client's sessions are the program's less those booked.
func TestFromCalendarPlansSessions(t *testing.T) {
	monday := model.Date{Year: 2026, Month: 11, Day: 30}
	loc, _ := time.LoadLocation("America/Chicago")
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 11, 30+day, hour, minute, 0, 0, loc) }
	process := schedule.Series{ID: "pm-process", TrackID: "pm", Title: "Evening process", Type: "process", Start: 18 * 60, Minutes: 180, MaxCapacity: 8, OpenCohort: true,
		Recurrence: schedule.Recurrence{Days: []time.Weekday{time.Monday, time.Wednesday, time.Thursday}, From: monday.AddDays(-21)}, FacilitatorID: "dana", Room: "B"}
	cal := Calendar{Site: "site", Week: monday, Location: loc,
		Programs: map[string]model.Program{"adult": {ID: "adult", Population: model.Adults, MinWeeklyMinutes: 540, Accountability: model.Accountability{IndividualSessions: 1}}},
		Tracks:   map[string]model.Track{"pm": {ID: "pm", ProgramID: "adult"}},
		Series:   []schedule.Series{process},
		Closures: []schedule.Closure{{Date: monday.AddDays(1), Reason: "staff training"}},
		Counselors: []CalendarCounselor{{ID: "dana", Name: "Dana Reyes", Caseload: 10,
			Hours: []schedule.CounselingWindow{
				{SiteID: "site", Day: time.Monday, From: 9 * 60, To: 12*60 + 30, Room: "Office 1"},
				{SiteID: "site", Day: time.Monday, From: 17 * 60, To: 19 * 60, Room: "Office 1"},
				{SiteID: "site", Day: time.Tuesday, From: 9 * 60, To: 12 * 60, Room: "Office 1"},
				{SiteID: "site", Day: time.Friday, From: 13 * 60, To: 15 * 60, Room: "Office 1"},
			},
			Busy: []schedule.Block{{Start: at(0, 10, 0), End: at(0, 10, 30), What: "an appointment"}, {Start: at(4, 14, 0), End: at(4, 15, 0), What: "an appointment"}},
		}},
		Clients: []CalendarClient{
			{ID: "ana", Name: "Ana Ruiz", ProgramID: "adult", TrackID: "pm", CounselorID: "dana", Enrolled: []string{"pm-process"},
				Appointments: []schedule.Block{{Start: at(0, 9, 0), End: at(0, 10, 30), What: "a medication appointment"}}},
			{ID: "bo", Name: "Bo Lee", ProgramID: "adult", TrackID: "pm", CounselorID: "dana", Enrolled: []string{"pm-process"}, Booked: 1},
			{ID: "cy", Name: "Cy Park", ProgramID: "adult", TrackID: "pm", CounselorID: "sam", CounselorName: "Sam Okafor", Enrolled: []string{"pm-process"}},
		},
	}
	in := FromCalendar(cal)
	if len(in.Counselors) != 2 || in.Counselors[1].ID != "sam" || len(in.Counselors[1].Slots) != 0 || in.Counselors[0].Caseload != 10 {
		t.Fatalf("counselors %+v", in.Counselors)
	}
	// Mon 9-12:30 less 10:00-10:30 gives 9-10, 10:30-11:30 and 11:30-12:30; Mon 17-19 less
	// the group from 18:00 gives 17-18; Tuesday is closed; Fri 13-15 less 14-15.
	want := []Span{{0, 540, 600}, {0, 630, 690}, {0, 690, 750}, {0, 1020, 1080}, {4, 780, 840}}
	if !reflect.DeepEqual(in.Counselors[0].Slots, want) {
		t.Errorf("slots %v, want %v", in.Counselors[0].Slots, want)
	}
	// Built on Monday at 11:00, the week plans no session in its past.
	cal.NotBefore = at(0, 11, 0)
	if got, late := FromCalendar(cal).Counselors[0].Slots, []Span{{0, 660, 720}, {0, 1020, 1080}, {4, 780, 840}}; !reflect.DeepEqual(got, late) {
		t.Errorf("slots from Monday 11:00: %v, want %v", got, late)
	}
	cal.NotBefore = time.Time{}
	if c := in.Clients; c[0].Sessions != 1 || c[1].Sessions != 0 || c[0].Counselor != "dana" || c[2].Counselor != "sam" {
		t.Errorf("clients %+v", c)
	}
	// Ana's appointment takes Monday 9:00-10:30 out of her time.
	if av := in.Clients[0].Available; av[0] != (Span{0, 7 * 60, 9 * 60}) || av[1] != (Span{0, 630, 22 * 60}) {
		t.Errorf("Ana's availability %v", av)
	}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := Solve(context.Background(), in, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Assignments[0].Sessions; len(got) != 1 || got[0].Counselor != "dana" {
		t.Errorf("Ana's sessions %+v", got)
	}
	moves := Diff(in, r)
	if len(moves) != 1 || moves[0].Client != "ana" || len(moves[0].Sessions) != 1 || moves[0].Site != "site" {
		t.Fatalf("moves %+v", moves)
	}
	b := moves[0].Sessions[0]
	if b.Date != monday.AddDays(int(b.Span.Day)) || !slices.Contains(want, b.Span) || b.Span == want[0] {
		t.Errorf("booking %+v", b)
	}
	// Cy's counselor has no counseling hours: short, and the reason names them.
	if len(r.Short) != 1 || r.Short[0].Client != "cy" || !slices.Contains(r.Short[0].Reasons, "their counselor Sam Okafor has no individual slot within their availability") {
		t.Errorf("short %+v", r.Short)
	}
	// The fingerprint covers the sessions.
	other := slices.Clone(moves)
	other[0].Sessions = []Booking{{Counselor: "dana", Date: monday.AddDays(4), Span: Span{4, 780, 840}}}
	if b.Span == other[0].Sessions[0].Span || Fingerprint(moves) == Fingerprint(other) {
		t.Errorf("the fingerprint does not tell the sessions apart")
	}
}

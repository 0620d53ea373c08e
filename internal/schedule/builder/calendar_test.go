package builder

import (
	"context"
	"reflect"
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
	want := []Move{{Client: "day-job", Join: []string{"pm-process", "pm-rp", "pm-skills"}, Leave: []string{"am-process", "am-rp", "am-skills"},
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

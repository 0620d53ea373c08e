package curriculum

import (
	"testing"

	"github.com/openiop/openiop/internal/model"
)

func TestPlannedTopicGoesRoundTheListByWeek(t *testing.T) {
	topics := []Topic{{Title: "Triggers"}, {Title: "Coping with cravings"}, {Title: "Sleep"}}
	start := model.Date{Year: 2026, Month: 11, Day: 4} // a Wednesday
	for date, want := range map[model.Date]string{
		{Year: 2026, Month: 11, Day: 4}:  "Triggers",             // the first meeting
		{Year: 2026, Month: 11, Day: 8}:  "Triggers",             // same week (Sunday)
		{Year: 2026, Month: 11, Day: 9}:  "Coping with cravings", // next Monday
		{Year: 2026, Month: 11, Day: 18}: "Sleep",
		{Year: 2026, Month: 11, Day: 23}: "Triggers", // round again
	} {
		if got, ok := Planned(topics, start, date); !ok || got.Title != want {
			t.Errorf("Planned on %s = %q, want %q", date, got.Title, want)
		}
	}
	if _, ok := Planned(topics, start, model.Date{Year: 2026, Month: 11, Day: 3}); ok {
		t.Error("a date before the group began has no planned topic")
	}
	if _, ok := Planned(nil, start, start); ok {
		t.Error("an empty curriculum plans nothing")
	}
	if p := (Topic{Title: "ok"}).Problems(); p["title"] == "" {
		t.Error("a two-letter title is refused")
	}
}

func TestProgressOfTellsAttendedMissedAndAhead(t *testing.T) {
	topics := []Topic{{Title: "Triggers"}, {Title: "Coping with cravings"}, {Title: "Sleep"}, {Title: "Family roles"}}
	d := func(day int) model.Date { return model.Date{Year: 2026, Month: 11, Day: day} }
	got := ProgressOf(topics, []Meeting{
		{Date: d(2), Planned: "Triggers", Attended: true},
		{Date: d(9), Planned: "Coping with cravings", Attended: false},                       // missed ...
		{Date: d(16), Planned: "Sleep", Documented: "coping with cravings ", Attended: true}, // ... and caught up: the note says so
		{Date: d(23), Planned: "Sleep", Attended: false},                                     // planned again, missed again
		{Date: d(24), Planned: "Triggers", Attended: false},                                  // missed later, attended before: still attended
	})
	want := []struct {
		status string
		date   model.Date
	}{{"attended", d(2)}, {"attended", d(16)}, {"missed", d(23)}, {"ahead", model.Date{}}}
	for i, w := range want {
		if got[i].Status != w.status || got[i].Date != w.date {
			t.Errorf("%s: %s %s, want %s %s", topics[i].Title, got[i].Status, got[i].Date, w.status, w.date)
		}
	}
	if p := ProgressOf(nil, []Meeting{{Date: d(2), Planned: "Triggers", Attended: true}}); len(p) != 0 {
		t.Errorf("no curriculum, no progress: %+v", p)
	}
}

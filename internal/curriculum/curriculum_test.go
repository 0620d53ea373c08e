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

package intensity_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

func TestCountMinutes(t *testing.T) {
	for _, c := range []struct {
		m    intensity.Mark
		want int
		err  string
	}{
		{intensity.Mark{Status: intensity.Present, Late: 30}, 180, ""},
		{intensity.Mark{Status: intensity.Late, Late: 20}, 160, ""},
		{intensity.Mark{Status: intensity.LeftEarly, LeftEarly: 45}, 135, ""},
		{intensity.Mark{Status: intensity.Late, Late: 0}, 0, "minutes late, from 1 to 179"},
		{intensity.Mark{Status: intensity.Late, Late: 180}, 0, "minutes late"},
		{intensity.Mark{Status: intensity.LeftEarly, LeftEarly: 200}, 0, "minutes left early"},
		{intensity.Mark{Status: intensity.AbsentUnexcused, Late: 5, Telehealth: true}, 0, ""},
		{intensity.Mark{Status: "asleep"}, 0, "choose present"},
	} {
		m := c.m
		err := m.Count(180)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: %v, want an error about %q", c.m, err, c.err)
			}
			continue
		}
		if err != nil || m.Minutes != c.want {
			t.Errorf("%+v: %d minutes, %v; want %d", c.m, m.Minutes, err, c.want)
		}
	}
}

func mark(s intensity.Status, minutes int, day int) *intensity.Mark {
	return &intensity.Mark{Status: s, Minutes: minutes, Date: model.Date{Year: 2026, Month: 11, Day: day}}
}

func TestWeekAgainstTheMinimum(t *testing.T) {
	mon := model.Date{Year: 2026, Month: 11, Day: 23}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }
	now := at(25, 12) // Wednesday noon
	// Three 3-hour sessions: Monday attended, Wednesday missed, Thursday to come.
	w := intensity.WeekOf(mon, 540, []intensity.Meeting{
		{Start: at(23, 9), Minutes: 180, Mark: mark(intensity.Present, 180, 23)},
		{Start: at(25, 9), Minutes: 180, Mark: mark(intensity.AbsentUnexcused, 0, 25)},
		{Start: at(26, 9), Minutes: 180},
	}, now)
	if w.Scheduled != 540 || w.Attended != 180 || w.Possible != 180 || w.Unmarked != 0 || w.Meets() || w.CanMeet() || w.Shortfall() != 180 {
		t.Fatalf("week %+v: meets %v can %v shortfall %d", w, w.Meets(), w.CanMeet(), w.Shortfall())
	}
	// A session the program cancels counts for neither side.
	w = intensity.WeekOf(mon, 540, []intensity.Meeting{
		{Start: at(23, 9), Minutes: 180, Mark: mark(intensity.Present, 180, 23)},
		{Start: at(25, 9), Minutes: 180, Mark: mark(intensity.Cancelled, 0, 25)},
		{Start: at(26, 9), Minutes: 180},
	}, now)
	if w.Scheduled != 360 || w.Possible != 180 || w.Shortfall() != 180 {
		t.Fatalf("week with a cancellation %+v", w)
	}
	// A meeting held but not yet marked is neither attended nor still to
	// come; it is not counted as missed either, so no shortfall is projected.
	w = intensity.WeekOf(mon, 540, []intensity.Meeting{
		{Start: at(23, 9), Minutes: 180, Mark: mark(intensity.Present, 180, 23)},
		{Start: at(25, 9), Minutes: 180},
		{Start: at(26, 9), Minutes: 180},
	}, now)
	if w.Unmarked != 180 || w.Possible != 180 || !w.CanMeet() || w.Shortfall() != 0 {
		t.Fatalf("week with an unmarked meeting %+v", w)
	}
	if intensity.Monday(model.Date{Year: 2026, Month: 11, Day: 29}) != mon || intensity.Monday(mon) != mon {
		t.Error("Monday of a Sunday, or of a Monday")
	}
}

func TestAlerts(t *testing.T) {
	today := model.Date{Year: 2026, Month: 11, Day: 26}
	short := intensity.Week{From: model.Date{Year: 2026, Month: 11, Day: 23}, Minimum: 540, Attended: 180, Possible: 180}
	marks := []intensity.Mark{*mark(intensity.Present, 180, 16), *mark(intensity.AbsentUnexcused, 0, 23), *mark(intensity.AbsentUnexcused, 0, 25)}
	got := intensity.Alerts("c1", short, marks, 2, 7, today)
	kinds := map[string]string{}
	for _, a := range got {
		kinds[a.Kind] = a.Message
	}
	if !strings.Contains(kinds["shortfall"], "3 hours short") || !strings.Contains(kinds["absences"], "2 unexcused absences in a row, the latest on Wed Nov 25") ||
		!strings.Contains(kinds["no_attendance"], "since Mon Nov 16 (10 days)") {
		t.Fatalf("alerts %+v", got)
	}
	// An excused absence breaks the run; a week that can still be met is fine.
	marks[1].Status = intensity.AbsentExcused
	ok := intensity.Week{Minimum: 540, Attended: 360, Possible: 180}
	if got := intensity.Alerts("c1", ok, marks, 2, 14, today); len(got) != 0 {
		t.Fatalf("no alerts expected, got %+v", got)
	}
}

func TestBillableDays(t *testing.T) {
	d1, d2 := model.Date{Year: 2026, Month: 11, Day: 23}, model.Date{Year: 2026, Month: 11, Day: 24}
	days := intensity.Days([]intensity.Service{
		{ClientID: "a", Date: d1, Minutes: 120, What: "group:process", Documented: true},
		{ClientID: "a", Date: d1, Minutes: 60, What: "appointment:individual"},
		{ClientID: "a", Date: d2, Minutes: 150, What: "group:skills"},
		{ClientID: "b", Date: d1, Minutes: 180, What: "group:process"},
		{ClientID: "c", Date: d1, Minutes: 150, What: "group:process"},
	}, func(id string, d model.Date) int { return map[string]int{"c": 120}[id] })
	if len(days) != 4 {
		t.Fatalf("%d days, want 4", len(days))
	}
	if !days[0].Billable || days[0].Minutes != 180 || len(days[0].Services) != 2 || len(days[0].Undocumented) != 1 ||
		days[0].Undocumented[0] != "appointment:individual" {
		t.Errorf("a on the 23rd: %+v (2 hours of group and 1 of counseling meets 3 hours)", days[0])
	}
	if days[1].Billable {
		t.Errorf("a on the 24th: %+v (2.5 hours is under the rule)", days[1])
	}
	if !days[2].Billable || days[2].Rule != 180 {
		t.Errorf("b on the 23rd: %+v (exactly 3 hours meets the default rule)", days[2])
	}
	if !days[3].Billable || days[3].Rule != 120 {
		t.Errorf("c on the 23rd: %+v (2.5 hours meets c's program rule of 2 hours)", days[3])
	}
}

func TestOnlyAnnouncedAbsencesAndCancellationsAreRecordedAhead(t *testing.T) {
	marks := []intensity.Mark{{ClientID: "a", Status: intensity.Present}, {ClientID: "b", Status: intensity.AbsentExcused},
		{ClientID: "c", Status: intensity.Cancelled}, {ClientID: "d", Status: intensity.AbsentUnexcused}, {ClientID: "e", Status: intensity.Late}}
	p := intensity.NotYetProblems(marks)
	if len(p) != 3 || p["a"] == "" || p["d"] == "" || p["e"] == "" {
		t.Fatalf("problems ahead of the meeting: %v; want a, d and e", p)
	}
}

func TestCheckInSuggestsPresentOrLate(t *testing.T) {
	start := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at     time.Duration
		status intensity.Status
		late   int
	}{{-20 * time.Minute, intensity.Present, 0}, {5 * time.Minute, intensity.Present, 0}, {6*time.Minute + 30*time.Second, intensity.Late, 6},
		{40 * time.Minute, intensity.Late, 40}, {200 * time.Minute, intensity.Late, 179}} {
		m := intensity.CheckIn{At: start.Add(c.at)}.Suggest(start, 180)
		if m.Status != c.status || m.Late != c.late {
			t.Errorf("checked in at %v: %s %d, want %s %d", c.at, m.Status, m.Late, c.status, c.late)
		}
		if err := m.Count(180); err != nil {
			t.Errorf("the suggestion for %v does not count: %v", c.at, err)
		}
	}
	if !intensity.CheckInOpen(start, 180, start.Add(-time.Hour)) || intensity.CheckInOpen(start, 180, start.Add(-61*time.Minute)) ||
		!intensity.CheckInOpen(start, 180, start.Add(179*time.Minute)) || intensity.CheckInOpen(start, 180, start.Add(180*time.Minute)) {
		t.Error("check-in opens an hour before the start and closes at the end")
	}
	code, err := intensity.NewMeetingCode(rand.Reader)
	if err != nil || len(code) != intensity.CodeLength || strings.ContainsAny(code, "0O1IL2Z5S8B") {
		t.Fatalf("code %q: %v", code, err)
	}
	if intensity.NormalizeCode(" k7p 4x ") != "K7P4X" {
		t.Error("typed codes ignore case and spaces")
	}
}

package model_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// TestParseClock guards the HH:MM (24-hour) input for track times.
func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want model.ClockTime
		ok   bool
	}{
		{"09:00", 540, true},
		{"18:30", 1110, true},
		{"00:00", 0, true},
		{"23:59", 1439, true},
		{" 07:15 ", 435, true}, // surrounding spaces are trimmed
		{"25:00", 0, false},
		{"24:00", 0, false},
		{"12:60", 0, false},
		{"9", 0, false},
		{"ab", 0, false},
		{"", 0, false},
		{"6:00 pm", 0, false},
		{"09:00:00", 0, false},
		{"-1:00", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.ParseClock(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseClock(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("ParseClock(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// TestClockTimeFormat: String is HH:MM (it round-trips through ParseClock);
// Label is the US 12-hour form, with 0:00 as 12 am and 12:00 as 12 pm.
func TestClockTimeFormat(t *testing.T) {
	tests := []struct {
		c      model.ClockTime
		str    string
		label  string
		parsed bool
	}{
		{0, "00:00", "12:00 am", true},
		{5, "00:05", "12:05 am", true},
		{540, "09:00", "9:00 am", true},
		{719, "11:59", "11:59 am", true},
		{720, "12:00", "12:00 pm", true},
		{765, "12:45", "12:45 pm", true},
		{780, "13:00", "1:00 pm", true},
		{1080, "18:00", "6:00 pm", true},
		{1439, "23:59", "11:59 pm", true},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.str {
			t.Errorf("ClockTime(%d).String() = %q, want %q", tt.c, got, tt.str)
		}
		if got := tt.c.Label(); got != tt.label {
			t.Errorf("ClockTime(%d).Label() = %q, want %q", tt.c, got, tt.label)
		}
		if back, err := model.ParseClock(tt.c.String()); err != nil || back != tt.c {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", tt.c.String(), back, err, tt.c)
		}
	}
	// The end of a block that runs to midnight is 24:00, midnight again.
	if got := model.ClockTime(1440).Label(); got != "12:00 am" {
		t.Errorf("ClockTime(1440).Label() = %q, want 12:00 am", got)
	}
}

func eveningTrack() model.Track {
	return model.Track{
		Name:     "Evening",
		Kind:     model.Evening,
		Days:     []time.Weekday{time.Monday, time.Wednesday, time.Thursday},
		Start:    18 * 60,
		End:      21 * 60,
		Capacity: 12,
	}
}

// TestTrackSchedule: weekly minutes (days x length), meeting days and labels.
func TestTrackSchedule(t *testing.T) {
	tr := eveningTrack()
	if got := tr.WeeklyMinutes(); got != 540 {
		t.Errorf("WeeklyMinutes = %d, want 540 (3 days x 3 h)", got)
	}
	for day := time.Sunday; day <= time.Saturday; day++ {
		want := day == time.Monday || day == time.Wednesday || day == time.Thursday
		if got := tr.MeetsOn(day); got != want {
			t.Errorf("MeetsOn(%v) = %v, want %v", day, got, want)
		}
	}
	if got := tr.DaysLabel(); got != "Mon, Wed, Thu" {
		t.Errorf("DaysLabel = %q", got)
	}
	if got := tr.TimeLabel(); got != "6:00 pm - 9:00 pm" {
		t.Errorf("TimeLabel = %q", got)
	}

	morning := model.Track{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, Start: 9 * 60, End: 12*60 + 30}
	if got := morning.WeeklyMinutes(); got != 5*210 {
		t.Errorf("morning WeeklyMinutes = %d, want 1050", got)
	}
	if got := morning.DaysLabel(); got != "Mon, Tue, Wed, Thu, Fri" {
		t.Errorf("morning DaysLabel = %q", got)
	}

	var none model.Track
	if none.WeeklyMinutes() != 0 || none.DaysLabel() != "" || none.MeetsOn(time.Sunday) {
		t.Errorf("a track with no days: %d minutes, %q, meets Sunday %v", none.WeeklyMinutes(), none.DaysLabel(), none.MeetsOn(time.Sunday))
	}
}

// TestTrackProblems: each rule yields a problem on its own field only.
func TestTrackProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*model.Track)
		fields []string
	}{
		{"valid", func(*model.Track) {}, nil},
		{"capacity zero is allowed", func(tr *model.Track) { tr.Capacity = 0 }, nil},
		{"empty name", func(tr *model.Track) { tr.Name = "" }, []string{"name"}},
		{"blank name", func(tr *model.Track) { tr.Name = "   " }, []string{"name"}},
		{"no days", func(tr *model.Track) { tr.Days = nil }, []string{"days"}},
		{"end equals start", func(tr *model.Track) { tr.End = tr.Start }, []string{"end"}},
		{"end before start", func(tr *model.Track) { tr.End = tr.Start - 60 }, []string{"end"}},
		{"negative capacity", func(tr *model.Track) { tr.Capacity = -1 }, []string{"capacity"}},
		{"everything wrong", func(tr *model.Track) { *tr = model.Track{Capacity: -3} }, []string{"capacity", "days", "end", "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := eveningTrack()
			tt.mutate(&tr)
			p := tr.Problems()
			if got := slices.Sorted(maps.Keys(p)); !slices.Equal(got, tt.fields) {
				t.Errorf("Problems fields = %v, want %v (%v)", got, tt.fields, p)
			}
			for f, msg := range p {
				if msg == "" {
					t.Errorf("field %s has an empty message", f)
				}
			}
		})
	}
}

// TestEncodeDecodeDays: weekdays are stored as digits, Sunday = 0, and read
// back exactly; anything but 0-6 is refused.
func TestEncodeDecodeDays(t *testing.T) {
	tests := []struct {
		days []time.Weekday
		enc  string
	}{
		{[]time.Weekday{}, ""},
		{[]time.Weekday{time.Monday, time.Wednesday, time.Friday}, "135"},
		{[]time.Weekday{time.Sunday}, "0"},
		{[]time.Weekday{time.Saturday}, "6"},
		{[]time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}, "0123456"},
	}
	for _, tt := range tests {
		if got := model.EncodeDays(tt.days); got != tt.enc {
			t.Errorf("EncodeDays(%v) = %q, want %q", tt.days, got, tt.enc)
		}
		got, err := model.DecodeDays(tt.enc)
		if err != nil || !slices.Equal(got, tt.days) {
			t.Errorf("DecodeDays(%q) = %v, %v; want %v", tt.enc, got, err, tt.days)
		}
	}
	for _, bad := range []string{"7", "x", "1a", "-1", "1 3", "٣"} {
		if got, err := model.DecodeDays(bad); err == nil {
			t.Errorf("DecodeDays(%q) = %v, want an error", bad, got)
		}
	}
}

// TestIDs guards identifiers in URLs: random UUIDv7s, never sequential, and
// ValidID accepts only the canonical 36-character form.
func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := model.NewID()
		if !model.ValidID(id) {
			t.Fatalf("ValidID(NewID()) = false for %q", id)
		}
		if id[14] != '7' {
			t.Errorf("NewID() = %q, not version 7", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
	id := model.NewID()
	for _, bad := range []string{
		"", "1", "not-an-id", "../../etc/passwd",
		strings.ReplaceAll(id, "-", ""), // 32 hex digits: uuid.Parse accepts it
		"{" + id + "}",                  // braces: uuid.Parse accepts it
		"urn:uuid:" + id,                // URN: uuid.Parse accepts it
		id[:35] + "g",
	} {
		if model.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

// TestOrganizationLocation: the center's zone, or UTC if unset or unknown.
func TestOrganizationLocation(t *testing.T) {
	if got := (model.Organization{TimeZone: "America/Chicago"}).Location().String(); got != "America/Chicago" {
		t.Errorf("Location = %s, want America/Chicago", got)
	}
	for _, tz := range []string{"", "Mars/Olympus_Mons", "UTC"} {
		if got := (model.Organization{TimeZone: tz}).Location(); got.String() != "UTC" {
			t.Errorf("Location(%q) = %s, want UTC", tz, got)
		}
	}
}

// TestPopulationMinimums guards the intensive outpatient floor: at least 9
// hours a week for adults and 6 for adolescents (SAMHSA Advisory 2021,
// citing the ASAM Criteria 3rd ed.).
func TestPopulationMinimums(t *testing.T) {
	if got := model.DefaultMinWeeklyMinutes(model.Adults); got != 9*60 {
		t.Errorf("adults: %d minutes, want 540", got)
	}
	if got := model.DefaultMinWeeklyMinutes(model.Adolescents); got != 6*60 {
		t.Errorf("adolescents: %d minutes, want 360", got)
	}
	if got := model.DefaultMinWeeklyMinutes(""); got != 9*60 {
		t.Errorf("unset population: %d minutes, want the adult 540", got)
	}
	if got := (model.Program{MinWeeklyMinutes: 540}).MinWeeklyHours(); got != 9 {
		t.Errorf("MinWeeklyHours = %v, want 9", got)
	}
	if got := (model.Program{MinWeeklyMinutes: 390}).MinWeeklyHours(); got != 6.5 {
		t.Errorf("MinWeeklyHours = %v, want 6.5", got)
	}
	if model.Adults.Label() != "Adults (18+)" || model.Adolescents.Label() != "Adolescents (13-17)" {
		t.Errorf("labels = %q, %q", model.Adults.Label(), model.Adolescents.Label())
	}
}

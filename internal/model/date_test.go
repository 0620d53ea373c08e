package model_test

import (
	"database/sql/driver"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
)

func d(y int, m time.Month, day int) model.Date { return model.Date{Year: y, Month: m, Day: day} }

// TestParseDate guards the ISO 8601 calendar-date input (YYYY-MM-DD) and the
// refusal of dates that do not exist.
func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want model.Date
		ok   bool
	}{
		{"2024-02-29", d(2024, 2, 29), true}, // leap year
		{"2000-02-29", d(2000, 2, 29), true}, // divisible by 400
		{"2026-01-02", d(2026, 1, 2), true},
		{"1900-12-31", d(1900, 12, 31), true},
		{"2026-02-29", model.Date{}, false}, // not a leap year
		{"1900-02-29", model.Date{}, false}, // divisible by 100, not 400
		{"2026-02-30", model.Date{}, false},
		{"2026-04-31", model.Date{}, false},
		{"2026-13-01", model.Date{}, false},
		{"2026-00-10", model.Date{}, false},
		{"2026-01-00", model.Date{}, false},
		{"", model.Date{}, false},
		{"2026/01/02", model.Date{}, false},
		{"01/02/2026", model.Date{}, false},
		{"2026-1-2", model.Date{}, false},
		{"2026-01-02T10:00:00Z", model.Date{}, false},
		{" 2026-01-02", model.Date{}, false},
		{"yesterday", model.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.ParseDate(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseDate(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestDateString: YYYY-MM-DD with zero padding; the zero (unset) date is "".
func TestDateString(t *testing.T) {
	tests := []struct {
		d    model.Date
		want string
	}{
		{model.Date{}, ""},
		{d(2026, 1, 2), "2026-01-02"},
		{d(987, 12, 31), "0987-12-31"},
		{d(2024, 2, 29), "2024-02-29"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.want)
		}
		if tt.d.IsZero() != (tt.want == "") {
			t.Errorf("%+v.IsZero() = %v", tt.d, tt.d.IsZero())
		}
		if tt.want != "" {
			if back, err := model.ParseDate(tt.want); err != nil || back != tt.d {
				t.Errorf("ParseDate(String()) = %+v, %v; want %+v", back, err, tt.d)
			}
		}
	}
	// A date with only some parts set is not zero.
	for _, p := range []model.Date{{Year: 2026}, {Month: 1}, {Day: 1}} {
		if p.IsZero() {
			t.Errorf("%+v.IsZero() = true", p)
		}
	}
}

// TestDateFormat: any time layout, and "" for the zero date.
func TestDateFormat(t *testing.T) {
	if got := d(2026, 3, 9).Format("Mon, Jan 2, 2006"); got != "Mon, Mar 9, 2026" {
		t.Errorf("Format = %q", got)
	}
	if got := (model.Date{}).Format("Jan 2, 2006"); got != "" {
		t.Errorf("zero Format = %q, want empty", got)
	}
}

// TestDateOfAndIn: a Date is the calendar date in the given zone.
func TestDateOfAndIn(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	instant := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC) // already Jan 1 in Tokyo
	if got := model.DateOf(instant); got != d(2026, 12, 31) {
		t.Errorf("DateOf(UTC) = %v", got)
	}
	if got := model.DateOf(instant.In(tokyo)); got != d(2027, 1, 1) {
		t.Errorf("DateOf(Tokyo) = %v, want 2027-01-01", got)
	}
	mid := d(2026, 3, 8).In(tokyo)
	if !mid.Equal(time.Date(2026, 3, 8, 0, 0, 0, 0, tokyo)) || mid.Location() != tokyo {
		t.Errorf("In = %v, want midnight in Tokyo", mid)
	}
}

// TestYearsOn guards age computation: whole years, the birthday counts, and
// someone born on 29 February turns a year older on 1 March in other years.
func TestYearsOn(t *testing.T) {
	tests := []struct {
		name     string
		born, on model.Date
		want     int
	}{
		{"birthday today", d(1990, 5, 17), d(2026, 5, 17), 36},
		{"day before birthday", d(1990, 5, 17), d(2026, 5, 16), 35},
		{"day after birthday", d(1990, 5, 17), d(2026, 5, 18), 36},
		{"earlier month", d(1990, 5, 17), d(2026, 4, 30), 35},
		{"later month, earlier day", d(1990, 5, 17), d(2026, 6, 1), 36},
		{"born today", d(2026, 5, 17), d(2026, 5, 17), 0},
		{"new year's eve birthday, Jan 1", d(2000, 12, 31), d(2026, 1, 1), 25},
		{"leap-day birthday in a leap year", d(2000, 2, 29), d(2024, 2, 29), 24},
		{"leap-day birthday, Feb 28 of a common year", d(2000, 2, 29), d(2026, 2, 28), 25},
		{"leap-day birthday, Mar 1 of a common year", d(2000, 2, 29), d(2026, 3, 1), 26},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.born.YearsOn(tt.on); got != tt.want {
				t.Errorf("%v.YearsOn(%v) = %d, want %d", tt.born, tt.on, got, tt.want)
			}
		})
	}
}

// TestAddDays: calendar arithmetic across month, year and leap-day ends.
func TestAddDays(t *testing.T) {
	tests := []struct {
		from model.Date
		n    int
		want model.Date
	}{
		{d(2026, 1, 31), 1, d(2026, 2, 1)},
		{d(2026, 2, 28), 1, d(2026, 3, 1)},
		{d(2024, 2, 28), 1, d(2024, 2, 29)},
		{d(2026, 12, 31), 1, d(2027, 1, 1)},
		{d(2027, 1, 1), -1, d(2026, 12, 31)},
		{d(2026, 3, 1), -1, d(2026, 2, 28)},
		{d(2026, 3, 7), 2, d(2026, 3, 9)}, // across the US DST change
		{d(2026, 1, 1), 365, d(2027, 1, 1)},
		{d(2024, 1, 1), 365, d(2024, 12, 31)},
		{d(2026, 5, 17), 0, d(2026, 5, 17)},
	}
	for _, tt := range tests {
		if got := tt.from.AddDays(tt.n); got != tt.want {
			t.Errorf("%v.AddDays(%d) = %v, want %v", tt.from, tt.n, got, tt.want)
		}
	}
}

// TestWeekday checks against known calendar days.
func TestWeekday(t *testing.T) {
	tests := []struct {
		d    model.Date
		want time.Weekday
	}{
		{d(2026, 1, 1), time.Thursday},
		{d(2024, 2, 29), time.Thursday},
		{d(2026, 3, 8), time.Sunday},
		{d(2000, 1, 1), time.Saturday},
		{d(2026, 12, 31), time.Thursday},
	}
	for _, tt := range tests {
		if got := tt.d.Weekday(); got != tt.want {
			t.Errorf("%v.Weekday() = %v, want %v", tt.d, got, tt.want)
		}
	}
}

// TestBeforeAfter: strict ordering by year, then month, then day.
func TestBeforeAfter(t *testing.T) {
	tests := []struct {
		a, b          model.Date
		before, after bool
	}{
		{d(2026, 1, 2), d(2026, 1, 3), true, false},
		{d(2026, 1, 3), d(2026, 1, 2), false, true},
		{d(2026, 1, 2), d(2026, 1, 2), false, false},
		{d(2026, 1, 31), d(2026, 2, 1), true, false},
		{d(2026, 9, 30), d(2026, 10, 1), true, false}, // single vs double digit month
		{d(2025, 12, 31), d(2026, 1, 1), true, false},
		{d(2026, 1, 9), d(2026, 1, 10), true, false}, // single vs double digit day
	}
	for _, tt := range tests {
		if got := tt.a.Before(tt.b); got != tt.before {
			t.Errorf("%v.Before(%v) = %v, want %v", tt.a, tt.b, got, tt.before)
		}
		if got := tt.a.After(tt.b); got != tt.after {
			t.Errorf("%v.After(%v) = %v, want %v", tt.a, tt.b, got, tt.after)
		}
	}
}

// TestDateScan guards reading dates back from both engines: text from
// SQLite (string or []byte, possibly with a time part), time.Time from pgx
// (its UTC date), NULL as the zero date.
func TestDateScan(t *testing.T) {
	plus14 := time.FixedZone("+14", 14*3600)
	tests := []struct {
		name string
		src  any
		want model.Date
		ok   bool
	}{
		{"string", "2024-02-29", d(2024, 2, 29), true},
		{"bytes", []byte("2026-01-02"), d(2026, 1, 2), true},
		{"text with a time part", "2026-01-02 00:00:00", d(2026, 1, 2), true},
		{"text with RFC 3339 time", "2026-01-02T00:00:00Z", d(2026, 1, 2), true},
		{"time at UTC midnight", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), d(2026, 1, 2), true},
		{"time in another zone: its UTC date", time.Date(2026, 1, 2, 5, 0, 0, 0, plus14), d(2026, 1, 1), true},
		{"nil", nil, model.Date{}, true},
		{"bad text", "2026-02-30", model.Date{}, false},
		{"empty text", "", model.Date{}, false},
		{"int", 20260102, model.Date{}, false},
		{"float", 1.5, model.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d(1999, 9, 9) // Scan must overwrite, including with zero
			err := got.Scan(tt.src)
			if (err == nil) != tt.ok {
				t.Fatalf("Scan(%#v) err = %v, want ok=%v", tt.src, err, tt.ok)
			}
			if tt.ok && got != tt.want {
				t.Errorf("Scan(%#v) = %+v, want %+v", tt.src, got, tt.want)
			}
		})
	}
}

// TestDateValue: stored as YYYY-MM-DD text; the zero date as NULL.
func TestDateValue(t *testing.T) {
	tests := []struct {
		d    model.Date
		want driver.Value
	}{
		{model.Date{}, nil},
		{d(2026, 1, 2), "2026-01-02"},
		{d(2024, 2, 29), "2024-02-29"},
	}
	for _, tt := range tests {
		got, err := tt.d.Value()
		if err != nil || got != tt.want {
			t.Errorf("%+v.Value() = %#v, %v; want %#v", tt.d, got, err, tt.want)
		}
		var back model.Date
		if err := back.Scan(got); err != nil || back != tt.d {
			t.Errorf("Scan(Value()) = %+v, %v; want %+v", back, err, tt.d)
		}
	}
	var _ driver.Valuer = model.Date{}
}

package model

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date with no time of day or zone: a date of birth, an
// admission date. It is stored as 'YYYY-MM-DD' text in SQLite and as DATE in
// PostgreSQL.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO 8601 calendar date (YYYY-MM-DD) and rejects
// impossible dates such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero date (unset).
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// String formats d as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.String() < o.String() }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return o.Before(d) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// DaysUntil is the number of days from d to o: negative when o is earlier.
func (d Date) DaysUntil(o Date) int {
	return int(o.In(time.UTC).Sub(d.In(time.UTC)) / (24 * time.Hour)) // UTC days are exactly 24 h
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// YearsOn returns the age in whole years of someone born on d, on the date on.
func (d Date) YearsOn(on Date) int {
	years := on.Year - d.Year
	if on.Month < d.Month || (on.Month == d.Month && on.Day < d.Day) {
		years--
	}
	return years
}

// Format formats d with a time layout.
func (d Date) Format(layout string) string {
	if d.IsZero() {
		return ""
	}
	return d.In(time.UTC).Format(layout)
}

// Value stores a Date as text, which both engines accept for DATE and TEXT
// columns; the zero date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a Date from the text SQLite returns or the time.Time pgx returns.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v.UTC())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("model.Date: cannot scan %T", src)
	}
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10] // tolerate a time part written by other tools
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

package model

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

var timeUTC = time.UTC

// Client is a person receiving (or about to receive) treatment. Names and
// contacts are protected health information and, being substance use
// treatment records, 42 CFR Part 2 records.
type Client struct {
	ID            string
	MRN           string // the center's record number, shown to staff; never used in URLs
	FirstName     string // legal first name, for billing and identification
	LastName      string
	PreferredName string // what the client wants to be called; shown first
	Pronouns      string
	DateOfBirth   Date
	SexAtBirth    string // "female", "male", "" (unknown); some screeners' cut-offs depend on it
	Phone         string
	Email         string
	Address       string
	EmergencyName string
	EmergencyRel  string
	EmergencyPhn  string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Current is the client's open episode, if any, filled in by queries that
	// join for display.
	Current *Episode
}

// DisplayName is how staff address the client: the preferred name (if any)
// with the legal last name.
func (c Client) DisplayName() string {
	first := c.FirstName
	if c.PreferredName != "" {
		first = c.PreferredName
	}
	return strings.TrimSpace(first + " " + c.LastName)
}

// LegalName is "Last, First" for lists sorted by surname.
func (c Client) LegalName() string { return c.LastName + ", " + c.FirstName }

// Initials are the display name's initials, for the avatar in lists.
func (c Client) Initials() string {
	var out []rune
	for _, part := range strings.Fields(c.DisplayName()) {
		r, _ := utf8.DecodeRuneInString(part)
		out = append(out, r)
	}
	if len(out) > 2 {
		out = []rune{out[0], out[len(out)-1]}
	}
	return strings.ToUpper(string(out))
}

// Age is the client's age in whole years on today.
func (c Client) Age(today Date) int { return c.DateOfBirth.YearsOn(today) }

var phoneRE = regexp.MustCompile(`^[0-9+()\-. ]{7,20}$`)

// Limits on free-text fields, so that one request cannot store megabytes.
const (
	maxName    = 80
	maxShort   = 40
	maxAddress = 300
)

// Normalize trims spaces in every text field.
func (c *Client) Normalize() {
	for _, f := range []*string{&c.MRN, &c.FirstName, &c.LastName, &c.PreferredName, &c.Pronouns, &c.SexAtBirth,
		&c.Phone, &c.Email, &c.Address, &c.EmergencyName, &c.EmergencyRel, &c.EmergencyPhn} {
		*f = strings.TrimSpace(*f)
	}
	c.Email = strings.ToLower(c.Email)
}

// Problems validates a client record and returns a problem per field, in
// words a front-desk worker can act on. today bounds the date of birth.
func (c Client) Problems(today Date) map[string]string {
	p := map[string]string{}
	req := func(field, value, what string) {
		if value == "" {
			p[field] = "Enter the client's " + what + "."
		}
	}
	req("first_name", c.FirstName, "legal first name")
	req("last_name", c.LastName, "legal last name")
	for field, v := range map[string]string{"first_name": c.FirstName, "last_name": c.LastName,
		"preferred_name": c.PreferredName, "emergency_name": c.EmergencyName} {
		if utf8.RuneCountInString(v) > maxName {
			p[field] = "Use at most 80 characters."
		}
	}
	for field, v := range map[string]string{"pronouns": c.Pronouns, "emergency_relationship": c.EmergencyRel} {
		if utf8.RuneCountInString(v) > maxShort {
			p[field] = "Use at most 40 characters."
		}
	}
	if utf8.RuneCountInString(c.Address) > maxAddress {
		p["address"] = "Use at most 300 characters."
	}
	switch {
	case c.DateOfBirth.IsZero():
		p["date_of_birth"] = "Enter the date of birth (YYYY-MM-DD)."
	case c.DateOfBirth.After(today):
		p["date_of_birth"] = "The date of birth cannot be in the future."
	case c.DateOfBirth.YearsOn(today) > 120:
		p["date_of_birth"] = "Check the year: that would make the client over 120."
	case c.DateOfBirth.YearsOn(today) < 12:
		p["date_of_birth"] = "Check the year: programs serve people aged 12 and over."
	}
	switch c.SexAtBirth {
	case "", "female", "male":
	default:
		p["sex_at_birth"] = "Choose female, male or not recorded."
	}
	if c.Phone != "" && !ValidPhone(c.Phone) {
		p["phone"] = "Enter a phone number of digits, spaces, dashes or parentheses."
	}
	if c.EmergencyPhn != "" && !ValidPhone(c.EmergencyPhn) {
		p["emergency_phone"] = "Enter a phone number of digits, spaces, dashes or parentheses."
	}
	if c.Email != "" && !ValidEmail(c.Email) {
		p["email"] = "Enter an email address such as name@example.org."
	}
	return p
}

// ValidPhone accepts the usual ways of writing a phone number with at least
// seven digits.
func ValidPhone(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 7 && phoneRE.MatchString(s)
}

// ValidEmail reports whether s is a plain email address (no display name),
// at most 254 characters.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254 && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

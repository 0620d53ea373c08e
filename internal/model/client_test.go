package model_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/model"
)

var today = d(2026, 3, 10)

func validClient() model.Client {
	return model.Client{
		FirstName:     "Maria",
		LastName:      "Lopez",
		PreferredName: "Mia",
		Pronouns:      "she/her",
		DateOfBirth:   d(1990, 5, 17),
		SexAtBirth:    "female",
		Phone:         "(555) 123-4567",
		Email:         "maria.lopez@example.org",
		Address:       "12 Elm St\nSpringfield, IL 62701",
		EmergencyName: "Ana Lopez",
		EmergencyRel:  "sister",
		EmergencyPhn:  "+1 555.987.6543",
	}
}

// TestClientProblems guards each validation rule of the client form: it
// yields a problem on its own field and no other.
func TestClientProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*model.Client)
		fields []string
	}{
		{"valid", func(*model.Client) {}, nil},
		{"only the required fields", func(c *model.Client) {
			*c = model.Client{FirstName: "Maria", LastName: "Lopez", DateOfBirth: d(1990, 5, 17)}
		}, nil},
		{"missing first name", func(c *model.Client) { c.FirstName = "" }, []string{"first_name"}},
		{"missing last name", func(c *model.Client) { c.LastName = "" }, []string{"last_name"}},
		{"missing both names", func(c *model.Client) { c.FirstName, c.LastName = "", "" }, []string{"first_name", "last_name"}},

		// Name limits count characters, not bytes: 80 two-byte letters pass.
		{"first name 80 characters", func(c *model.Client) { c.FirstName = strings.Repeat("é", 80) }, nil},
		{"first name 81 characters", func(c *model.Client) { c.FirstName = strings.Repeat("é", 81) }, []string{"first_name"}},
		{"last name 81 characters", func(c *model.Client) { c.LastName = strings.Repeat("x", 81) }, []string{"last_name"}},
		{"preferred name 81 characters", func(c *model.Client) { c.PreferredName = strings.Repeat("x", 81) }, []string{"preferred_name"}},
		{"emergency name 80 characters", func(c *model.Client) { c.EmergencyName = strings.Repeat("ñ", 80) }, nil},
		{"emergency name 81 characters", func(c *model.Client) { c.EmergencyName = strings.Repeat("ñ", 81) }, []string{"emergency_name"}},
		{"pronouns 40 characters", func(c *model.Client) { c.Pronouns = strings.Repeat("é", 40) }, nil},
		{"pronouns 41 characters", func(c *model.Client) { c.Pronouns = strings.Repeat("x", 41) }, []string{"pronouns"}},
		{"emergency relationship 41 characters", func(c *model.Client) { c.EmergencyRel = strings.Repeat("x", 41) }, []string{"emergency_relationship"}},
		{"address 300 characters", func(c *model.Client) { c.Address = strings.Repeat("é", 300) }, nil},
		{"address 301 characters", func(c *model.Client) { c.Address = strings.Repeat("x", 301) }, []string{"address"}},

		// Date of birth, with today = 2026-03-10.
		{"no date of birth", func(c *model.Client) { c.DateOfBirth = model.Date{} }, []string{"date_of_birth"}},
		{"born tomorrow", func(c *model.Client) { c.DateOfBirth = d(2026, 3, 11) }, []string{"date_of_birth"}},
		{"born next year", func(c *model.Client) { c.DateOfBirth = d(2027, 1, 1) }, []string{"date_of_birth"}},
		{"born today", func(c *model.Client) { c.DateOfBirth = today }, []string{"date_of_birth"}},
		{"exactly 120", func(c *model.Client) { c.DateOfBirth = d(1906, 3, 10) }, nil},
		{"121 today", func(c *model.Client) { c.DateOfBirth = d(1905, 3, 10) }, []string{"date_of_birth"}},
		{"121 tomorrow, 120 today", func(c *model.Client) { c.DateOfBirth = d(1905, 3, 11) }, nil},
		{"exactly 12", func(c *model.Client) { c.DateOfBirth = d(2014, 3, 10) }, nil},
		{"12 tomorrow, 11 today", func(c *model.Client) { c.DateOfBirth = d(2014, 3, 11) }, []string{"date_of_birth"}},

		{"sex at birth male", func(c *model.Client) { c.SexAtBirth = "male" }, nil},
		{"sex at birth not recorded", func(c *model.Client) { c.SexAtBirth = "" }, nil},
		{"sex at birth other value", func(c *model.Client) { c.SexAtBirth = "unknown" }, []string{"sex_at_birth"}},
		{"sex at birth capitalised", func(c *model.Client) { c.SexAtBirth = "Female" }, []string{"sex_at_birth"}},
		{"sex at birth abbreviation", func(c *model.Client) { c.SexAtBirth = "F" }, []string{"sex_at_birth"}},

		{"no phone", func(c *model.Client) { c.Phone = "" }, nil},
		{"phone digits only", func(c *model.Client) { c.Phone = "5551234567" }, nil},
		{"phone with dots", func(c *model.Client) { c.Phone = "555.123.4567" }, nil},
		{"phone international", func(c *model.Client) { c.Phone = "+44 20 7946 0958" }, nil},
		{"phone 7 characters", func(c *model.Client) { c.Phone = "5551234" }, nil},
		{"phone 6 characters", func(c *model.Client) { c.Phone = "555123" }, []string{"phone"}},
		{"phone 20 characters", func(c *model.Client) { c.Phone = "+1 (555) 123-4567 89" }, nil},
		{"phone 21 characters", func(c *model.Client) { c.Phone = "+1 (555) 123-4567 890" }, []string{"phone"}},
		{"phone with letters", func(c *model.Client) { c.Phone = "555-CALL-NOW" }, []string{"phone"}},
		{"phone with extension word", func(c *model.Client) { c.Phone = "555-123-4567 ext 2" }, []string{"phone"}},
		{"emergency phone with letters", func(c *model.Client) { c.EmergencyPhn = "call my sister" }, []string{"emergency_phone"}},
		{"no emergency phone", func(c *model.Client) { c.EmergencyPhn = "" }, nil},

		{"no email", func(c *model.Client) { c.Email = "" }, nil},
		{"email without @", func(c *model.Client) { c.Email = "maria.example.org" }, []string{"email"}},
		{"email with display name", func(c *model.Client) { c.Email = "Maria <maria@example.org>" }, []string{"email"}},
		{"email without a dot in the domain", func(c *model.Client) { c.Email = "maria@localhost" }, []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validClient()
			tt.mutate(&c)
			p := c.Problems(today)
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

// TestClientDateOfBirthMessages: the three date-of-birth problems say
// different things, so the worker knows what to fix.
func TestClientDateOfBirthMessages(t *testing.T) {
	msg := func(dob model.Date) string {
		c := validClient()
		c.DateOfBirth = dob
		return c.Problems(today)["date_of_birth"]
	}
	tests := []struct {
		dob  model.Date
		want string
	}{
		{model.Date{}, "Enter the date of birth"},
		{d(2026, 3, 11), "future"},
		{d(1900, 1, 1), "over 120"},
		{d(2020, 1, 1), "12 and over"},
	}
	for _, tt := range tests {
		if got := msg(tt.dob); !strings.Contains(got, tt.want) {
			t.Errorf("date of birth %v: %q, want it to mention %q", tt.dob, got, tt.want)
		}
	}
}

// TestValidEmail: a plain address with a dotted domain, no display name, at
// most 254 characters (RFC 5321's path limit less the angle brackets).
func TestValidEmail(t *testing.T) {
	local := strings.Repeat("a", 64)
	domain := func(n int) string { // a domain of exactly n characters ending in ".org"
		return strings.Repeat("b", n-4) + ".org"
	}
	at254 := local + "@" + domain(254-65)
	at255 := local + "@" + domain(255-65)
	if len(at254) != 254 || len(at255) != 255 {
		t.Fatalf("bad fixtures: %d, %d", len(at254), len(at255))
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"maria@example.org", true},
		{"a@b.co", true},
		{"first.last+iop@mail.example.org", true},
		{"Maria.Lopez@Example.org", true}, // case is kept; Normalize lower-cases
		{at254, true},
		{at255, false},
		{"", false},
		{"maria", false},
		{"maria@", false},
		{"@example.org", false},
		{"maria@localhost", false},
		{"maria@example.", false},
		{"Maria <maria@example.org>", false},
		{"<maria@example.org>", false},
		{" maria@example.org", false},
		{"maria@example.org ", false},
		{"maria lopez@example.org", false},
		{`"maria lopez"@example.org`, false},
		{"maria@@example.org", false},
		{"maria@example.org, ana@example.org", false},
	}
	for _, tt := range tests {
		if got := model.ValidEmail(tt.in); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestClientNames: staff address the client by preferred name with the legal
// last name; lists sort by "Last, First"; the avatar shows two initials.
func TestClientNames(t *testing.T) {
	tests := []struct {
		name                     string
		c                        model.Client
		display, legal, initials string
	}{
		{"preferred name", model.Client{FirstName: "Maria", LastName: "Lopez", PreferredName: "Mia"}, "Mia Lopez", "Lopez, Maria", "ML"},
		{"no preferred name", model.Client{FirstName: "Maria", LastName: "Lopez"}, "Maria Lopez", "Lopez, Maria", "ML"},
		{"lower case", model.Client{FirstName: "bell", LastName: "hooks"}, "bell hooks", "hooks, bell", "BH"},
		{"several words: first and last initials", model.Client{FirstName: "Maria del Carmen", LastName: "Lopez Garcia"}, "Maria del Carmen Lopez Garcia", "Lopez Garcia, Maria del Carmen", "MG"},
		{"accented", model.Client{FirstName: "Élodie", LastName: "Ñúñez"}, "Élodie Ñúñez", "Ñúñez, Élodie", "ÉÑ"},
		{"only a last name", model.Client{LastName: "Lopez"}, "Lopez", "Lopez, ", "L"},
		{"only a first name", model.Client{FirstName: "Cher"}, "Cher", ", Cher", "C"},
		{"nothing", model.Client{}, "", ", ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.DisplayName(); got != tt.display {
				t.Errorf("DisplayName = %q, want %q", got, tt.display)
			}
			if got := tt.c.LegalName(); got != tt.legal {
				t.Errorf("LegalName = %q, want %q", got, tt.legal)
			}
			if got := tt.c.Initials(); got != tt.initials {
				t.Errorf("Initials = %q, want %q", got, tt.initials)
			}
		})
	}
}

// TestClientNormalize: every text field is trimmed and the email is
// lower-cased, before validation and storage.
func TestClientNormalize(t *testing.T) {
	c := model.Client{
		MRN: " 000123 ", FirstName: "  Maria", LastName: "Lopez  ", PreferredName: "\tMia\n", Pronouns: " she/her ",
		SexAtBirth: " female ", Phone: " 555 123 4567 ", Email: "  Maria.Lopez@Example.ORG ", Address: " 12 Elm St ",
		EmergencyName: " Ana ", EmergencyRel: " sister ", EmergencyPhn: " 555 987 6543 ",
	}
	c.Normalize()
	want := model.Client{
		MRN: "000123", FirstName: "Maria", LastName: "Lopez", PreferredName: "Mia", Pronouns: "she/her",
		SexAtBirth: "female", Phone: "555 123 4567", Email: "maria.lopez@example.org", Address: "12 Elm St",
		EmergencyName: "Ana", EmergencyRel: "sister", EmergencyPhn: "555 987 6543",
	}
	if c != want {
		t.Errorf("Normalize:\n got %+v\nwant %+v", c, want)
	}
	// Names keep their case.
	if c.FirstName != "Maria" {
		t.Errorf("FirstName = %q", c.FirstName)
	}
}

// TestClientAge: age in whole years on a given day.
func TestClientAge(t *testing.T) {
	c := model.Client{DateOfBirth: d(1990, 5, 17)}
	if got := c.Age(d(2026, 5, 16)); got != 35 {
		t.Errorf("Age = %d, want 35", got)
	}
	if got := c.Age(d(2026, 5, 17)); got != 36 {
		t.Errorf("Age = %d, want 36", got)
	}
}

// TestClientBlankNamesAfterNormalize: Problems checks names as given, so the
// callers (web and store) Normalize first; together they refuse names of
// spaces only.
func TestClientBlankNamesAfterNormalize(t *testing.T) {
	c := validClient()
	c.FirstName, c.LastName = "   ", "\t"
	c.Normalize()
	p := c.Problems(today)
	if p["first_name"] == "" || p["last_name"] == "" {
		t.Errorf("blank names after Normalize: problems %v, want first_name and last_name", p)
	}
}

// TestPhoneNeedsDigits: punctuation alone is not a phone number.
func TestPhoneNeedsDigits(t *testing.T) {
	today := model.Date{Year: 2026, Month: 11, Day: 23}
	for phone, ok := range map[string]bool{"-------": false, "+++++++": false, "(312) 555-0142": true, "555 0142": true, "12345": false} {
		c := model.Client{FirstName: "A", LastName: "B", DateOfBirth: model.Date{Year: 1990, Month: 1, Day: 1}, Phone: phone}
		if _, bad := c.Problems(today)["phone"]; bad == ok {
			t.Errorf("phone %q: accepted = %v, want %v", phone, !bad, ok)
		}
	}
}

// Package portal is what the client and family portal decides on its own:
// accounts and their one-time invitation codes, the daily check-in, an
// absence told ahead of time, and a measure trend said in plain words. It
// has no SQL and no HTTP; the store keeps what it produces and the web
// layer shows it.
package portal

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/openiop/openiop/internal/model"
)

// Kind is who a portal account is for.
type Kind string

// The kinds of account.
const (
	KindClient Kind = "client" // the person in treatment
	KindFamily Kind = "family" // someone the client named in a consent
)

// InviteLifetime is how long an invitation code works: long enough to reach
// a person who checks email once a week, short enough that a lost printout
// stops mattering.
const InviteLifetime = 7 * 24 * time.Hour

// Account is one portal sign-in.
type Account struct {
	ID            string
	ClientID      string
	Kind          Kind
	ConsentID     string // family accounts: the consent that allows their access
	Name          string // family accounts: the person's name
	Email         string
	Login         string // chosen when the invitation is accepted
	InvitedByName string
	InvitedAt     time.Time
	InviteExpires time.Time // zero once accepted
	ActivatedAt   time.Time
	DisabledAt    time.Time
	Reminders     Reminders
	TwoStep       bool // signs in with an authenticator app's code after the password
}

// Reminders are the emails a client has opted into.
type Reminders struct {
	Sessions    bool // the day before each session
	Measures    bool // when a questionnaire is due
	NameProgram bool // messages may name the program; otherwise the subject is neutral
}

// Status says where an account stands.
func (a Account) Status(now time.Time) string {
	switch {
	case !a.DisabledAt.IsZero():
		return "closed"
	case !a.ActivatedAt.IsZero() && a.InviteExpires.IsZero():
		return "active"
	case !a.InviteExpires.IsZero() && !now.Before(a.InviteExpires):
		return "invitation expired"
	default:
		return "invited"
	}
}

// codeAlphabet leaves out letters and digits that are misread on paper
// (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is the number of characters in an invitation code: 12 from a
// 31-letter alphabet is about 59 bits, far past guessing at the sign-in
// throttle's pace within the code's week.
const CodeLength = 12

// NewInviteCode returns a fresh invitation code, grouped in fours for
// reading aloud or typing from paper ("ABCD-EFGH-JKMN").
func NewInviteCode(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	var b strings.Builder
	buf := make([]byte, 1)
	for n := 0; n < CodeLength; {
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("portal: no randomness for a code: %w", err)
		}
		// Rejection sampling keeps every letter equally likely.
		if int(buf[0]) >= 256/len(codeAlphabet)*len(codeAlphabet) {
			continue
		}
		if n > 0 && n%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[int(buf[0])%len(codeAlphabet)])
		n++
	}
	return b.String(), nil
}

// NormalizeCode turns what a person typed into the code's stored form:
// capitals, without the spaces and dashes people add or leave out.
func NormalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// LoginProblem says what is wrong with a chosen sign-in name, or "".
func LoginProblem(login string) string {
	n := len([]rune(login))
	if n < 3 || n > 60 {
		return "Choose a sign-in name of 3 to 60 characters."
	}
	for _, r := range login {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_@+", r)) {
			return "Use letters, digits and . - _ @ + only (no spaces)."
		}
	}
	return ""
}

// NormalizeLogin is a sign-in name as it is stored and looked up.
func NormalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckIn is a client's daily check-in: how strong cravings were, how their
// mood is, and whether they used since the last check-in.
type CheckIn struct {
	ID       string
	ClientID string
	Day      model.Date
	Craving  int // 0 none to 10 the strongest
	Mood     int // 0 the worst to 10 the best
	Used     bool
	Note     string
	At       time.Time
}

// MaxNote bounds the free text of a check-in or an absence.
const MaxNote = 1000

// Problems lists what is wrong with a check-in, by field.
func (c CheckIn) Problems() map[string]string {
	p := map[string]string{}
	if c.Craving < 0 || c.Craving > 10 {
		p["craving"] = "Choose how strong cravings were, from 0 (none) to 10."
	}
	if c.Mood < 0 || c.Mood > 10 {
		p["mood"] = "Choose how your mood is, from 0 (very low) to 10 (very good)."
	}
	if len([]rune(c.Note)) > MaxNote {
		p["note"] = fmt.Sprintf("Keep the note under %d characters.", MaxNote)
	}
	return p
}

// LowMood is the mood at or below which the check-in answers with crisis
// guidance first.
const LowMood = 2

// StrongCraving is the craving at or above which the counselor's list marks
// the check-in.
const StrongCraving = 8

// CallsForCrisisGuidance reports whether the answer shows crisis guidance
// before anything else: a very low mood.
func (c CheckIn) CallsForCrisisGuidance() bool { return c.Mood <= LowMood }

// ForCounselor reports whether the counselor should look at this check-in
// soon: any use, strong cravings or a very low mood.
func (c CheckIn) ForCounselor() bool {
	return c.Used || c.Craving >= StrongCraving || c.Mood <= LowMood
}

// AbsenceStatus is where an absence notice stands.
type AbsenceStatus string

// The statuses of an absence notice.
const (
	AbsencePending   AbsenceStatus = "pending"
	AbsenceAccepted  AbsenceStatus = "accepted" // the meeting is marked absent, excused
	AbsenceDeclined  AbsenceStatus = "declined" // the counselor asks the client to come
	AbsenceWithdrawn AbsenceStatus = "withdrawn"
)

// Label is the status as the client reads it.
func (s AbsenceStatus) Label() string {
	switch s {
	case AbsencePending:
		return "Waiting for your counselor"
	case AbsenceAccepted:
		return "Excused"
	case AbsenceDeclined:
		return "Not excused"
	case AbsenceWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Absence is a meeting a client said ahead of time they will miss.
type Absence struct {
	ID           string
	ClientID     string
	ClientName   string
	SeriesID     string
	SeriesName   string
	Date         model.Date
	Start        time.Time
	Reason       string
	SubmittedAt  time.Time
	Status       AbsenceStatus
	DecidedBy    string
	DecidedAt    time.Time
	DecisionNote string
}

// AbsenceProblems lists what is wrong with an absence notice for a meeting
// starting at start.
func AbsenceProblems(reason string, start, now time.Time) map[string]string {
	p := map[string]string{}
	if strings.TrimSpace(reason) == "" {
		p["reason"] = "Say why you will miss it, in a few words. Only your care team reads it."
	} else if len([]rune(reason)) > MaxNote {
		p["reason"] = fmt.Sprintf("Keep the reason under %d characters.", MaxNote)
	}
	if !start.After(now) {
		p["meeting"] = "That meeting has already started. Tell your counselor directly, or call the program."
	}
	return p
}

// Score is one result of an instrument, as a trend needs it.
type Score struct {
	On    model.Date
	Total int
	Band  string // the severity band's label, e.g. "mild"
}

// TrendWords says a client's measure trend in plain words, first and latest
// result: "Your PHQ-9 went from 14 (moderate) on 2 Nov to 8 (mild) on 20
// Nov." lowerIsBetter adds whether the change is an improvement.
func TrendWords(instrument string, scores []Score, lowerIsBetter bool) string {
	if len(scores) == 0 {
		return ""
	}
	last := scores[len(scores)-1]
	if len(scores) == 1 {
		return fmt.Sprintf("Your %s on %s was %d: %s.", instrument, dayMonth(last.On), last.Total, last.Band)
	}
	first := scores[0]
	s := fmt.Sprintf("Your %s went from %d (%s) on %s to %d (%s) on %s.", instrument,
		first.Total, first.Band, dayMonth(first.On), last.Total, last.Band, dayMonth(last.On))
	if !lowerIsBetter || first.Total == last.Total {
		return s
	}
	if last.Total < first.Total {
		return s + " Lower is better: that is progress."
	}
	return s + " Lower is better: talk it over with your counselor."
}

func dayMonth(d model.Date) string { return d.Format("2 Jan") }

// Message is an email to a portal account. It never carries clinical
// details: no group or instrument names, no diagnoses, and the program's
// name only when the client allowed it.
type Message struct {
	Subject, Body string
}

// subject is a reminder's subject line: neutral unless the client chose to
// have the program named.
func subject(r Reminders, program string) string {
	if r.NameProgram && program != "" {
		return "A reminder from " + program
	}
	return "A reminder"
}

// SessionReminder is the email the day before a client's sessions: only
// the day and start times, and where to sign in for the rest.
func SessionReminder(r Reminders, program string, day model.Date, times []string, portalURL string) Message {
	what := "a session"
	if len(times) > 1 {
		what = fmt.Sprintf("%d sessions", len(times))
	}
	body := fmt.Sprintf("Hello,\n\nThis is a reminder that you have %s on %s, starting at %s.\n\n"+
		"Sign in to see the details or to tell us if you cannot come: %s\n\n"+
		"You asked for these reminders; you can turn them off in the portal's settings.\n",
		what, day.Format("Monday 2 January"), strings.Join(times, " and "), portalURL)
	return Message{Subject: subject(r, program), Body: body}
}

// QuestionnaireReminder is the email when a questionnaire is due.
func QuestionnaireReminder(r Reminders, program string, due model.Date, portalURL string) Message {
	body := fmt.Sprintf("Hello,\n\nYou have a short questionnaire to complete by %s. It takes a few minutes.\n\n"+
		"Sign in to complete it: %s\n\n"+
		"You asked for these reminders; you can turn them off in the portal's settings.\n",
		due.Format("Monday 2 January"), portalURL)
	return Message{Subject: subject(r, program), Body: body}
}

// Invitation is the email that carries an invitation link. Like every
// portal email it names neither the program nor treatment: whoever reads
// the inbox learns only that an account was offered.
func Invitation(link string, expires string) Message {
	body := fmt.Sprintf("Hello,\n\nYou have been invited to set up an account. Open this link to choose a sign-in name and a password:\n\n%s\n\n"+
		"The link works once, until %s. If you did not expect this message, you can ignore it.\n", link, expires)
	return Message{Subject: "Your invitation", Body: body}
}

package intensity

import (
	"crypto/rand"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// CheckIn is a client's arrival at a meeting, at the kiosk or the front
// desk. It is not attendance: the facilitator confirms it by taking
// attendance, which starts from it.
type CheckIn struct {
	SeriesID string
	Date     model.Date
	ClientID string
	At       time.Time
	Via      string // kiosk or desk
	ByName   string // the staff member at the desk
}

// Check-in channels.
const (
	ViaKiosk = "kiosk"
	ViaDesk  = "desk"
)

// Suggest is the mark a check-in proposes for a meeting that starts at
// start: present, or late by the whole minutes after the start once past a
// grace of five minutes.
func (c CheckIn) Suggest(start time.Time, minutes int) Mark {
	m := Mark{SeriesID: c.SeriesID, Date: c.Date, ClientID: c.ClientID, Status: Present}
	if late := int(c.At.Sub(start) / time.Minute); late > 5 {
		m.Status, m.Late = Late, min(late, minutes-1)
	}
	return m
}

// codeAlphabet leaves out letters and digits that read alike (0/O, 1/I/L,
// 2/Z, 5/S, 8/B).
const codeAlphabet = "ACDEFGHJKMNPQRTUVWXY34679"

// CodeLength is the length of a meeting's check-in code.
const CodeLength = 5

// NewMeetingCode draws a check-in code for one meeting from random (the
// caller passes crypto/rand.Reader: codes must not be guessable).
func NewMeetingCode(random io.Reader) (string, error) {
	var b strings.Builder
	for range CodeLength {
		n, err := rand.Int(random, big.NewInt(int64(len(codeAlphabet))))
		if err != nil {
			return "", err
		}
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// NormalizeCode reads a typed code: case and spaces do not matter.
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckInOpen reports whether a meeting from start lasting minutes takes
// check-ins at now: from an hour before it starts until it ends.
func CheckInOpen(start time.Time, minutes int, now time.Time) bool {
	return !now.Before(start.Add(-time.Hour)) && now.Before(start.Add(time.Duration(minutes)*time.Minute))
}

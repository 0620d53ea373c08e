// Package curriculum is a track's planned group topics: an ordered list
// that its groups work through one topic a week and then start again, so
// every meeting has a planned topic a facilitator can prepare and the group
// note starts from. Pure Go: it computes, the store keeps the lists.
package curriculum

import (
	"strings"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// Topic is one entry of a track's curriculum.
type Topic struct {
	ID       string
	TrackID  string
	Position int // 1-based order in the track's list
	Title    string
	Summary  string // what the group covers, for the facilitator
}

// Problems checks a topic before it is stored.
func (t Topic) Problems() map[string]string {
	out := map[string]string{}
	if n := utf8.RuneCountInString(strings.TrimSpace(t.Title)); n < 3 || n > 120 {
		out["title"] = "Name the topic in 3 to 120 characters."
	}
	if utf8.RuneCountInString(t.Summary) > 1000 {
		out["summary"] = "Keep the summary under 1,000 characters."
	}
	return out
}

// Planned is the topic a meeting on date works on, for a group that began
// on start: the week's topic, counting Monday-to-Sunday weeks from the
// start's, round the list. False when the list is empty or the date comes
// before the start.
func Planned(topics []Topic, start, date model.Date) (Topic, bool) {
	if len(topics) == 0 || date.Before(start) {
		return Topic{}, false
	}
	week := monday(start).DaysUntil(monday(date)) / 7
	return topics[week%len(topics)], true
}

func monday(d model.Date) model.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

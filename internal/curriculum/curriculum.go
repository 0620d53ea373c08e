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

// Meeting is one group meeting of a client's track, as the chart sees it.
type Meeting struct {
	Date       model.Date
	Planned    string // the curriculum's topic for that week, "" when none
	Documented string // the topic the signed group note records, "" when there is none
	Attended   bool   // present, late or left early; false when absent
}

// Progress is where a client stands on one topic of their track.
type Progress struct {
	Topic  Topic
	Status string     // "attended", "missed" (planned at a meeting they missed and not attended since) or "ahead"
	Date   model.Date // when attended, or the meeting missed
}

// ProgressOf says, for each topic of a track's curriculum, whether the
// client has attended a meeting that covered it, missed the meeting that
// planned it (so it is one to catch up), or not reached it yet. A meeting
// covered what its signed note records when that matches a topic, else the
// planned topic; titles compare without case or surrounding space.
func ProgressOf(topics []Topic, meetings []Meeting) []Progress {
	key := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	index := map[string]int{}
	out := make([]Progress, len(topics))
	for i, t := range topics {
		out[i] = Progress{Topic: t, Status: "ahead"}
		if _, dup := index[key(t.Title)]; !dup {
			index[key(t.Title)] = i
		}
	}
	covered := func(m Meeting) (int, bool) {
		if i, ok := index[key(m.Documented)]; ok && m.Documented != "" {
			return i, true
		}
		i, ok := index[key(m.Planned)]
		return i, ok && m.Planned != ""
	}
	for _, m := range meetings {
		if i, ok := covered(m); ok && m.Attended && (out[i].Status != "attended" || out[i].Date.Before(m.Date)) {
			out[i].Status, out[i].Date = "attended", m.Date
		}
	}
	for _, m := range meetings {
		if i, ok := covered(m); ok && !m.Attended && out[i].Status != "attended" && (out[i].Status != "missed" || out[i].Date.Before(m.Date)) {
			out[i].Status, out[i].Date = "missed", m.Date
		}
	}
	return out
}

package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/ical"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// Feeds cover the recent past and the months ahead: enough for a phone's
// calendar, small enough to build on every refresh.
const (
	feedDaysBack  = 30
	feedDaysAhead = 120
)

// calendarFeed serves a private iCalendar feed. The token in the address is
// the only credential (calendar apps cannot sign in), so it is long, random,
// stored only as a hash, revocable, and every fetch is audited. A client's
// feed shows their own groups and appointments with no other client's name.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	kind, owner, err := s.Store.CalendarOwner(r.Context(), token)
	if err != nil {
		return err
	}
	ctx := r.Context()
	org := s.organization(r)
	loc := org.Location()
	today := model.DateOf(s.Now().In(loc))
	from, to := today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead)
	start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	feed := ical.Feed{Zone: loc}
	var sf store.SeriesFilter
	af := store.AppointmentFilter{From: start, To: end, IncludeCancelled: true}
	rec := s.record(r)
	rec.Action, rec.Category, rec.EntityID = audit.ActionRead, "calendar.feed", owner
	switch kind {
	case store.FeedClient:
		sf.ClientID, af.ClientID, rec.ClientID = owner, owner, owner
		feed.Name = org.Name + " · my schedule"
	case store.FeedUser:
		sf.FacilitatorID, af.ClinicianID = owner, owner
		feed.Name = org.Name + " · my sessions"
	case store.FeedRoom:
		sf.Room, af.Room = owner, owner
		feed.Name = org.Name + " · " + owner
	default:
		return model.NotFound("web.calendarFeed", "calendar")
	}
	if kind == store.FeedClient || kind == store.FeedUser {
		rec.ActorID, rec.ActorRole = "calendar:"+kind+":"+owner, "calendar"
	}
	occ, err := s.Store.Occurrences(ctx, sf, from, to, loc)
	if err != nil {
		return err
	}
	for _, o := range occ {
		feed.Events = append(feed.Events, occurrenceEvent(o, org.Name))
	}
	appts, err := s.Store.Appointments(ctx, af)
	if err != nil {
		return err
	}
	for _, a := range appts {
		feed.Events = append(feed.Events, appointmentEvent(a, kind != store.FeedClient))
	}
	now := s.Now().UTC()
	for i := range feed.Events {
		feed.Events[i].Updated = now
	}
	slices.SortFunc(feed.Events, func(a, b ical.Event) int { return a.Start.Compare(b.Start) })
	if err := s.Audit.Record(ctx, rec); err != nil {
		return model.Wrap("web.calendarFeed", model.KindInternal, err)
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, feed); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// occurrenceEvent is a group meeting as a calendar event. Its UID is the
// series and the original date, so a moved or cancelled meeting updates
// the same event; SEQUENCE follows the series' version.
func occurrenceEvent(o schedule.Occurrence, center string) ical.Event {
	desc := o.Series.Type.Label()
	switch {
	case o.Closed != "":
		desc += ". Cancelled: the center is closed (" + o.Closed + ")."
	case o.Cancelled:
		desc += ". Cancelled" + reasonSuffix(o.Reason)
	case o.Moved:
		desc += ". Moved" + reasonSuffix(o.Reason)
	}
	loc := o.Series.Room
	if loc != "" {
		loc += ", " + center
	}
	return ical.Event{UID: fmt.Sprintf("group-%s-%s@openiop", o.Series.ID, o.Date.Format("20060102")), Sequence: o.Series.Version,
		Summary: o.Series.Title, Description: desc, Location: loc, URL: o.Series.TelehealthURL, Start: o.Start, End: o.End,
		Cancelled: o.Cancelled}
}

func reasonSuffix(r string) string {
	if r == "" {
		return "."
	}
	return ": " + r + "."
}

// appointmentEvent is an appointment as a calendar event; staff feeds name
// the client, a client's own feed names the clinician.
func appointmentEvent(a schedule.Appointment, staff bool) ical.Event {
	summary := a.Kind.Label() + " with " + a.ClinicianName
	if staff {
		summary = a.Kind.Label() + ": " + a.ClientName
	}
	return ical.Event{UID: "appointment-" + a.ID + "@openiop", Sequence: a.Version, Summary: summary, Location: a.Room,
		URL: a.TelehealthURL, Start: a.Start, End: a.End, Cancelled: a.Cancelled}
}

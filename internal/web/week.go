package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type weekDay struct {
	Date    model.Date
	Today   bool
	Entries []weekEntry
}

// weekEntry is one line of the week view: a group meeting or an appointment.
type weekEntry struct {
	Start, End time.Time
	Title      string
	Detail     string
	Room       string
	Who        string
	Enrolled   int
	Capacity   int
	Group      bool
	Cancelled  bool
	Note       string
	Link       string
}

type weekData struct {
	Days                   []weekDay
	From, Prev, Next       model.Date
	Tracks                 []store.TrackWithCount
	Clinicians             []model.User
	Rooms                  []string
	Track, Clinician, Room string
	Site                   string
	Sites                  []model.Site
	Day                    bool // one day instead of the week
	Date                   model.Date
	ShowNames              bool
	RoomFeedURL            string // a room's calendar address just made, shown once
}

// weekView is the program's week: group meetings with enrolment against
// capacity and appointments, by day, filtered by track, clinician or room.
// Client names appear only to roles that may search clients.
func (s *Server) weekView(w http.ResponseWriter, r *http.Request) error {
	return s.renderWeek(w, r, "")
}

// roomFeedCreate makes (or remakes) a room's private calendar address, for
// a screen by the door or the room's booking calendar.
func (s *Server) roomFeedCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.roomFeedCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	room := f.String("room", 60)
	if room == "" {
		return model.Invalid("web.roomFeedCreate", map[string]string{"room": "Choose a room."})
	}
	token, err := s.Store.CreateCalendarToken(r.Context(), store.FeedRoom, room, sessionOf(r).User.ID, s.record(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	r.URL.RawQuery = "room=" + url.QueryEscape(room)
	return s.renderWeek(w, r, s.Options.BaseURL+"/calendar/"+token+".ics")
}

func (s *Server) renderWeek(w http.ResponseWriter, r *http.Request, roomFeed string) error {
	ctx := r.Context()
	v := s.view(r, "Week", "schedule")
	loc := s.siteLocation(r)
	day := v.Today
	if d, err := model.ParseDate(r.URL.Query().Get("date")); err == nil {
		day = d
	}
	monday := day.AddDays(-((int(day.Weekday()) + 6) % 7))
	q := r.URL.Query()
	d := weekData{From: monday, Prev: monday.AddDays(-7), Next: monday.AddDays(7), Track: q.Get("track"), Clinician: q.Get("clinician"),
		Room: q.Get("room"), Site: q.Get("site"), Day: q.Get("view") == "day", Date: day, ShowNames: v.Can(string(auth.SearchClients)),
		RoomFeedURL: roomFeed}
	days := 7
	if d.Day {
		monday, days = day, 1
		d.From, d.Prev, d.Next = day, day.AddDays(-1), day.AddDays(1)
		v.Title = "Day"
	}
	var err error
	if d.Sites, err = s.Store.Sites(ctx); err != nil {
		return err
	}
	programs, err := s.Store.Programs(ctx)
	if err != nil {
		return err
	}
	atSite := map[string]bool{} // tracks of the chosen site's programs
	if d.Site != "" {
		inSite := map[string]bool{}
		for _, p := range programs {
			inSite[p.ID] = p.SiteID == d.Site
		}
		tracks, err := s.Store.Tracks(ctx)
		if err != nil {
			return err
		}
		for _, t := range tracks {
			atSite[t.ID] = inSite[t.ProgramID]
		}
	}
	if d.Tracks, err = s.Store.Tracks(ctx); err != nil {
		return err
	}
	users, err := s.Store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Active && (u.Role == model.RoleClinician || u.Role == model.RoleClinicalDirector) {
			d.Clinicians = append(d.Clinicians, u)
		}
	}
	all, err := s.Store.ListSeries(ctx, store.SeriesFilter{})
	if err != nil {
		return err
	}
	for _, sr := range all {
		if sr.Room != "" && !slices.Contains(d.Rooms, sr.Room) {
			d.Rooms = append(d.Rooms, sr.Room)
		}
	}
	slices.Sort(d.Rooms)
	occ, err := s.Store.Occurrences(ctx, store.SeriesFilter{TrackID: d.Track, FacilitatorID: d.Clinician, Room: d.Room}, monday, monday.AddDays(days-1), loc)
	if err != nil {
		return err
	}
	start := time.Date(monday.Year, monday.Month, monday.Day, 0, 0, 0, 0, loc)
	appts, err := s.Store.Appointments(ctx, store.AppointmentFilter{From: start, To: start.AddDate(0, 0, days), ClinicianID: d.Clinician, Room: d.Room})
	if err != nil {
		return err
	}
	mayOpen, err := s.groupOpener(r)
	if err != nil {
		return err
	}
	// Under the care-team rule a clinician sees colleagues' appointments as
	// busy time, without the names of clients they do not care for.
	named := map[string]bool{}
	if d.ShowNames && d.Track == "" && d.Site == "" {
		visible, err := careTeamOnly(s, r, appts, func(a schedule.Appointment) string { return a.ClientID })
		if err != nil {
			return err
		}
		for _, a := range visible {
			named[a.ClientID] = true
		}
	}
	for i := range days {
		date := monday.AddDays(i)
		wd := weekDay{Date: date, Today: date == v.Today}
		for _, o := range occ {
			if model.DateOf(o.Start.In(loc)) != date || (d.Site != "" && !atSite[o.Series.TrackID]) {
				continue
			}
			e := weekEntry{Start: o.Start, End: o.End, Title: o.Series.Title, Detail: o.Series.TrackName + " · " + o.Series.Type.Label(),
				Room: o.Series.Room, Who: o.Series.FacilitatorName, Enrolled: o.Series.Enrolled, Capacity: o.Series.MaxCapacity,
				Group: true, Cancelled: o.Cancelled, Link: "/program/tracks/" + o.Series.TrackID}
			if o.SubstituteName != "" {
				e.Who = o.SubstituteName + " (substitute for " + o.Series.FacilitatorName + ")"
			}
			if v.Can(string(auth.RecordAttendance)) && !o.Cancelled && mayOpen(o) {
				e.Link = "/program/groups/" + o.Series.ID + "/attendance?date=" + o.Date.String()
			}
			switch {
			case o.Closed != "":
				e.Note = "Center closed: " + o.Closed
			case o.Cancelled:
				e.Note = "Cancelled" + reasonSuffix(o.Reason)
			case o.Moved:
				e.Note = "Moved" + reasonSuffix(o.Reason)
			}
			wd.Entries = append(wd.Entries, e)
		}
		if d.Track == "" && d.Site == "" {
			for _, a := range appts {
				if model.DateOf(a.Start.In(loc)) != date {
					continue
				}
				e := weekEntry{Start: a.Start, End: a.End, Title: a.Kind.Label(), Room: a.Room, Who: a.ClinicianName}
				if named[a.ClientID] {
					e.Detail, e.Link = a.ClientName, "/clients/"+a.ClientID+"/schedule"
				}
				wd.Entries = append(wd.Entries, e)
			}
		}
		slices.SortFunc(wd.Entries, func(a, b weekEntry) int { return a.Start.Compare(b.Start) })
		d.Days = append(d.Days, wd)
	}
	if len(named) > 0 {
		ids := make([]string, 0, len(named))
		for id := range named {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if err := s.auditRead(r, audit.ActionQuery, "client.schedule", "", "week view "+monday.String()+"; shown="+strings.Join(ids, ",")); err != nil {
			return err
		}
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "week", &v)
}

package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/chart"
	"github.com/openiop/openiop/internal/web/form"
)

// siteLocation is the zone the program's calendar runs in: the center's.
func (s *Server) siteLocation(r *http.Request) *time.Location { return s.organization(r).Location() }

type trackPageData struct {
	Track  store.TrackWithCount
	Series []schedule.Series
	Types  []struct {
		Value schedule.GroupType
		Label string
	}
	Staff    []model.User
	Form     seriesForm
	Problems map[string]string
	Saved    string
	Closures []schedule.Closure
	Upcoming []schedule.Occurrence
	// The track's curriculum, the topic as typed and what is wrong with it.
	Topics       []curriculum.Topic
	Topic        curriculum.Topic
	TopicProblem map[string]string
}

// seriesForm is the "add a group" form as typed.
type seriesForm struct {
	Title, Type, Start, Minutes, From, Until, Facilitator, CoFacilitator, Room, Telehealth, Min, Max string
	Days                                                                                             []string
	Open                                                                                             bool
}

// HasDay reports whether the form has weekday d ticked.
func (f seriesForm) HasDay(d int) bool { return slices.Contains(f.Days, strconv.Itoa(d)) }

func (s *Server) loadTrack(r *http.Request) (store.TrackWithCount, error) {
	id := r.PathValue("tid")
	tracks, err := s.Store.Tracks(r.Context())
	if err != nil {
		return store.TrackWithCount{}, err
	}
	for _, t := range tracks {
		if t.ID == id {
			return t, nil
		}
	}
	return store.TrackWithCount{}, model.NotFound("web.loadTrack", "track")
}

// trackShow shows a track's groups with enrolment against capacity, the next
// two weeks' meetings, and (for directors) the form to add a group.
func (s *Server) trackShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderTrack(w, r, http.StatusOK, seriesForm{Minutes: "180", Max: "12", Min: "4", Open: true}, nil)
}

func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, status int, f seriesForm, problems map[string]string) error {
	return s.renderTrackWith(w, r, status, f, problems, nil, nil)
}

func (s *Server) renderTrackWith(w http.ResponseWriter, r *http.Request, status int, f seriesForm, problems map[string]string,
	topic *curriculum.Topic, topicProblems map[string]string) error {
	t, err := s.loadTrack(r)
	if err != nil {
		return err
	}
	v := s.view(r, t.Name+" track", "program")
	d := trackPageData{Track: t, Types: schedule.GroupTypes, Form: f, Problems: problems, Saved: r.URL.Query().Get("saved")}
	if d.Topics, err = s.Store.CurriculumTopics(r.Context(), t.ID); err != nil {
		return err
	}
	if topic != nil {
		d.Topic, d.TopicProblem = *topic, topicProblems
	}
	if d.Series, err = s.Store.ListSeries(r.Context(), store.SeriesFilter{TrackID: t.ID}); err != nil {
		return err
	}
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Active && (u.Role == model.RoleClinician || u.Role == model.RoleClinicalDirector) {
			d.Staff = append(d.Staff, u)
		}
	}
	if d.Form.From == "" {
		d.Form.From = v.Today.String()
	}
	if d.Closures, err = s.Store.Closures(r.Context()); err != nil {
		return err
	}
	if d.Upcoming, err = s.Store.Occurrences(r.Context(), store.SeriesFilter{TrackID: t.ID}, v.Today, v.Today.AddDays(13), s.siteLocation(r)); err != nil {
		return err
	}
	slices.SortFunc(d.Upcoming, func(a, b schedule.Occurrence) int { return a.Start.Compare(b.Start) })
	v.Data = d
	return s.pages.Page(w, status, "track", &v)
}

// seriesCreate adds a recurring group to a track.
func (s *Server) seriesCreate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTrack(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.seriesCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	in := seriesForm{Title: f.String("title", 120), Type: f.String("type", 30), Start: f.String("start", 5), Minutes: f.String("minutes", 4),
		From: f.String("from", 10), Until: f.String("until", 10), Facilitator: f.String("facilitator_id", 40),
		CoFacilitator: f.String("co_facilitator_id", 40), Room: f.String("room", 60), Telehealth: f.String("telehealth_url", 300),
		Min: f.String("min_capacity", 3), Max: f.String("max_capacity", 3), Days: f.Values("days", 7, 1), Open: f.String("cohort", 10) != "closed"}
	sr := schedule.Series{TrackID: t.ID, Title: in.Title, Type: schedule.GroupType(in.Type), Minutes: f.Int("minutes", 0),
		FacilitatorID: in.Facilitator, CoFacilitatorID: in.CoFacilitator, Room: in.Room, TelehealthURL: in.Telehealth,
		MinCapacity: f.Int("min_capacity", 0), MaxCapacity: f.Int("max_capacity", 0), OpenCohort: in.Open,
		Recurrence: schedule.Recurrence{From: f.Date("from"), Until: f.Date("until")}}
	if c, err := model.ParseClock(in.Start); err == nil {
		sr.Start = c
	} else {
		f.Problems["start"] = "Enter the start time as HH:MM, for example 18:00."
	}
	for _, d := range in.Days {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			f.Problems["days"] = "Choose days of the week."
			break
		}
		sr.Recurrence.Days = append(sr.Recurrence.Days, time.Weekday(n))
	}
	slices.Sort(sr.Recurrence.Days)
	f.Merge(sr.Problems())
	if f.OK() {
		err := s.Store.CreateSeries(r.Context(), &sr, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderTrack(w, r, http.StatusUnprocessableEntity, in, f.Problems)
	}
	http.Redirect(w, r, "/program/tracks/"+t.ID+"?saved=group", http.StatusSeeOther)
	return nil
}

// occurrenceChange cancels or moves one meeting of a group and tells its
// facilitators.
func (s *Server) occurrenceChange(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.Store.Series(r.Context(), r.PathValue("gid"))
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.occurrenceChange", model.KindInvalid, "The form could not be read: %v", err)
	}
	e := schedule.Exception{SeriesID: sr.ID, Date: f.Date("date"), Reason: f.String("reason", 300)}
	action := f.String("action", 10)
	if action == "substitute" {
		return s.substituteName(w, r, sr, f, e)
	}
	switch action {
	case "cancel":
		e.Cancelled = true
	case "move":
		e.NewDate = f.Date("new_date")
		c, err := model.ParseClock(f.String("new_start", 5))
		if err != nil || e.NewDate.IsZero() {
			f.Problems["new_date"] = "Give the new date and start time."
		}
		e.NewStart = c
	default:
		f.Problems["action"] = "Choose cancel, move or substitute."
	}
	if len(sr.Recurrence.Dates(e.Date, e.Date)) == 0 {
		f.Problems["date"] = "The group does not meet on that date."
	}
	if strings.TrimSpace(e.Reason) == "" {
		f.Problems["reason"] = "Give the reason; it is sent to the people affected."
	}
	if !f.OK() {
		return model.Invalid("web.occurrenceChange", f.Problems)
	}
	if err := s.Store.SetException(r.Context(), e, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program/tracks/"+sr.TrackID+"?saved=occurrence", http.StatusSeeOther)
	return nil
}

// substituteName names (or, with no one chosen, withdraws) the substitute
// facilitator for one meeting.
func (s *Server) substituteName(w http.ResponseWriter, r *http.Request, sr schedule.Series, f *form.Form, e schedule.Exception) error {
	if len(sr.Recurrence.Dates(e.Date, e.Date)) == 0 {
		f.Problems["date"] = "The group does not meet on that date."
	}
	if !f.OK() {
		return model.Invalid("web.substituteName", f.Problems)
	}
	who := f.String("substitute", 40)
	if err := s.Store.NameSubstitute(r.Context(), sr.ID, e.Date, who, e.Reason, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program/tracks/"+sr.TrackID+"?saved=substitute", http.StatusSeeOther)
	return nil
}

// seriesCapacity changes a group's minimum and maximum.
func (s *Server) seriesCapacity(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.Store.Series(r.Context(), r.PathValue("gid"))
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.seriesCapacity", model.KindInvalid, "The form could not be read: %v", err)
	}
	min, max := f.Int("min_capacity", sr.MinCapacity), f.Int("max_capacity", 0)
	if !f.OK() {
		return model.Invalid("web.seriesCapacity", f.Problems)
	}
	if err := s.Store.SetCapacity(r.Context(), sr.ID, min, max, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program/tracks/"+sr.TrackID+"?saved=capacity", http.StatusSeeOther)
	return nil
}

// seriesEnd ends a group after a last meeting and tells its facilitators.
func (s *Server) seriesEnd(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.Store.Series(r.Context(), r.PathValue("gid"))
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.seriesEnd", model.KindInvalid, "The form could not be read: %v", err)
	}
	last := f.Date("until")
	if last.IsZero() && f.OK() {
		f.Problems["until"] = "Enter the date of the last meeting."
	}
	if !f.OK() {
		return model.Invalid("web.seriesEnd", f.Problems)
	}
	if err := s.Store.EndSeries(r.Context(), sr.ID, last, f.String("reason", 300), sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program/tracks/"+sr.TrackID+"?saved=ended", http.StatusSeeOther)
	return nil
}

// closureCreate closes the center on a day: every group that day is
// cancelled and nothing can be booked.
func (s *Server) closureCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.closureCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	c := schedule.Closure{Date: f.Date("date"), Reason: f.String("reason", 200)}
	if !f.OK() {
		return model.Invalid("web.closureCreate", f.Problems)
	}
	if err := s.Store.AddClosure(r.Context(), c, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	back := f.String("back", 200)
	if !strings.HasPrefix(back, "/program") {
		back = "/program"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

type clientScheduleData struct {
	Client       model.Client
	Episode      *model.Episode
	Enrolments   []store.Enrolment
	Offered      []schedule.Series // groups of the client's program not yet joined
	PlannedMins  int
	MinimumMins  int
	ShortMins    int
	Meets        bool
	Availability schedule.Availability
	Appointments []schedule.Appointment
	Upcoming     []schedule.Occurrence
	Kinds        []struct {
		Value schedule.AppointmentKind
		Label string
	}
	Clinicians []model.User
	Book       bookForm
	Conflicts  []string
	SoftOnly   bool
	Problems   map[string]string
	Flash      string
	FlashWarn  bool // the flash is a warning (enrolled outside availability)
	FeedURL    string
	HasFeed    bool
	Weekdays   []weekday
	Week       *intensity.Week
	Alerts     []intensity.Alert
	Now        time.Time       // appointments that have begun can be documented
	WeeksChart template.HTML   // hours attended in the last weeks against the minimum
	Recent     []recentSession // sessions of the last 30 days, to document
	ThisWeek   bool            // Week is the current week (else an earlier one)
	PrevWeek   string          // query of the week before Week
	NextWeek   string          // query of the week after; empty when Week is the current week
}

type weekday struct {
	N     int
	Label string
}

type bookForm struct {
	Kind, ClinicianID, Date, Start, Minutes, Room, Telehealth, Family, Note string
}

// clientSchedule is a client's schedule: groups and planned weekly hours
// against the program's minimum, availability, appointments, calendar feed.
func (s *Server) clientSchedule(w http.ResponseWriter, r *http.Request) error {
	return s.renderClientSchedule(w, r, http.StatusOK, clientScheduleData{Book: bookForm{Minutes: "50", Kind: "individual"}})
}

func (s *Server) renderClientSchedule(w http.ResponseWriter, r *http.Request, status int, d clientScheduleData) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.view(r, "Schedule · "+c.DisplayName(), "clients")
	loc := s.siteLocation(r)
	d.Client = c
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		ep, err := s.Store.Episode(ctx, c.ID, c.Current.ID)
		if err != nil {
			return err
		}
		d.Episode = &ep
		d.MinimumMins = ep.MinWeeklyMinutes
	}
	if d.Enrolments, err = s.Store.Enrolments(ctx, c.ID); err != nil {
		return err
	}
	joined := map[string]bool{}
	for _, e := range d.Enrolments {
		joined[e.Series.ID] = true
		if e.Status == "enrolled" && activeOn(e.Series, v.Today) {
			d.PlannedMins += e.Series.WeeklyMinutes()
		}
	}
	if d.Episode != nil {
		prog, err := s.Store.Program(ctx, d.Episode.ProgramID)
		if err != nil {
			return err
		}
		week, alerts, err := s.clientWeek(r, c.ID, prog, v.Today)
		if err != nil {
			return err
		}
		d.Week, d.ThisWeek = &week, true
		// Alerts speak of absences and drug screens: clinical staff only.
		if v.Can(string(auth.ViewClinical)) {
			d.Alerts = alerts
		}
		// An earlier week, to look back on how it went.
		if asked, err := model.ParseDate(r.URL.Query().Get("week")); err == nil && intensity.Monday(asked).Before(week.From) {
			past, err := s.weekOf(r, c.ID, d.MinimumMins, intensity.Monday(asked))
			if err != nil {
				return err
			}
			d.Week, d.ThisWeek = &past, false
		}
		recent, err := s.recentWeeks(r, c.ID, d.MinimumMins, d.Week.From, 8)
		if err != nil {
			return err
		}
		d.WeeksChart = weeksChart(recent, d.Episode.AdmissionDate)
		d.PrevWeek = "?week=" + d.Week.From.AddDays(-7).String()
		if next := d.Week.From.AddDays(7); next.Before(week.From) {
			d.NextWeek = "?week=" + next.String()
		} else if !d.ThisWeek {
			d.NextWeek = "?"
		}
	}
	d.Meets = d.MinimumMins > 0 && d.PlannedMins >= d.MinimumMins
	d.ShortMins = max(0, d.MinimumMins-d.PlannedMins)
	if d.Episode != nil {
		tracks, err := s.Store.Tracks(ctx)
		if err != nil {
			return err
		}
		for _, t := range tracks {
			if t.ProgramID != d.Episode.ProgramID {
				continue
			}
			list, err := s.Store.ListSeries(ctx, store.SeriesFilter{TrackID: t.ID})
			if err != nil {
				return err
			}
			for _, sr := range list {
				if !joined[sr.ID] {
					d.Offered = append(d.Offered, sr)
				}
			}
		}
	}
	if d.Availability, err = s.Store.Availability(ctx, c.ID); err != nil {
		return err
	}
	now := s.Now()
	d.Now = now
	if d.Appointments, err = s.Store.Appointments(ctx, store.AppointmentFilter{From: now.Add(-24 * time.Hour), To: now.AddDate(0, 3, 0), ClientID: c.ID}); err != nil {
		return err
	}
	if v.Can(string(auth.RecordClinical)) || v.Can(string(auth.ManageSchedule)) {
		if d.Recent, err = s.recentSessions(r, c.ID, now); err != nil {
			return err
		}
	}
	if d.Upcoming, err = s.Store.Occurrences(ctx, store.SeriesFilter{ClientID: c.ID}, v.Today, v.Today.AddDays(13), loc); err != nil {
		return err
	}
	slices.SortFunc(d.Upcoming, func(a, b schedule.Occurrence) int { return a.Start.Compare(b.Start) })
	d.Kinds = schedule.AppointmentKinds
	users, err := s.Store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Active && (u.Role == model.RoleClinician || u.Role == model.RoleClinicalDirector) {
			d.Clinicians = append(d.Clinicians, u)
		}
	}
	if d.HasFeed, err = s.Store.HasCalendarToken(ctx, store.FeedClient, c.ID); err != nil {
		return err
	}
	for i := 0; i < 7; i++ {
		day := time.Weekday((i + 1) % 7) // Monday first
		d.Weekdays = append(d.Weekdays, weekday{int(day), day.String()})
	}
	if d.Book.Date == "" {
		d.Book.Date = v.Today.AddDays(1).String()
	}
	switch r.URL.Query().Get("saved") {
	case "":
	case "enrolled":
		d.Flash = "The client was enrolled."
	case "waitlisted":
		d.Flash = "The group is full: the client is on its waitlist and gets the next seat."
	case "booked":
		d.Flash = "The appointment was booked."
	case "availability":
		d.Flash = "Availability saved."
	}
	if err := s.auditRead(r, audit.ActionRead, "client.schedule", c.ID, ""); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, status, "client_schedule", &v)
}

// activeOn reports whether a series still meets on or after day.
func activeOn(s schedule.Series, day model.Date) bool {
	last := s.Recurrence.Last()
	return last.IsZero() || !last.Before(day)
}

// enrolmentCreate puts the client in a group of their program (or on its
// waitlist).
func (s *Server) enrolmentCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.enrolmentCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	id := f.String("series_id", 40)
	if !model.ValidID(id) {
		return model.Invalid("web.enrolmentCreate", map[string]string{"series_id": "Choose a group."})
	}
	status, err := s.Store.Enrol(r.Context(), id, c.ID, s.record(r))
	if err != nil {
		return err
	}
	// Enrolled outside the client's availability: enrolment goes ahead (the
	// client may change shifts), and the warning says why.
	loc := s.siteLocation(r)
	sr, err := s.Store.Series(r.Context(), id)
	if err != nil {
		return err
	}
	av, err := s.Store.Availability(r.Context(), c.ID)
	if err != nil {
		return err
	}
	today := model.DateOf(s.Now().In(loc))
	for _, o := range sr.Occurrences(today, today.AddDays(13), loc, nil, nil) {
		if why := av.Clashes(o.Start, o.End, loc); why != "" {
			return s.renderClientSchedule(w, r, http.StatusOK, clientScheduleData{Book: bookForm{Minutes: "50", Kind: "individual"},
				Flash: "The client was " + status + " in " + sr.Title + ". Please check with them: " + why + ".", FlashWarn: true})
		}
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/schedule?saved="+status, http.StatusSeeOther)
	return nil
}

// enrolmentRemove takes the client out of a group.
func (s *Server) enrolmentRemove(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	if err := s.Store.Unenrol(r.Context(), r.PathValue("gid"), c.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/schedule", http.StatusSeeOther)
	return nil
}

// availabilitySave replaces the client's busy windows (one per weekday
// ticked, same hours) and blackout dates.
func (s *Server) availabilitySave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.availabilitySave", model.KindInvalid, "The form could not be read: %v", err)
	}
	var av schedule.Availability
	label := f.String("busy_label", 60)
	if days := f.Values("busy_days", 7, 1); len(days) > 0 {
		from, errA := model.ParseClock(f.String("busy_from", 5))
		to, errB := model.ParseClock(f.String("busy_to", 5))
		if errA != nil || errB != nil || to <= from {
			f.Problems["busy_from"] = "Enter the busy hours as HH:MM, ending after they start."
		}
		for _, d := range days {
			n, err := strconv.Atoi(d)
			if err != nil || n < 0 || n > 6 {
				f.Problems["busy_days"] = "Choose days of the week."
				break
			}
			av.Busy = append(av.Busy, schedule.Busy{Day: time.Weekday(n), From: from, To: to, Label: label})
		}
	}
	for _, line := range strings.Split(f.String("blackouts", 2000), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		date, reason, _ := strings.Cut(line, " ")
		dd, err := model.ParseDate(date)
		if err != nil {
			f.Problems["blackouts"] = "Write one date per line as YYYY-MM-DD, then the reason."
			break
		}
		av.Blackouts = append(av.Blackouts, schedule.Blackout{Date: dd, Reason: strings.TrimSpace(reason)})
	}
	if !f.OK() {
		return s.renderClientSchedule(w, r, http.StatusUnprocessableEntity, clientScheduleData{Problems: f.Problems, Book: bookForm{Minutes: "50", Kind: "individual"}})
	}
	if err := s.Store.SetAvailability(r.Context(), c.ID, av, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/schedule?saved=availability", http.StatusSeeOther)
	return nil
}

// appointmentCreate books an appointment, refusing hard conflicts with a
// message naming each one, and asking for confirmation of soft ones.
func (s *Server) appointmentCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.appointmentCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	loc := s.siteLocation(r)
	b := bookForm{Kind: f.String("kind", 20), ClinicianID: f.String("clinician_id", 40), Date: f.String("date", 10), Start: f.String("start", 5),
		Minutes: f.String("minutes", 3), Room: f.String("room", 60), Telehealth: f.String("telehealth_url", 300), Family: f.String("family", 200),
		Note: f.String("note", 500)}
	a := schedule.Appointment{ClientID: c.ID, ClinicianID: b.ClinicianID, Kind: schedule.AppointmentKind(b.Kind), Room: b.Room,
		TelehealthURL: b.Telehealth, Family: b.Family, Note: b.Note}
	day, errD := model.ParseDate(b.Date)
	clock, errC := model.ParseClock(b.Start)
	mins, errM := strconv.Atoi(b.Minutes)
	if errD != nil || errC != nil {
		f.Problems["start"] = "Enter the date and start time."
	} else {
		a.Start = time.Date(day.Year, day.Month, day.Day, int(clock)/60, int(clock)%60, 0, 0, loc)
		if errM != nil || mins < 10 {
			f.Problems["minutes"] = "Enter the length in minutes (10 or more)."
		}
		a.End = a.Start.Add(time.Duration(mins) * time.Minute)
	}
	if f.OK() {
		f.Merge(a.Problems(s.Now()))
	}
	d := clientScheduleData{Book: b, Problems: f.Problems}
	if f.OK() {
		err := s.Store.BookAppointment(r.Context(), &a, loc, f.String("confirm", 5) == "yes", s.record(r))
		var ce *store.ErrConflicts
		switch {
		case errors.As(err, &ce):
			d.Conflicts, d.SoftOnly = ce.Conflicts.Messages(), !ce.Conflicts.Hard()
			status := http.StatusConflict
			if d.SoftOnly {
				status = http.StatusUnprocessableEntity
			}
			return s.renderClientSchedule(w, r, status, d)
		case model.FieldsOf(err) != nil:
			d.Problems = model.FieldsOf(err)
		case err != nil:
			return err
		default:
			http.Redirect(w, r, "/clients/"+c.ID+"/schedule?saved=booked", http.StatusSeeOther)
			return nil
		}
	}
	return s.renderClientSchedule(w, r, http.StatusUnprocessableEntity, d)
}

// appointmentCancel cancels a client's appointment.
func (s *Server) appointmentCancel(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.appointmentCancel", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := s.Store.CancelAppointment(r.Context(), c.ID, r.PathValue("apid"), f.String("reason", 200), s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/schedule", http.StatusSeeOther)
	return nil
}

// clientFeedCreate makes (or remakes) the client's private calendar address
// and shows it once.
func (s *Server) clientFeedCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	token, err := s.Store.CreateCalendarToken(r.Context(), store.FeedClient, c.ID, sessionOf(r).User.ID, s.record(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderClientSchedule(w, r, http.StatusOK, clientScheduleData{Book: bookForm{Minutes: "50", Kind: "individual"},
		FeedURL: s.Options.BaseURL + "/calendar/" + token + ".ics"})
}

// clientFeedRevoke ends the client's calendar address.
func (s *Server) clientFeedRevoke(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	if err := s.Store.RevokeCalendarTokens(r.Context(), store.FeedClient, c.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/schedule", http.StatusSeeOther)
	return nil
}

// weeksChart draws hours attended per week against the program minimum,
// from the week of admission on, leaving out weeks with nothing recorded.
func weeksChart(weeks []intensity.Week, admitted model.Date) template.HTML {
	c := chart.Bars{Title: "Hours attended each week", Unit: "hours"}
	for _, w := range weeks {
		if w.From.AddDays(6).Before(admitted) || (w.Scheduled > 0 && w.Unmarked == w.Scheduled) {
			continue // before admission, or a past week whose attendance nobody recorded
		}
		c.Target = float64(w.Minimum) / 60
		hours := float64(w.Attended) / 60
		c.Bars = append(c.Bars, chart.Bar{Label: w.From.Format("Jan 2"), Value: hours,
			Title: fmt.Sprintf("Week of %s: %s of %s hours attended", w.From.Format("Jan 2"), strconv.FormatFloat(hours, 'f', -1, 64),
				strconv.FormatFloat(c.Target, 'f', -1, 64))})
	}
	if len(c.Bars) < 2 {
		return "" // one week is already told in words above
	}
	return chart.RenderBars(c)
}

// recentSession is an appointment that took place, with its note's state.
type recentSession struct {
	schedule.Appointment
	Note string // "", "draft" or "signed"
}

// recentSessions lists a client's appointments of the last 30 days that
// have begun, newest first, with whether each is documented.
func (s *Server) recentSessions(r *http.Request, clientID string, now time.Time) ([]recentSession, error) {
	appts, err := s.Store.Appointments(r.Context(), store.AppointmentFilter{From: now.AddDate(0, 0, -30), To: now, ClientID: clientID})
	if err != nil {
		return nil, err
	}
	written, err := s.Store.ClientSessionNotes(r.Context(), clientID)
	if err != nil {
		return nil, err
	}
	state := map[string]string{}
	for _, n := range written {
		state[n.AppointmentID] = map[bool]string{true: "signed", false: "draft"}[n.Signed]
	}
	var out []recentSession
	for i := len(appts) - 1; i >= 0; i-- {
		out = append(out, recentSession{Appointment: appts[i], Note: state[appts[i].ID]})
	}
	return out, nil
}

// appointmentNoShow records that the client did not come to a session that
// has begun (or, with undo, takes that back): it is then neither a note to
// write nor a service.
func (s *Server) appointmentNoShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.appointmentNoShow", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := s.Store.SetNoShow(r.Context(), c.ID, r.PathValue("apid"), f.String("undo", 3) != "1", sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/schedule#recent-title", http.StatusSeeOther)
	return nil
}

// curriculumAdd puts a topic at the end of the track's curriculum.
func (s *Server) curriculumAdd(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTrack(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.curriculumAdd", model.KindInvalid, "The form could not be read: %v", err)
	}
	topic := curriculum.Topic{TrackID: t.ID, Title: f.String("title", 200), Summary: f.String("summary", 2000)}
	f.Merge(topic.Problems())
	if f.OK() {
		err = s.Store.AddCurriculumTopic(r.Context(), &topic, sessionOf(r).User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderTrackTopic(w, r, topic, f.Problems)
	}
	http.Redirect(w, r, "/program/tracks/"+url.PathEscape(t.ID)+"?saved=topic#curriculum", http.StatusSeeOther)
	return nil
}

// renderTrackTopic shows the track page again with the topic form's problems.
func (s *Server) renderTrackTopic(w http.ResponseWriter, r *http.Request, topic curriculum.Topic, problems map[string]string) error {
	return s.renderTrackWith(w, r, http.StatusUnprocessableEntity, seriesForm{Minutes: "180", Max: "12", Min: "4", Open: true}, nil, &topic, problems)
}

// curriculumRemove takes a topic out of the track's curriculum.
func (s *Server) curriculumRemove(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTrack(r)
	if err != nil {
		return err
	}
	id := r.PathValue("cid")
	if !model.ValidID(id) {
		return model.NotFound("web.curriculumRemove", "topic")
	}
	if err := s.Store.RemoveCurriculumTopic(r.Context(), t.ID, id, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program/tracks/"+url.PathEscape(t.ID)+"?saved=topic-removed#curriculum", http.StatusSeeOther)
	return nil
}

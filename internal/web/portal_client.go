package web

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/ical"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// Every portal page reads the client from the session, never from the
// address: there is no client id in a portal URL to change. Identifiers
// that are in a portal URL or form (an assignment, an absence, a plan, a
// meeting) are looked up within the signed-in client's own records, so
// another client's id finds nothing (the same 404 as a missing record).

// portalClient is the signed-in client's record. Family accounts have
// pages of their own; the client pages are not found for them.
func (s *Server) portalClient(r *http.Request) (model.Client, error) {
	ps := portalOf(r)
	if ps == nil || ps.Account.Kind != portal.KindClient {
		return model.Client{}, model.NotFound("web.portalClient", "page")
	}
	return s.Store.Client(r.Context(), ps.Account.ClientID)
}

// portalForm starts a client's portal action: their record and the posted form.
func (s *Server) portalForm(w http.ResponseWriter, r *http.Request, op string) (model.Client, *form.Form, error) {
	c, err := s.portalClient(r)
	if err != nil {
		return c, nil, err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return c, nil, model.Errorf(op, model.KindInvalid, "The form could not be read: %v", err)
	}
	return c, f, nil
}

// portalView is the common page data of a portal page.
func (s *Server) portalView(r *http.Request, title, nav string) view {
	v := s.view(r, title, nav)
	v.PortalChrome = true
	return v
}

// portalEvent is a group meeting or an appointment as the client sees it.
type portalEvent struct {
	Title      string
	Kind       string // what it is in words
	When       string // day and time in the center's zone, e.g. "Mon 30 Nov, 6:00 pm"
	Day, Time  string // the same in two parts, "Mon 30 Nov" and "6:00 pm"
	UnderDay   bool   // listed under its day's heading: the day is not repeated
	Start, End time.Time
	Room       string
	Telehealth string
	Cancelled  bool
	Note       string // why cancelled or moved
	SeriesID   string // group meetings: the series and its original date
	Date       model.Date
	AppointID  string
	ApptKind   schedule.AppointmentKind
	Absence    string // what the client told the program about missing it
}

func (e *portalEvent) setWhen(loc *time.Location) {
	t := e.Start.In(loc)
	e.Day, e.Time = t.Format("Mon 2 Jan"), t.Format("3:04 pm")
	e.When = e.Day + ", " + e.Time
}

// Minutes is the event's length.
func (e portalEvent) Minutes() int { return int(e.End.Sub(e.Start).Minutes()) }

// Key names a group meeting in the absence form ("series|date").
func (e portalEvent) Key() string { return e.SeriesID + "|" + e.Date.String() }

// ICS is the address of the event's own calendar file.
func (e portalEvent) ICS() string {
	if e.AppointID != "" {
		return "/portal/schedule/event.ics?appointment=" + e.AppointID
	}
	return "/portal/schedule/event.ics?group=" + e.SeriesID + "&date=" + e.Date.String()
}

// portalEvents lists the client's meetings and appointments that start
// between from and to (site-local days), soonest first.
func (s *Server) portalEvents(r *http.Request, clientID string, from, to model.Date) ([]portalEvent, error) {
	ctx := r.Context()
	loc := s.siteLocation(r)
	occ, err := s.Store.Occurrences(ctx, store.SeriesFilter{ClientID: clientID}, from, to, loc)
	if err != nil {
		return nil, err
	}
	absences, err := s.Store.Absences(ctx, store.AbsenceQuery{ClientID: clientID, From: from})
	if err != nil {
		return nil, err
	}
	told := map[string]string{}
	for _, a := range absences {
		if a.Status != portal.AbsenceWithdrawn {
			told[a.SeriesID+"|"+a.Date.String()] = a.Status.Label()
		}
	}
	var out []portalEvent
	for _, o := range occ {
		e := portalEvent{Title: o.Series.Title, Kind: o.Series.Type.Label(), Start: o.Start, End: o.End, Room: o.Series.Room,
			Telehealth: o.Series.TelehealthURL, Cancelled: o.Cancelled, SeriesID: o.Series.ID, Date: o.Date}
		switch {
		case o.Closed != "":
			e.Note = "The center is closed: " + o.Closed
		case o.Reason != "":
			e.Note = o.Reason
		}
		e.Absence = told[e.Key()]
		out = append(out, e)
	}
	start, end := from.In(loc), to.AddDays(1).In(loc)
	appts, err := s.Store.Appointments(ctx, store.AppointmentFilter{ClientID: clientID, From: start, To: end})
	if err != nil {
		return nil, err
	}
	for _, a := range appts {
		out = append(out, portalEvent{Title: a.Kind.Label() + " with " + a.ClinicianName, Kind: a.Kind.Label(), Start: a.Start, End: a.End,
			Room: a.Room, Telehealth: a.TelehealthURL, Cancelled: a.Cancelled, AppointID: a.ID, ApptKind: a.Kind})
	}
	slices.SortFunc(out, func(a, b portalEvent) int { return a.Start.Compare(b.Start) })
	for i := range out {
		out[i].setWhen(loc)
	}
	return out, nil
}

type portalHomeData struct {
	Client     model.Client
	Next       []portalEvent
	Week       *intensity.Week
	MakeUp     []portalEvent // open groups of the program this week that would make up hours
	Due        []care.Assignment
	CheckedIn  *portal.CheckIn
	HasRelapse bool
	Trends     []string
	NoEpisode  bool
}

// LeftMinutes is what the week still needs to reach the minimum.
func (d portalHomeData) LeftMinutes() int {
	if d.Week == nil {
		return 0
	}
	return max(0, d.Week.Minimum-d.Week.Attended)
}

// portalHome is the client's home: crisis help (in the header), the next
// sessions, this week's hours against the minimum, what is due, and the
// relapse-prevention plan one tap away.
func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) error {
	if portalOf(r).Account.Kind == portal.KindFamily {
		return s.familyHome(w, r)
	}
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.portalView(r, "My portal", "portal")
	d := portalHomeData{Client: c}
	now := s.Now()
	events, err := s.portalEvents(r, c.ID, v.Today, v.Today.AddDays(7))
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.End.After(now) && len(d.Next) < 4 {
			d.Next = append(d.Next, e)
		}
	}
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		prog, err := s.Store.Program(ctx, c.Current.ProgramID)
		if err != nil {
			return err
		}
		week, err := s.weekOf(r, c.ID, prog.MinWeeklyMinutes, intensity.Monday(v.Today))
		if err != nil {
			return err
		}
		d.Week = &week
		if !week.Meets() && week.Attended+week.Possible < week.Minimum {
			if d.MakeUp, err = s.makeUpMeetings(r, c.ID, prog.ID, v.Today, week.From.AddDays(6)); err != nil {
				return err
			}
		}
	} else {
		d.NoEpisode = true
	}
	if d.Due, err = s.Store.OpenAssignments(ctx, c.ID); err != nil {
		return err
	}
	d.Due = slices.DeleteFunc(d.Due, func(a care.Assignment) bool {
		in := instrument.Get(a.Instrument)
		return in == nil || in.ClinicianAdministered
	})
	checkins, err := s.Store.DailyCheckIns(ctx, c.ID, v.Today)
	if err != nil {
		return err
	}
	if len(checkins) > 0 {
		d.CheckedIn = &checkins[0]
	}
	rpp, err := s.Store.RelapsePlans(ctx, c.ID)
	if err != nil {
		return err
	}
	d.HasRelapse = len(rpp) > 0
	ms, err := s.Store.Measures(ctx, c.ID)
	if err != nil {
		return err
	}
	d.Trends = plainTrends(ms)
	if err := s.auditRead(r, audit.ActionRead, "client.portal", c.ID, "portal home"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "portal_home", &v)
}

// plainTrends says each instrument's trend in words, for the instruments
// whose higher scores mean more symptoms (PHQ-9, GAD-7 and the like).
func plainTrends(ms []care.Measure) []string {
	byCode := map[string][]portal.Score{}
	var order []string
	for _, m := range ms {
		in := instrument.Get(m.Instrument)
		if in == nil || in.ClinicianAdministered {
			continue
		}
		if _, ok := byCode[m.Instrument]; !ok {
			order = append(order, m.Instrument)
		}
		byCode[m.Instrument] = append(byCode[m.Instrument], portal.Score{On: m.On, Total: m.Result.Total, Band: strings.ToLower(m.Result.Band)})
	}
	var out []string
	for _, code := range order {
		out = append(out, portal.TrendWords(shortTitle(code), byCode[code], true))
	}
	return out
}

// shortTitle is an instrument's name as people say it ("PHQ-9").
func shortTitle(code string) string { return strings.ToUpper(code) }

// makeUpMeetings lists meetings of open groups in the client's program,
// from now to the end of the week, that the client is not in: what would
// make up missed hours, with the counselor's agreement.
func (s *Server) makeUpMeetings(r *http.Request, clientID, programID string, from, to model.Date) ([]portalEvent, error) {
	ctx := r.Context()
	tracks, err := s.Store.Tracks(ctx)
	if err != nil {
		return nil, err
	}
	inProgram := map[string]bool{}
	for _, t := range tracks {
		if t.ProgramID == programID {
			inProgram[t.ID] = true
		}
	}
	enrolments, err := s.Store.Enrolments(ctx, clientID)
	if err != nil {
		return nil, err
	}
	joined := map[string]bool{}
	for _, e := range enrolments {
		joined[e.Series.ID] = true
	}
	occ, err := s.Store.Occurrences(ctx, store.SeriesFilter{}, from, to, s.siteLocation(r))
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []portalEvent
	for _, o := range occ {
		if !inProgram[o.Series.TrackID] || joined[o.Series.ID] || !o.Series.OpenCohort || o.Cancelled || !o.Start.After(now) {
			continue
		}
		e := portalEvent{Title: o.Series.Title, Kind: o.Series.Type.Label(), Start: o.Start, End: o.End, Room: o.Series.Room}
		e.setWhen(s.siteLocation(r))
		out = append(out, e)
		if len(out) == 4 {
			break
		}
	}
	return out, nil
}

type portalCheckInData struct {
	CheckIn  portal.CheckIn
	Used     string // the answer as given, "yes", "no" or none
	Done     bool
	Today    *portal.CheckIn
	Problems map[string]string
	Scale    []int
}

func (s *Server) portalCheckInPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	v := s.portalView(r, "Daily check-in", "portal")
	today, err := s.Store.DailyCheckIns(r.Context(), c.ID, v.Today)
	if err != nil {
		return err
	}
	d := portalCheckInData{CheckIn: portal.CheckIn{Craving: -1, Mood: -1}, Scale: zeroToTen}
	if len(today) > 0 {
		d.Today = &today[0]
		if err := s.auditRead(r, audit.ActionRead, "client.checkin", c.ID, "today's check-in"); err != nil {
			return err
		}
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "portal_checkin", &v)
}

var zeroToTen = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

// portalCheckIn stores the day's check-in and answers it: crisis guidance
// first when the mood is very low.
func (s *Server) portalCheckIn(w http.ResponseWriter, r *http.Request) error {
	c, f, err := s.portalForm(w, r, "web.portalCheckIn")
	if err != nil {
		return err
	}
	v := s.portalView(r, "Daily check-in", "portal")
	ci := portal.CheckIn{ClientID: c.ID, Day: v.Today, Craving: scaleAnswer(f, "craving"), Mood: scaleAnswer(f, "mood"),
		Note: f.String("note", portal.MaxNote+1)}
	used := f.OneOf("used", []string{"yes", "no"}, true, "Say whether you used since your last check-in.")
	ci.Used = used == "yes"
	f.Merge(ci.Problems())
	if !f.OK() {
		v.Data = portalCheckInData{CheckIn: ci, Used: used, Problems: f.Problems, Scale: zeroToTen}
		return s.pages.Page(w, http.StatusUnprocessableEntity, "portal_checkin", &v)
	}
	if err := s.Store.SaveDailyCheckIn(r.Context(), &ci, s.record(r)); err != nil {
		return err
	}
	v.Data = portalCheckInData{CheckIn: ci, Done: true}
	return s.pages.Page(w, http.StatusOK, "portal_checkin", &v)
}

// scaleAnswer reads a 0-10 answer; a missing or malformed one is -1, which
// the check-in's own rules refuse with a message.
func scaleAnswer(f *form.Form, name string) int {
	n, err := strconv.Atoi(f.String(name, 2))
	if err != nil {
		return -1
	}
	return n
}

type portalMeasureData struct {
	Assignment care.Assignment
	Instrument *instrument.Instrument
	Answers    map[string]int
	Problems   map[string]string
	Result     *care.Measure
}

// Answered reports whether item id was answered v.
func (d portalMeasureData) Answered(id string, v int) bool {
	a, ok := d.Answers[id]
	return ok && a == v
}

// portalAssignment finds one of the signed-in client's open assignments
// that they can complete themselves.
func (s *Server) portalAssignment(r *http.Request, clientID string) (care.Assignment, *instrument.Instrument, error) {
	id := r.PathValue("asid")
	open, err := s.Store.OpenAssignments(r.Context(), clientID)
	if err != nil {
		return care.Assignment{}, nil, err
	}
	for _, a := range open {
		if a.ID == id {
			if in := instrument.Get(a.Instrument); in != nil && !in.ClinicianAdministered {
				return a, in, nil
			}
		}
	}
	return care.Assignment{}, nil, model.NotFound("web.portalAssignment", "questionnaire")
}

func (s *Server) portalMeasurePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	a, in, err := s.portalAssignment(r, c.ID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.measure", c.ID, "assignment="+a.ID); err != nil {
		return err
	}
	v := s.portalView(r, in.Title, "portal")
	v.Data = portalMeasureData{Assignment: a, Instrument: in, Answers: map[string]int{}}
	return s.pages.Page(w, http.StatusOK, "portal_measure", &v)
}

// portalMeasure scores the client's answers and stores them as a measure
// they reported themselves. The store raises the same safety alert as in
// session, and the answer page shows crisis guidance first when an answer
// calls for it.
func (s *Server) portalMeasure(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	a, in, err := s.portalAssignment(r, c.ID)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.portalMeasure", model.KindInvalid, "The form could not be read: %v", err)
	}
	_, off, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	v := s.portalView(r, in.Title, "portal")
	m := care.Measure{ClientID: c.ID, Instrument: in.Code, On: v.Today, Answers: readAnswers(f, in),
		Sex: instrument.Sex(c.SexAtBirth), SelfReported: true}
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		m.EpisodeID = c.Current.ID
	}
	if f.OK() {
		err = care.Score(&m, !off[in.Code], v.Today)
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		v.Data = portalMeasureData{Assignment: a, Instrument: in, Answers: m.Answers, Problems: f.Problems}
		return s.pages.Page(w, http.StatusUnprocessableEntity, "portal_measure", &v)
	}
	if err := s.Store.CreateMeasure(r.Context(), &m, s.record(r)); err != nil {
		return err
	}
	v.Data = portalMeasureData{Assignment: a, Instrument: in, Result: &m}
	return s.pages.Page(w, http.StatusOK, "portal_measure", &v)
}

// readAnswers reads an instrument's answers from a form; an answer that is
// not a number is a problem on its item, a missing one is left for the
// instrument's own check to name.
func readAnswers(f *form.Form, in *instrument.Instrument) map[string]int {
	answers := map[string]int{}
	for _, it := range in.Items {
		raw := f.String(it.ID, 3)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			f.Problems[it.ID] = "Choose one of the answers."
			continue
		}
		answers[it.ID] = n
	}
	return answers
}

type portalScheduleData struct {
	Days     []portalDay
	FeedURL  string // shown once, right after the client asks for it
	HasFeed  bool
	FeedDone bool
}

type portalDay struct {
	Date   model.Date
	Events []portalEvent
}

// portalSchedule lists the next two weeks, each event with its own
// calendar file, and offers the private calendar subscription.
func (s *Server) portalSchedule(w http.ResponseWriter, r *http.Request) error {
	return s.renderPortalSchedule(w, r, "")
}

func (s *Server) renderPortalSchedule(w http.ResponseWriter, r *http.Request, feedURL string) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	v := s.portalView(r, "My schedule", "schedule")
	events, err := s.portalEvents(r, c.ID, v.Today, v.Today.AddDays(13))
	if err != nil {
		return err
	}
	d := portalScheduleData{FeedURL: feedURL}
	loc := s.siteLocation(r)
	for _, e := range events {
		day := model.DateOf(e.Start.In(loc))
		if n := len(d.Days); n == 0 || d.Days[n-1].Date != day {
			d.Days = append(d.Days, portalDay{Date: day})
		}
		e.UnderDay = true
		d.Days[len(d.Days)-1].Events = append(d.Days[len(d.Days)-1].Events, e)
	}
	if d.HasFeed, err = s.Store.HasCalendarToken(r.Context(), store.FeedClient, c.ID); err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.schedule", c.ID, "portal schedule"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "portal_schedule", &v)
}

// portalFeedCreate makes the client's private calendar address (replacing
// any earlier one, which stops working) and shows it once.
func (s *Server) portalFeedCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	token, err := s.Store.CreateCalendarToken(r.Context(), store.FeedClient, c.ID, "", s.record(r))
	if err != nil {
		return err
	}
	return s.renderPortalSchedule(w, r, s.Options.BaseURL+"/calendar/"+token+".ics")
}

// portalEventICS is one meeting or appointment as a calendar file, to add
// to a phone's calendar without subscribing.
func (s *Server) portalEventICS(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	org := s.organization(r)
	loc := org.Location()
	feed := ical.Feed{Zone: loc, Name: org.Name}
	switch {
	case q.Get("appointment") != "":
		appts, err := s.Store.Appointments(r.Context(), store.AppointmentFilter{ClientID: c.ID, From: s.Now().AddDate(0, 0, -7), To: s.Now().AddDate(0, 3, 0)})
		if err != nil {
			return err
		}
		for _, a := range appts {
			if a.ID == q.Get("appointment") {
				feed.Events = append(feed.Events, appointmentEvent(a, false))
			}
		}
	default:
		day, err := model.ParseDate(q.Get("date"))
		if err != nil {
			return model.NotFound("web.portalEventICS", "meeting")
		}
		occ, err := s.Store.Occurrences(r.Context(), store.SeriesFilter{ClientID: c.ID}, day, day, loc)
		if err != nil {
			return err
		}
		for _, o := range occ {
			if o.Series.ID == q.Get("group") && o.Date == day {
				feed.Events = append(feed.Events, occurrenceEvent(o, org.Name))
			}
		}
	}
	if len(feed.Events) != 1 {
		return model.NotFound("web.portalEventICS", "meeting")
	}
	feed.Events[0].Updated = s.Now().UTC()
	if err := s.auditRead(r, audit.ActionExport, "client.schedule", c.ID, "one event as a calendar file"); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, feed); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="session.ics"`)
	_, err = w.Write(buf.Bytes())
	return err
}

type portalAttendanceData struct {
	Marks    []portalMark
	Upcoming []portalEvent // group meetings the client can say they will miss
	Absences []portal.Absence
	Reason   string
	Meeting  string
	Problems map[string]string
	Told     bool
}

type portalMark struct {
	Date    model.Date
	Title   string
	Status  string
	Tone    string // the badge colour: ok, warn, danger or brand
	Minutes int
}

// markTone is how a status is coloured for the client.
func markTone(s intensity.Status) string {
	switch s {
	case intensity.Present:
		return "ok"
	case intensity.Late, intensity.LeftEarly:
		return "warn"
	case intensity.AbsentUnexcused:
		return "danger"
	}
	return "brand"
}

func (s *Server) portalAttendance(w http.ResponseWriter, r *http.Request) error {
	return s.renderPortalAttendance(w, r, http.StatusOK, portalAttendanceData{Told: r.URL.Query().Get("told") == "1"})
}

func (s *Server) renderPortalAttendance(w http.ResponseWriter, r *http.Request, status int, d portalAttendanceData) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.portalView(r, "My attendance", "attendance")
	marks, err := s.Store.ClientMarks(ctx, c.ID, v.Today.AddDays(-56))
	if err != nil {
		return err
	}
	series, err := s.Store.ListSeries(ctx, store.SeriesFilter{})
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, g := range series {
		titles[g.ID] = g.Title
	}
	for i := len(marks) - 1; i >= 0; i-- {
		m := marks[i]
		if m.Date.After(v.Today) {
			continue // an excused absence told ahead shows with the notices
		}
		d.Marks = append(d.Marks, portalMark{Date: m.Date, Title: titles[m.SeriesID], Status: m.Status.Label(), Tone: markTone(m.Status), Minutes: m.Minutes})
	}
	events, err := s.portalEvents(r, c.ID, v.Today, v.Today.AddDays(13))
	if err != nil {
		return err
	}
	now := s.Now()
	for _, e := range events {
		if e.SeriesID != "" && !e.Cancelled && e.Start.After(now) && e.Absence == "" {
			d.Upcoming = append(d.Upcoming, e)
		}
	}
	if d.Absences, err = s.Store.Absences(ctx, store.AbsenceQuery{ClientID: c.ID, From: v.Today.AddDays(-28)}); err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.attendance", c.ID, "portal attendance"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, status, "portal_attendance", &v)
}

// portalAbsenceCreate tells the program ahead of time that the client will
// miss a meeting of one of their groups.
func (s *Server) portalAbsenceCreate(w http.ResponseWriter, r *http.Request) error {
	c, f, err := s.portalForm(w, r, "web.portalAbsenceCreate")
	if err != nil {
		return err
	}
	d := portalAttendanceData{Meeting: f.String("meeting", 80), Reason: f.String("reason", portal.MaxNote+1)}
	v := s.portalView(r, "", "")
	events, err := s.portalEvents(r, c.ID, v.Today, v.Today.AddDays(13))
	if err != nil {
		return err
	}
	var chosen *portalEvent
	for i, e := range events {
		if e.SeriesID != "" && !e.Cancelled && e.Key() == d.Meeting {
			chosen = &events[i]
		}
	}
	problems := map[string]string{}
	if chosen == nil {
		problems["meeting"] = "Choose one of your meetings in the next two weeks."
	} else {
		problems = portal.AbsenceProblems(d.Reason, chosen.Start, s.Now())
	}
	if len(problems) > 0 {
		d.Problems = problems
		return s.renderPortalAttendance(w, r, http.StatusUnprocessableEntity, d)
	}
	a := portal.Absence{ClientID: c.ID, SeriesID: chosen.SeriesID, Date: chosen.Date, Reason: d.Reason}
	if err := s.Store.ReportAbsence(r.Context(), &a, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/attendance?told=1", http.StatusSeeOther)
	return nil
}

// portalAbsenceWithdraw takes back a pending notice: the client will come.
func (s *Server) portalAbsenceWithdraw(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("abid")
	if !model.ValidID(id) {
		return model.NotFound("web.portalAbsenceWithdraw", "absence notice")
	}
	if err := s.Store.WithdrawAbsence(r.Context(), c.ID, id, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/attendance", http.StatusSeeOther)
	return nil
}

type portalPlansData struct {
	Plan     *plan.Plan // the newest signed version
	Relapse  relapseData
	Signed   bool
	Problems map[string]string
	Typed    string
}

// portalPlans shows the client's signed treatment plan (to read and sign)
// and their relapse-prevention plan (to read and change).
func (s *Server) portalPlans(w http.ResponseWriter, r *http.Request) error {
	return s.renderPortalPlans(w, r, http.StatusOK, portalPlansData{Signed: r.URL.Query().Get("signed") == "1"}, nil, nil)
}

func (s *Server) renderPortalPlans(w http.ResponseWriter, r *http.Request, status int, d portalPlansData, typed *relapse.Plan, rppProblems map[string]string) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.portalView(r, "My plans", "plans")
	plans, err := s.Store.TreatmentPlans(ctx, c.ID)
	if err != nil {
		return err
	}
	for i := range plans {
		if plans[i].Signed() {
			d.Plan = &plans[i]
			break
		}
	}
	versions, err := s.Store.RelapsePlans(ctx, c.ID)
	if err != nil {
		return err
	}
	rd := relapseData{Client: c, Crisis: relapse.CrisisSteps(v.Org.Name, v.Org.Phone), Problems: rppProblems, CanEdit: true,
		Action: "/portal/relapse-plan", Saved: r.URL.Query().Get("saved") == "1"}
	if len(versions) > 0 {
		rd.Current = versions[0]
	}
	rd.Typed = rd.Current
	if typed != nil {
		rd.Typed = *typed
	}
	rd.Rows = rowsOfRelapse(rd.Typed)
	d.Relapse = rd
	if err := s.auditRead(r, audit.ActionRead, "client.plan", c.ID, "portal plans"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, status, "portal_plans", &v)
}

// portalPlanSign records the client's own signature, typed in the portal,
// on a signed version of their plan.
func (s *Server) portalPlanSign(w http.ResponseWriter, r *http.Request) error {
	c, f, err := s.portalForm(w, r, "web.portalPlanSign")
	if err != nil {
		return err
	}
	id := r.PathValue("plid")
	if !model.ValidID(id) {
		return model.NotFound("web.portalPlanSign", "treatment plan")
	}
	typed := f.String("client_signature", 201)
	if f.String("agree", 3) != "yes" {
		return s.renderPortalPlans(w, r, http.StatusUnprocessableEntity, portalPlansData{Typed: typed,
			Problems: map[string]string{"agree": "Tick the box to say you have read the plan and agree with it."}}, nil, nil)
	}
	err = s.Store.SignPlanAsClient(r.Context(), c.ID, id, typed, "", s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderPortalPlans(w, r, http.StatusUnprocessableEntity, portalPlansData{Typed: typed, Problems: fields}, nil, nil)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/plans?signed=1", http.StatusSeeOther)
	return nil
}

// portalRelapseSave saves the client's own change to their relapse-
// prevention plan as a new version; the counselor sees who wrote it.
func (s *Server) portalRelapseSave(w http.ResponseWriter, r *http.Request) error {
	c, f, err := s.portalForm(w, r, "web.portalRelapseSave")
	if err != nil {
		return err
	}
	base, err := strconv.Atoi(f.String("base_version", 6))
	if err != nil || base < 0 {
		return model.Errorf("web.portalRelapseSave", model.KindInvalid, "The form does not say which version it changes: reload the page.")
	}
	p := relapseFromForm(f, c.ID)
	if !f.OK() {
		return s.renderPortalPlans(w, r, http.StatusUnprocessableEntity, portalPlansData{}, &p, f.Problems)
	}
	err = s.Store.SaveRelapsePlan(r.Context(), &p, base, relapse.AuthorClient, portalOf(r).Account.ID, c.DisplayName(), s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderPortalPlans(w, r, http.StatusUnprocessableEntity, portalPlansData{}, &p, fields)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/plans?saved=1#rpp", http.StatusSeeOther)
	return nil
}

type portalSettingsData struct {
	Account portal.Account
	Saved   bool
	TwoStep twoStepData
}

func (s *Server) portalSettings(w http.ResponseWriter, r *http.Request) error {
	d := twoStepData{}
	switch r.URL.Query().Get("two-step") {
	case "on":
		d.Changed = "Two-step sign-in is on. Next time you sign in, have your app ready."
	case "off":
		d.Changed = "Two-step sign-in is off."
	}
	return s.renderPortalSettings(w, r, http.StatusOK, d)
}

// renderPortalSettings shows the settings: reminders for a client, and
// the optional two-step sign-in for anyone.
func (s *Server) renderPortalSettings(w http.ResponseWriter, r *http.Request, status int, two twoStepData) error {
	ps := portalOf(r)
	if ps.Account.Kind == portal.KindFamily {
		if _, _, ok, err := s.familyConsent(w, r); err != nil || !ok {
			return err
		}
	}
	secret, _, err := s.Store.PortalTOTP(r.Context(), ps.Account.ID)
	if err != nil {
		return err
	}
	two.On = secret != ""
	if err := s.auditRead(r, audit.ActionRead, "client.portal", ps.Account.ClientID, "portal settings"); err != nil {
		return err
	}
	v := s.portalView(r, "Settings", "settings")
	v.Data = portalSettingsData{Account: ps.Account, Saved: r.URL.Query().Get("saved") == "1", TwoStep: two}
	w.Header().Set("Cache-Control", "no-store")
	return s.pages.Page(w, status, "portal_settings", &v)
}

// portalSettingsSave stores the reminders the client opts into.
func (s *Server) portalSettingsSave(w http.ResponseWriter, r *http.Request) error {
	c, f, err := s.portalForm(w, r, "web.portalSettingsSave")
	if err != nil {
		return err
	}
	rem := portal.Reminders{Sessions: f.String("remind_sessions", 3) == "yes", Measures: f.String("remind_measures", 3) == "yes",
		NameProgram: f.String("name_program", 3) == "yes"}
	rec := s.record(r)
	rec.ClientID = c.ID
	if err := s.Store.SetPortalReminders(r.Context(), portalOf(r).Account.ID, rem, rec); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/settings?saved=1", http.StatusSeeOther)
	return nil
}

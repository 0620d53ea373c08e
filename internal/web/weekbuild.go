package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// The "Build next week" page: the schedule builder's proposal for a
// site-week as changes to the current enrolments, why anyone is left short,
// and a button that applies it.

type weekBuildData struct {
	Sites     []model.Site
	Site      model.Site
	Week      string
	Prev      string
	Next      string
	Monday    model.Date
	Objective builder.Objective
	Groups    int
	Moves     []weekMove // clients whose groups change
	// Applies counts the clients the apply changes: their groups, their
	// individual sessions or both.
	Applies  int
	Sessions []weekSession // individual sessions to book, by counselor and time
	Short    []weekShort
	Print    string // the proposal's fingerprint, so apply makes exactly what was shown
	Applied  string
	Stale    bool
	WhatIf   weekWhatIf
	// For the what-if form: the week's clients (those left short first),
	// the site's tracks and the days of the week.
	ShortClients, OtherClients []weekOption
	Tracks                     []weekOption
	Days                       []weekOption
	// The days and times of each what-if form, filled in for the one sent.
	WidenWhen, GroupWhen weekWhen
}

type weekWhen struct {
	Form string
	Q    weekWhatIf
	Days []weekOption
}

type weekOption struct{ Value, Label string }

// weekWhatIf is the what-if form as entered and, once it reads, its answer.
// It changes nothing: the director sees the effect before making the
// change for real (the client's availability, or a group on the calendar).
type weekWhatIf struct {
	Change   string // "widen" or "group"
	Client   string
	Days     []string // builder days, "0" is Monday
	From, To string
	Track    string
	Process  bool
	Seats    string
	Problems map[string]string

	Asked           string // "What if …", once answered
	Effect          builder.Effect
	Now             int
	Difference      string // "2 more", "1 fewer", "no change"
	Newly, NoLonger string // names
	ClientID        string // the widened client, for the link to their schedule
	TrackID         string // the new group's track, for the link to it
}

// Has reports whether a day is ticked.
func (w weekWhatIf) Has(day string) bool { return slices.Contains(w.Days, day) }

type weekMove struct {
	Name  string
	Join  []string
	Leave []weekLeave
}

// weekSession is one individual session the proposal books.
type weekSession struct {
	Counselor, Client, When string
	order                   string // date and start, for sorting
}

// weekLeave is a current group the proposal takes a client out of, with
// the reason shown beside it.
type weekLeave struct {
	Group, Why string
}

type weekShort struct {
	Name          string
	Minutes, Need int
	Reasons       []string
	Helps         []string
}

// weekProposal reads the site-week, audits the read (one record a client:
// the page shows their names and enrolments) and solves it.
func (s *Server) weekProposal(r *http.Request, siteID string, monday model.Date) (*weekPlan, error) {
	cal, err := s.Store.WeekCalendar(r.Context(), siteID, monday)
	if err != nil {
		return nil, err
	}
	rec := s.record(r)
	for _, a := range store.WeekCalendarAudit(cal, rec) {
		a.Action = audit.ActionQuery
		if err := s.Audit.Record(r.Context(), a); err != nil {
			return nil, model.Wrap("web.weekProposal", model.KindInternal, err)
		}
	}
	in := builder.FromCalendar(cal)
	res, err := builder.Solve(r.Context(), in, builder.WeekOptions(1))
	if err != nil {
		return nil, err
	}
	return &weekPlan{cal: cal, in: in, res: res, moves: builder.Diff(in, res)}, nil
}

// weekPlan is a solved site-week.
type weekPlan struct {
	cal   builder.Calendar
	in    *builder.Instance
	res   *builder.Result
	moves []builder.Move
}

func (s *Server) weekSite(r *http.Request, id string) (model.Site, []model.Site, error) {
	sites, err := s.Store.Sites(r.Context())
	if err != nil {
		return model.Site{}, nil, err
	}
	if len(sites) == 0 {
		return model.Site{}, nil, model.NotFound("web.weekBuild", "site")
	}
	if id == "" {
		return sites[0], sites, nil
	}
	for _, st := range sites {
		if st.ID == id {
			return st, sites, nil
		}
	}
	return model.Site{}, nil, model.Invalid("web.weekBuild", map[string]string{"site": "Choose one of the center's sites."})
}

// plannedWeek reads the week parameter; empty means next week.
func (s *Server) plannedWeek(r *http.Request, value string, today model.Date) (model.Date, error) {
	if value == "" {
		monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
		return monday.AddDays(7), nil
	}
	d, err := builder.ParseWeek(value)
	if err != nil {
		return d, model.Invalid("web.weekBuild", map[string]string{"week": "Give the week as 2026-W49: " + err.Error()})
	}
	return d, nil
}

// weekBuild shows the proposal.
func (s *Server) weekBuild(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.renderWeekBuild(w, r, http.StatusOK, q.Get("site"), q.Get("week"), func(d *weekBuildData, _ *weekPlan) int {
		d.Applied = q.Get("applied")
		return 0
	})
}

// renderWeekBuild solves the site-week and shows it; then, if given,
// adjusts the page (a notice, a what-if's answer) before it is sent.
func (s *Server) renderWeekBuild(w http.ResponseWriter, r *http.Request, status int, siteID, week string, adjust func(*weekBuildData, *weekPlan) int) error {
	v := s.view(r, "Build next week", "program")
	site, sites, err := s.weekSite(r, siteID)
	if err != nil {
		return err
	}
	monday, err := s.plannedWeek(r, week, v.Today)
	if err != nil {
		return err
	}
	p, err := s.weekProposal(r, site.ID, monday)
	if err != nil {
		return err
	}
	in, res := p.in, p.res
	names := map[string]string{}
	for _, c := range in.Clients {
		names[c.ID] = c.Name
	}
	groups := map[string]string{}
	for _, g := range in.Groups {
		groups[g.ID] = g.Label() + " (" + g.When() + ")"
	}
	d := weekBuildData{Sites: sites, Site: site, Week: builder.WeekOf(monday), Prev: builder.WeekOf(monday.AddDays(-7)), Next: builder.WeekOf(monday.AddDays(7)),
		Monday: monday, Objective: res.Objective, Groups: len(in.Groups), Print: builder.Fingerprint(p.moves), Applies: len(p.moves), WhatIf: weekWhatIf{Change: "widen", From: "18:00", To: "21:00"}}
	counselors := map[string]string{}
	for _, k := range in.Counselors {
		counselors[k.ID] = k.Name
	}
	for _, m := range p.moves {
		for _, b := range m.Sessions {
			d.Sessions = append(d.Sessions, weekSession{Counselor: counselors[b.Counselor], Client: names[m.Client],
				When:  b.Date.Format("Mon Jan 2") + ", " + model.ClockTime(b.Span.Start).Label() + "-" + model.ClockTime(b.Span.End).Label(),
				order: b.Date.String() + fmt.Sprintf("%04d", b.Span.Start)})
		}
		if len(m.Join)+len(m.Leave) == 0 {
			continue // only a session to book: listed with the sessions
		}
		wm := weekMove{Name: names[m.Client]}
		for _, g := range m.Join {
			wm.Join = append(wm.Join, groups[g])
		}
		for _, g := range m.Leave {
			wm.Leave = append(wm.Leave, weekLeave{Group: groups[g], Why: m.Why[g]})
		}
		d.Moves = append(d.Moves, wm)
	}
	slices.SortStableFunc(d.Sessions, func(a, b weekSession) int {
		return cmp.Or(strings.Compare(a.Counselor, b.Counselor), strings.Compare(a.order, b.order))
	})
	short := map[string]bool{}
	for _, sh := range res.Short {
		short[sh.Client] = true
		d.Short = append(d.Short, weekShort{Name: names[sh.Client], Minutes: sh.Minutes, Need: sh.Need, Reasons: sh.Reasons, Helps: sh.Helps})
	}
	for _, c := range in.Clients {
		if short[c.ID] {
			d.ShortClients = append(d.ShortClients, weekOption{c.ID, c.Name})
		} else {
			d.OtherClients = append(d.OtherClients, weekOption{c.ID, c.Name})
		}
	}
	for _, t := range p.cal.Tracks {
		d.Tracks = append(d.Tracks, weekOption{t.ID, t.Name + " (" + p.cal.Programs[t.ProgramID].Name + ")"})
	}
	slices.SortFunc(d.Tracks, func(a, b weekOption) int { return strings.Compare(a.Label, b.Label) })
	for i := range 7 {
		d.Days = append(d.Days, weekOption{strconv.Itoa(i), builder.Day(i).String()})
	}
	if adjust != nil {
		if st := adjust(&d, p); st != 0 {
			status = st
		}
	}
	d.WidenWhen, d.GroupWhen = weekWhen{"widen", d.WhatIf, d.Days}, weekWhen{"group", d.WhatIf, d.Days}
	v.Data = d
	return s.pages.Page(w, status, "week_build", &v)
}

// weekBuildWhatIf shows the proposal with the effect of one change: a
// client free at more times, or one more group. Nothing is stored.
func (s *Server) weekBuildWhatIf(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.weekBuildWhatIf", model.KindInvalid, "The form could not be read: %v", err)
	}
	siteID, week := f.String("site", 60), f.String("week", 10)
	q := weekWhatIf{Change: f.OneOf("change", []string{"widen", "group"}, false, "Choose what to try."), Client: f.String("client", 60),
		Days: f.Values("days", 7, 1), From: f.String("from", 8), To: f.String("to", 8), Track: f.String("track", 60),
		Process: f.String("process", 3) != "", Seats: f.String("seats", 4)}
	return s.renderWeekBuild(w, r, http.StatusOK, siteID, week, func(d *weekBuildData, p *weekPlan) int {
		q.Problems = f.Problems
		change, asked := whatIfChange(&q, p)
		if len(q.Problems) == 0 {
			e, err := builder.WhatIf(r.Context(), p.in, p.res, change, builder.WeekOptions(1))
			if err != nil {
				q.Problems[q.Change+"-days"] = "This change cannot be planned: " + err.Error()
			} else {
				q.Asked, q.Effect, q.Now = asked, e, p.res.Objective.Met
				switch {
				case e.Gained > 0:
					q.Difference = strconv.Itoa(e.Gained) + " more"
				case e.Gained < 0:
					q.Difference = strconv.Itoa(-e.Gained) + " fewer"
				default:
					q.Difference = "no change"
				}
				q.Newly, q.NoLonger = clientNames(p.in, e.Newly), clientNames(p.in, e.NoLonger)
			}
		}
		d.WhatIf = q
		if len(q.Problems) > 0 {
			return http.StatusUnprocessableEntity
		}
		return 0
	})
}

// clientNames lists clients by name, in the instance's order.
func clientNames(in *builder.Instance, ids []string) string {
	var names []string
	for _, c := range in.Clients {
		if slices.Contains(ids, c.ID) {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ")
}

// whatIfChange reads the what-if form into a change to the week and the
// question it asks, or records what is wrong in q.Problems.
func whatIfChange(q *weekWhatIf, p *weekPlan) (builder.Change, string) {
	// Field ids, and so problems, carry the form's name: the page has two.
	bad := func(field, msg string) { q.Problems[q.Change+"-"+field] = msg }
	var days []builder.Day
	for _, v := range q.Days {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 6 {
			bad("days", "Tick days of the week.")
			break
		}
		days = append(days, builder.Day(n))
	}
	if len(q.Days) == 0 {
		bad("days", "Tick at least one day.")
	}
	from, errFrom := model.ParseClock(q.From)
	to, errTo := model.ParseClock(q.To)
	switch {
	case errFrom != nil:
		bad("from", "Enter the start as HH:MM, for example 18:00.")
	case errTo != nil:
		bad("to", "Enter the end as HH:MM, for example 21:00.")
	case to <= from:
		bad("to", "The end must be after the start.")
	}
	var spans []builder.Span
	var dayNames []string
	for _, d := range days {
		spans, dayNames = append(spans, builder.Span{Day: d, Start: int(from), End: int(to)}), append(dayNames, d.String())
	}
	when := strings.Join(dayNames, ", ") + " " + from.Label() + "-" + to.Label()
	switch q.Change {
	case "widen":
		i := slices.IndexFunc(p.in.Clients, func(c builder.Client) bool { return c.ID == q.Client })
		if i < 0 {
			bad("client", "Choose a client planned this week.")
			return builder.Change{}, ""
		}
		q.ClientID = q.Client
		return builder.Change{Widen: &builder.Widen{Client: q.Client, Spans: spans}},
			"What if " + p.in.Clients[i].Name + " were also free " + when + "?"
	case "group":
		seats := 0
		if q.Seats != "" {
			n, err := strconv.Atoi(q.Seats)
			if err != nil || n < 1 || n > 200 {
				bad("seats", "Enter the seats as a number from 1 to 200, or leave it empty for the track's capacity.")
			}
			seats = n
		}
		g, err := p.cal.WhatIfGroup(q.Track, q.Process, seats, spans)
		if err != nil {
			bad("track", "Choose one of the site's tracks.")
			return builder.Change{}, ""
		}
		q.TrackID = g.Track
		return builder.Change{AddGroup: &g},
			fmt.Sprintf("What if a %s met %s?", g.WhatIfName(), when)
	}
	return builder.Change{}, ""
}

// weekBuildApply makes the proposal's changes, if it is still the one the
// director saw; otherwise it shows the new proposal and changes nothing.
func (s *Server) weekBuildApply(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.weekBuildApply", model.KindInvalid, "The form could not be read: %v", err)
	}
	siteID, week, print := f.String("site", 60), f.String("week", 10), f.String("proposal", 40)
	if !f.OK() {
		return model.Invalid("web.weekBuildApply", f.Problems)
	}
	site, _, err := s.weekSite(r, siteID)
	if err != nil {
		return err
	}
	monday, err := s.plannedWeek(r, week, s.view(r, "", "").Today)
	if err != nil {
		return err
	}
	p, err := s.weekProposal(r, site.ID, monday)
	if err != nil {
		return err
	}
	moves := p.moves
	stale := func(d *weekBuildData, _ *weekPlan) int { d.Stale = true; return 0 }
	if builder.Fingerprint(moves) != print {
		return s.renderWeekBuild(w, r, http.StatusConflict, site.ID, builder.WeekOf(monday), stale)
	}
	if err := s.Store.ApplyWeekPlan(r.Context(), moves, s.record(r)); err != nil {
		if model.KindOf(err) == model.KindConflict {
			return s.renderWeekBuild(w, r, http.StatusConflict, site.ID, builder.WeekOf(monday), stale)
		}
		return err
	}
	http.Redirect(w, r, "/program/week-builder?site="+site.ID+"&week="+builder.WeekOf(monday)+"&applied="+strconv.Itoa(len(moves)), http.StatusSeeOther)
	return nil
}

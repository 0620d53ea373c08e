package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
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
	Moves     []weekMove
	Short     []weekShort
	Print     string // the proposal's fingerprint, so apply makes exactly what was shown
	Applied   string
	Stale     bool
}

type weekMove struct {
	Name  string
	Join  []string
	Leave []weekLeave
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
func (s *Server) weekProposal(r *http.Request, siteID string, monday model.Date) (*builder.Instance, *builder.Result, []builder.Move, error) {
	cal, err := s.Store.WeekCalendar(r.Context(), siteID, monday)
	if err != nil {
		return nil, nil, nil, err
	}
	rec := s.record(r)
	for _, a := range store.WeekCalendarAudit(cal, rec) {
		a.Action = audit.ActionQuery
		if err := s.Audit.Record(r.Context(), a); err != nil {
			return nil, nil, nil, model.Wrap("web.weekProposal", model.KindInternal, err)
		}
	}
	in := builder.FromCalendar(cal)
	res, err := builder.Solve(r.Context(), in, builder.WeekOptions(1))
	if err != nil {
		return nil, nil, nil, err
	}
	return in, res, builder.Diff(in, res), nil
}

// fingerprint names a list of moves, so an apply can check that it makes
// the proposal the director saw.
func fingerprint(moves []builder.Move) string {
	h := sha256.New()
	for _, m := range moves {
		fmt.Fprintf(h, "%s+%s-%s;", m.Client, strings.Join(m.Join, ","), strings.Join(m.Leave, ","))
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
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
	return s.renderWeekBuild(w, r, http.StatusOK, q.Get("site"), q.Get("week"), q.Get("applied"), false)
}

func (s *Server) renderWeekBuild(w http.ResponseWriter, r *http.Request, status int, siteID, week, applied string, stale bool) error {
	v := s.view(r, "Build next week", "program")
	site, sites, err := s.weekSite(r, siteID)
	if err != nil {
		return err
	}
	monday, err := s.plannedWeek(r, week, v.Today)
	if err != nil {
		return err
	}
	in, res, moves, err := s.weekProposal(r, site.ID, monday)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range in.Clients {
		names[c.ID] = c.Name
	}
	groups := map[string]string{}
	for _, g := range in.Groups {
		groups[g.ID] = g.Label() + " (" + g.When() + ")"
	}
	d := weekBuildData{Sites: sites, Site: site, Week: builder.WeekOf(monday), Prev: builder.WeekOf(monday.AddDays(-7)), Next: builder.WeekOf(monday.AddDays(7)),
		Monday: monday, Objective: res.Objective, Groups: len(in.Groups), Print: fingerprint(moves), Applied: applied, Stale: stale}
	for _, m := range moves {
		wm := weekMove{Name: names[m.Client]}
		for _, g := range m.Join {
			wm.Join = append(wm.Join, groups[g])
		}
		for _, g := range m.Leave {
			wm.Leave = append(wm.Leave, weekLeave{Group: groups[g], Why: m.Why[g]})
		}
		d.Moves = append(d.Moves, wm)
	}
	for _, sh := range res.Short {
		d.Short = append(d.Short, weekShort{Name: names[sh.Client], Minutes: sh.Minutes, Need: sh.Need, Reasons: sh.Reasons, Helps: sh.Helps})
	}
	v.Data = d
	return s.pages.Page(w, status, "week_build", &v)
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
	_, _, moves, err := s.weekProposal(r, site.ID, monday)
	if err != nil {
		return err
	}
	if fingerprint(moves) != print {
		return s.renderWeekBuild(w, r, http.StatusConflict, site.ID, builder.WeekOf(monday), "", true)
	}
	if err := s.Store.ApplyWeekPlan(r.Context(), moves, s.record(r)); err != nil {
		if model.KindOf(err) == model.KindConflict {
			return s.renderWeekBuild(w, r, http.StatusConflict, site.ID, builder.WeekOf(monday), "", true)
		}
		return err
	}
	http.Redirect(w, r, "/program/week-builder?site="+site.ID+"&week="+builder.WeekOf(monday)+"&applied="+strconv.Itoa(len(moves)), http.StatusSeeOther)
	return nil
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/web/form"
)

// blankHoursRows is how many empty rows the counseling-hours form offers
// for new windows; maxHoursRows bounds what a form may send.
const blankHoursRows, maxHoursRows = 3, 28

// hoursRow is one weekly window as typed.
type hoursRow struct {
	N                         int
	Day, From, To, Site, Room string
}

type counselingHoursData struct {
	Target   model.User
	Self     bool
	Staff    []model.User // whose hours a director may open
	Sites    []model.Site
	Weekdays []weekday
	Caseload string
	Rows     []hoursRow
	Problems map[string]string
	Saved    bool
}

// counselingTarget is whose hours a request is about: the signed-in
// clinician's own, or, for someone who manages programs (a clinical
// director), any clinician's or director's named by ?user= or the form.
func (s *Server) counselingTarget(r *http.Request, id string) (model.User, error) {
	const op = "web.counselingHours"
	me := sessionOf(r).User
	if id == "" || id == me.ID {
		return me, nil
	}
	if !auth.Can(me.Role, auth.ManagePrograms) {
		return model.User{}, model.Errorf(op, model.KindForbidden, "You may change only your own counseling hours.")
	}
	if !model.ValidID(id) {
		return model.User{}, model.NotFound(op, "staff member")
	}
	u, err := s.Store.User(r.Context(), id)
	if err != nil {
		return u, err
	}
	if !auth.Can(u.Role, auth.CounselingHours) {
		return u, model.NotFound(op, "clinician")
	}
	return u, nil
}

// counselingHours shows a clinician's weekly counseling hours and caseload
// limit for editing.
func (s *Server) counselingHours(w http.ResponseWriter, r *http.Request) error {
	target, err := s.counselingTarget(r, r.URL.Query().Get("user"))
	if err != nil {
		return err
	}
	h, err := s.Store.CounselingHours(r.Context(), target.ID)
	if err != nil {
		return err
	}
	d := counselingHoursData{Target: target, Caseload: strconv.Itoa(h.Caseload), Saved: r.URL.Query().Get("saved") == "1"}
	for i, win := range h.Windows {
		d.Rows = append(d.Rows, hoursRow{N: i + 1, Day: strconv.Itoa(int(win.Day)), From: win.From.String(), To: win.To.String(), Site: win.SiteID, Room: win.Room})
	}
	return s.renderCounselingHours(w, r, http.StatusOK, d)
}

func (s *Server) renderCounselingHours(w http.ResponseWriter, r *http.Request, status int, d counselingHoursData) error {
	ctx := r.Context()
	me := sessionOf(r).User
	d.Self = d.Target.ID == me.ID
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return err
	}
	d.Sites = sites
	if auth.Can(me.Role, auth.ManagePrograms) {
		users, err := s.Store.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.Active && auth.Can(u.Role, auth.CounselingHours) {
				d.Staff = append(d.Staff, u)
			}
		}
	}
	for _, day := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		d.Weekdays = append(d.Weekdays, weekday{int(day), day.String()})
	}
	next := len(d.Rows)
	for i := 0; i < blankHoursRows; i++ {
		site := ""
		if len(sites) > 0 {
			site = sites[0].ID
		}
		d.Rows = append(d.Rows, hoursRow{N: next + i + 1, Day: "1", Site: site})
	}
	title := "Counseling hours"
	if !d.Self {
		title += ": " + d.Target.Name
	}
	v := s.view(r, title, "")
	v.Data = d
	return s.pages.Page(w, status, "counseling_hours", &v)
}

// counselingHoursSave replaces a clinician's counseling hours and caseload
// limit. Rows left without times are ignored; a bad row (an end before its
// start, two overlapping windows) is named and nothing is saved.
func (s *Server) counselingHoursSave(w http.ResponseWriter, r *http.Request) error {
	const op = "web.counselingHoursSave"
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf(op, model.KindInvalid, "The form could not be read: %v", err)
	}
	target, err := s.counselingTarget(r, f.String("user", 40))
	if err != nil {
		return err
	}
	d := counselingHoursData{Target: target, Caseload: f.String("caseload", 10)}
	var h schedule.CounselingHours
	if h.Caseload, err = strconv.Atoi(d.Caseload); err != nil {
		f.Problems["caseload"] = "Enter the most clients you see individually in a week as a whole number."
	}
	rows, _ := strconv.Atoi(f.String("rows", 3))
	rows = min(max(rows, 0), maxHoursRows)
	var used []int // the row of each window, to name problems by row
	for n := 1; n <= rows; n++ {
		key := strconv.Itoa(n)
		row := hoursRow{N: n, Day: f.String("day_"+key, 1), From: f.String("from_"+key, 5), To: f.String("to_"+key, 5),
			Site: f.String("site_"+key, 40), Room: f.String("room_"+key, 80)}
		if row.From == "" && row.To == "" {
			continue
		}
		d.Rows = append(d.Rows, row)
		row.N = len(d.Rows)
		d.Rows[len(d.Rows)-1].N = row.N
		day, errDay := strconv.Atoi(row.Day)
		from, errFrom := model.ParseClock(row.From)
		to, errTo := model.ParseClock(row.To)
		if row.To == "24:00" {
			to, errTo = 24*60, nil
		}
		switch {
		case errDay != nil || day < 0 || day > 6:
			f.Problems["window_"+strconv.Itoa(row.N)] = "Choose the day."
		case errFrom != nil || errTo != nil:
			f.Problems["window_"+strconv.Itoa(row.N)] = "Enter the times as HH:MM, such as 13:00."
		default:
			h.Windows = append(h.Windows, schedule.CounselingWindow{SiteID: row.Site, Day: time.Weekday(day), From: from, To: to, Room: row.Room})
			used = append(used, row.N)
		}
	}
	// The windows' problems (here and from the store, which also checks the
	// sites) are numbered by window; the form's by row.
	byRow := func(problems map[string]string) {
		for k, msg := range problems {
			var i int
			if _, err := fmt.Sscanf(k, "window_%d", &i); err == nil && i >= 1 && i <= len(used) {
				k = "window_" + strconv.Itoa(used[i-1])
			}
			f.Problems[k] = msg
		}
	}
	problems := h.Problems()
	if f.Problems["caseload"] != "" {
		delete(problems, "caseload")
	}
	byRow(problems)
	if f.OK() {
		err = s.Store.SetCounselingHours(r.Context(), target.ID, h, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			byRow(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		d.Problems = f.Problems
		return s.renderCounselingHours(w, r, http.StatusUnprocessableEntity, d)
	}
	to := "/account/counseling-hours?saved=1"
	if target.ID != sessionOf(r).User.ID {
		to += "&user=" + url.QueryEscape(target.ID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

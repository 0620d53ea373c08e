package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// checkInsPerHour bounds kiosk attempts from one address: a kiosk serves
// every group of the day, but guessing codes and birthdays must not pay.
// refusalsPerCode bounds the refused attempts with one meeting's code, from
// anywhere: a group of fifteen makes a few typing mistakes, not dozens.
const (
	checkInsPerHour = 120
	refusalsPerCode = 30
)

type kioskData struct {
	Code, LastName, Born string
	Problems             map[string]string
	Done                 string // the group checked in to
	DoneAt               string
}

// kiosk is the check-in page for a tablet in the lobby or a client's
// phone: the group's code, last name and date of birth. It shows no client
// data and says only whether the check-in worked.
func (s *Server) kiosk(w http.ResponseWriter, r *http.Request) error {
	return s.renderKiosk(w, http.StatusOK, r, kioskData{})
}

func (s *Server) renderKiosk(w http.ResponseWriter, status int, r *http.Request, d kioskData) error {
	w.Header().Set("Cache-Control", "no-store")
	v := s.view(r, "Check in", "")
	v.Data = d
	return s.pages.Page(w, status, "kiosk", &v)
}

// kioskCheckIn records a client's arrival from the kiosk. The facilitator
// confirms it when taking attendance.
func (s *Server) kioskCheckIn(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.kioskCheckIn", model.KindInvalid, "The form could not be read: %v", err)
	}
	if over, err := s.limited(r, "checkin", checkInsPerHour); err != nil {
		return err
	} else if over {
		return model.Errorf("web.kioskCheckIn", model.KindThrottled, "Too many check-ins from this device. Please check in at the front desk.")
	}
	d := kioskData{Code: intensity.NormalizeCode(f.String("code", 20)), LastName: f.String("last_name", 100), Born: f.String("born", 10)}
	if len([]rune(d.Code)) != intensity.CodeLength {
		f.Problems["code"] = "Type the 5-character code for your group. Your facilitator or the front desk has it."
	}
	if d.LastName == "" {
		f.Problems["last_name"] = "Type your last name."
	}
	born := f.Date("born")
	if born.IsZero() && f.Problems["born"] == "" {
		f.Problems["born"] = "Enter your date of birth."
	}
	if !f.OK() {
		d.Problems = f.Problems
		return s.renderKiosk(w, http.StatusUnprocessableEntity, r, d)
	}
	today := model.DateOf(s.Now().In(s.siteLocation(r)))
	refuse := func(field, msg string) error {
		// A refusal is a search of the rosters that found nobody: it is
		// audited, and each code takes a limited number of them.
		rec := s.record(r)
		rec.Action, rec.Category, rec.Outcome, rec.Detail = audit.ActionQuery, "client.attendance", audit.OutcomeFailure, "kiosk check-in refused: "+msg
		if err := s.Audit.Record(r.Context(), rec); err != nil {
			return err
		}
		if ok, err := s.Store.Hit(r.Context(), "checkin-code:"+d.Code, publicLimiterWindow, refusalsPerCode); err != nil {
			return err
		} else if !ok {
			return model.Errorf("web.kioskCheckIn", model.KindThrottled, "Too many tries with this code. Please check in at the front desk.")
		}
		d.Problems = map[string]string{field: msg}
		return s.renderKiosk(w, http.StatusUnprocessableEntity, r, d)
	}
	// Codes belong to a meeting's original date; a moved meeting keeps its code.
	coded, err := s.Store.MeetingsForCode(r.Context(), d.Code, today.AddDays(-14), today.AddDays(14))
	if err != nil {
		return err
	}
	var open *schedule.Occurrence
	cancelled := false
	for _, m := range coded {
		sr, err := s.Store.Series(r.Context(), m.SeriesID)
		if err != nil {
			return err
		}
		occ, err := s.meeting(r, sr, m.Date)
		if model.KindOf(err) == model.KindNotFound {
			continue
		} else if err != nil {
			return err
		}
		if occ.Cancelled {
			cancelled = true
		} else if intensity.CheckInOpen(occ.Start, sr.Minutes, s.Now()) {
			open = &occ
			break
		}
	}
	switch {
	case open != nil:
	case len(coded) == 0:
		return refuse("code", "That code is not for a group meeting today. Check it, or ask at the front desk.")
	case cancelled:
		return refuse("code", "This group meeting was cancelled. Please ask at the front desk.")
	default:
		return refuse("code", "Check-in for this group opens an hour before it starts and closes when it ends.")
	}
	err = s.Store.KioskCheckIn(r.Context(), open.Series.ID, open.Date, d.LastName, born, s.record(r))
	if model.KindOf(err) == model.KindNotFound {
		return refuse("last_name", "We could not find you in this group. Please check in at the front desk.")
	} else if err != nil {
		return err
	}
	return s.renderKiosk(w, http.StatusOK, r, kioskData{Done: open.Series.Title, DoneAt: open.Start.In(s.siteLocation(r)).Format("3:04 pm")})
}

type deskMeeting struct {
	schedule.Occurrence
	Code      string
	Rows      []deskRow
	CheckedIn int
	// MayTake: the viewer may take this meeting's attendance.
	MayTake bool
}

type deskRow struct {
	store.Roster
	CheckIn *intensity.CheckIn
	Taken   bool
}

// checkInDesk is the front desk's list of today's meetings, their codes
// for the kiosk, and who has arrived.
func (s *Server) checkInDesk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := s.view(r, "Check-in", "checkin")
	occ, err := s.Store.Occurrences(ctx, store.SeriesFilter{}, v.Today, v.Today, s.siteLocation(r))
	if err != nil {
		return err
	}
	slices.SortFunc(occ, func(a, b schedule.Occurrence) int { return a.Start.Compare(b.Start) })
	mayOpen, err := s.groupOpener(r)
	if err != nil {
		return err
	}
	var meetings []deskMeeting
	var shown []string
	for _, o := range occ {
		// A clinician held to the care-team rule sees the rosters of the
		// meetings they run, not every group's members.
		if o.Cancelled || !mayOpen(o) {
			continue
		}
		m := deskMeeting{Occurrence: o, MayTake: v.Can(string(auth.RecordAttendance))}
		if m.Code, err = s.Store.MeetingCode(ctx, o.Series.ID, o.Date); err != nil {
			return err
		}
		roster, err := s.Store.GroupRoster(ctx, o.Series.ID)
		if err != nil {
			return err
		}
		ins, err := s.Store.CheckIns(ctx, o.Series.ID, o.Date)
		if err != nil {
			return err
		}
		taken, err := s.Store.Attendance(ctx, o.Series.ID, o.Date)
		if err != nil {
			return err
		}
		for _, c := range roster {
			row := deskRow{Roster: c}
			if in, ok := ins[c.ClientID]; ok {
				row.CheckIn = &in
				m.CheckedIn++
			}
			_, row.Taken = taken[c.ClientID]
			m.Rows = append(m.Rows, row)
			shown = append(shown, c.ClientID)
		}
		meetings = append(meetings, m)
	}
	if len(shown) > 0 {
		if err := s.auditRead(r, audit.ActionQuery, "client.attendance", "", "check-in desk "+v.Today.String()+"; shown="+strings.Join(shown, ",")); err != nil {
			return err
		}
	}
	v.Data = struct {
		Meetings []deskMeeting
		Done     string
	}{meetings, r.URL.Query().Get("done")}
	return s.pages.Page(w, http.StatusOK, "checkin_desk", &v)
}

// checkInAtDesk checks a client in for one of today's meetings.
func (s *Server) checkInAtDesk(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.checkInAtDesk", model.KindInvalid, "The form could not be read: %v", err)
	}
	sr, err := s.Store.Series(r.Context(), f.String("series_id", 40))
	if err != nil {
		return err
	}
	date := f.Date("date")
	if !f.OK() || date.IsZero() {
		return model.Invalid("web.checkInAtDesk", map[string]string{"date": "Give the meeting's date."})
	}
	occ, err := s.meeting(r, sr, date)
	if err != nil {
		return err
	}
	if err := s.openGroup(r, sr, date); err != nil {
		return err
	}
	if occ.Cancelled || !intensity.CheckInOpen(occ.Start, sr.Minutes, s.Now()) {
		return model.Invalid("web.checkInAtDesk", map[string]string{"date": "Check-in for " + sr.Title +
			" is open from an hour before it starts until it ends (and not for a cancelled meeting); after that, the facilitator records attendance."})
	}
	clientID := f.String("client_id", 40)
	if err := s.Store.DeskCheckIn(r.Context(), sr.ID, date, clientID, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/checkin/desk?done="+clientID+"#meeting-"+sr.ID, http.StatusSeeOther)
	return nil
}

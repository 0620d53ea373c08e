package web

import (
	"net/http"

	"strconv"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

type programData struct {
	Sites    []model.Site
	Programs []programWithTracks
	Saved    bool
}

type programWithTracks struct {
	model.Program
	SiteName string
	Group    programGroup
}

// programShow shows the sites, programs and tracks with their weekly hours
// against each program's minimum, and current enrolment as counts.
func (s *Server) programShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return err
	}
	programs, err := s.Store.Programs(ctx)
	if err != nil {
		return err
	}
	tracks, err := s.Store.Tracks(ctx)
	if err != nil {
		return err
	}
	siteName := map[string]string{}
	for _, st := range sites {
		siteName[st.ID] = st.Name
	}
	groups := map[string]programGroup{}
	for _, g := range census(tracks) {
		if len(g.Tracks) > 0 {
			groups[g.Tracks[0].ProgramID] = g
		}
	}
	d := programData{Sites: sites, Saved: r.URL.Query().Get("saved") == "1"}
	for _, p := range programs {
		d.Programs = append(d.Programs, programWithTracks{Program: p, SiteName: siteName[p.SiteID], Group: groups[p.ID]})
	}
	v := s.view(r, "Program", "program")
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "program", &v)
}

// programReviewInterval sets how often a program's clients are reviewed.
// Due dates already set stay; each review from now on uses the new interval.
func (s *Server) programReviewInterval(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("pid")
	if !model.ValidID(id) {
		return model.NotFound("web.programReviewInterval", "program")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.programReviewInterval", model.KindInvalid, "The form could not be read: %v", err)
	}
	days := f.Int("days", 0)
	if f.OK() && (days < 1 || days > 365) {
		f.Problems["days"] = "Enter a number of days from 1 to 365."
	}
	if !f.OK() {
		return model.Errorf("web.programReviewInterval", model.KindInvalid, "%s", f.Problems["days"])
	}
	if err := s.Store.SetReviewInterval(r.Context(), id, days, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program?saved=1", http.StatusSeeOther)
	return nil
}

// trackCreate adds a track to a program, e.g. "Evening: Mon/Wed/Thu
// 18:00-21:00".
func (s *Server) trackCreate(w http.ResponseWriter, r *http.Request) error {
	pid := r.PathValue("pid")
	if !model.ValidID(pid) {
		return model.NotFound("web.trackCreate", "program")
	}
	if _, err := s.Store.Program(r.Context(), pid); err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.trackCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	t := model.Track{ProgramID: pid, Name: f.String("name", 80), Kind: model.TrackKind(f.OneOf("kind",
		[]string{"morning", "afternoon", "evening", "weekend"}, false, "Choose when the track meets.")),
		Room: f.String("room", 60), Capacity: f.Int("capacity", 0)}
	for _, d := range f.Values("days", 7, 1) {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			f.Problems["days"] = "Choose days of the week."
			break
		}
		t.Days = append(t.Days, time.Weekday(n))
	}
	start, errS := model.ParseClock(f.String("start", 5))
	end, errE := model.ParseClock(f.String("end", 5))
	if errS != nil || errE != nil {
		f.Problems["start"] = "Enter the start and end times as HH:MM."
	}
	t.Start, t.End = start, end
	f.Merge(t.Problems())
	if !f.OK() {
		return model.Invalid("web.trackCreate", f.Problems)
	}
	if err := s.Store.CreateTrack(r.Context(), &t, s.record(r)); err != nil {
		return err
	}
	s.tracksMu.Lock()
	s.tracksLoaded = time.Time{} // show the new track at once
	s.tracksMu.Unlock()
	http.Redirect(w, r, "/program/tracks/"+t.ID+"?saved=track", http.StatusSeeOther)
	return nil
}

package web

import (
	"net/http"

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

package web

import (
	"net/http"

	"github.com/openiop/openiop/internal/model"
)

type programData struct {
	Sites    []model.Site
	Programs []programWithTracks
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
	d := programData{Sites: sites}
	for _, p := range programs {
		d.Programs = append(d.Programs, programWithTracks{Program: p, SiteName: siteName[p.SiteID], Group: groups[p.ID]})
	}
	v := s.view(r, "Program", "program")
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "program", &v)
}

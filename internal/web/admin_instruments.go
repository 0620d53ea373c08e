package web

import (
	"net/http"

	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

type instrumentRow struct {
	Instrument *instrument.Instrument
	Enabled    bool
}

// instrumentList shows every instrument with its licence note and whether
// this center uses it. Licences differ (AUDIT and DAST-10 restrict
// commercial use), so a center must be able to switch any of them off.
func (s *Server) instrumentList(w http.ResponseWriter, r *http.Request) error {
	_, off, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	var rows []instrumentRow
	for _, in := range instrument.All() {
		rows = append(rows, instrumentRow{Instrument: in, Enabled: !off[in.Code]})
	}
	v := s.view(r, "Instruments", "instruments")
	v.Data = struct {
		Rows    []instrumentRow
		Changed string
	}{rows, r.URL.Query().Get("changed")}
	return s.pages.Page(w, http.StatusOK, "instruments", &v)
}

// instrumentUpdate switches one instrument on or off. Results already
// recorded stay in the charts.
func (s *Server) instrumentUpdate(w http.ResponseWriter, r *http.Request) error {
	in := instrument.Get(r.PathValue("code"))
	if in == nil {
		return model.NotFound("web.instrumentUpdate", "instrument")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.instrumentUpdate", model.KindInvalid, "The form could not be read: %v", err)
	}
	enabled := f.OneOf("enabled", []string{"1", "0"}, false, "Choose on or off.")
	if !f.OK() {
		return model.Invalid("web.instrumentUpdate", f.Problems)
	}
	if err := s.Store.SetInstrumentEnabled(r.Context(), in.Code, enabled == "1", sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/instruments?changed="+in.Code, http.StatusSeeOther)
	return nil
}

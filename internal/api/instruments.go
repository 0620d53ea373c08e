package api

import (
	"errors"
	"net/http"

	"github.com/openiop/openiop/internal/instrument"
)

// instrumentSummary is an instrument in the list.
type instrumentSummary struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Items       int    `json:"items"`
	Max         int    `json:"max_score"`
	LOINCTotal  string `json:"loinc_total,omitempty"`
	Commercial  bool   `json:"commercial_use_allowed"`
	SexSpecific bool   `json:"sex_specific,omitempty"`
}

// instrumentList answers GET /api/v1/instruments.
func (h *Handler) instrumentList(w http.ResponseWriter, r *http.Request) error {
	all := instrument.All()
	out := struct {
		Instruments []instrumentSummary `json:"instruments"`
	}{Instruments: make([]instrumentSummary, len(all))}
	for i, in := range all {
		out.Instruments[i] = instrumentSummary{Code: in.Code, Title: in.Title, Items: len(in.Items), Max: in.MaxScore(),
			LOINCTotal: in.LOINCTotal, Commercial: in.Commercial, SexSpecific: in.SexSpecific}
	}
	return writeJSON(w, "public, max-age=3600", out)
}

func lookup(r *http.Request) (*instrument.Instrument, error) {
	in := instrument.Get(r.PathValue("code"))
	if in == nil {
		return nil, problem{Status: http.StatusNotFound, Title: "Unknown instrument",
			Detail: "There is no instrument " + r.PathValue("code") + ". GET /api/v1/instruments lists them."}
	}
	return in, nil
}

// instrumentShow answers GET /api/v1/instruments/{code}: items, options with
// their values, bands, citation and licence.
func (h *Handler) instrumentShow(w http.ResponseWriter, r *http.Request) error {
	in, err := lookup(r)
	if err != nil {
		return err
	}
	return writeJSON(w, "public, max-age=3600", in)
}

type scoreRequest struct {
	Answers map[string]int `json:"answers"`
	Sex     instrument.Sex `json:"sex"`
}

// instrumentScore answers POST /api/v1/instruments/{code}/score. It scores
// the answers and stores nothing.
func (h *Handler) instrumentScore(w http.ResponseWriter, r *http.Request) error {
	in, err := lookup(r)
	if err != nil {
		return err
	}
	var req scoreRequest
	if err := readJSON(w, r, &req); err != nil {
		return err
	}
	if req.Answers == nil {
		return problem{Status: http.StatusUnprocessableEntity, Title: "No answers",
			Detail: `Send {"answers": {"<item id>": <option value>, ...}}.`}
	}
	res, err := in.Score(req.Answers, req.Sex)
	var pe *instrument.ProblemsError
	if errors.As(err, &pe) {
		return problem{Status: http.StatusUnprocessableEntity, Title: "Answers incomplete or invalid",
			Detail: "Correct the answers listed in errors.", Errors: pe.Problems}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, "no-store", res)
}

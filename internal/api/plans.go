package api

import (
	"net/http"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
)

type signatureJSON struct {
	Name    string     `json:"name,omitempty"`
	At      *time.Time `json:"at"` // null until signed
	Witness string     `json:"witness,omitempty"`
}

func signatureOf(s plan.Signature) signatureJSON {
	out := signatureJSON{Name: s.Name}
	if s.Signed() {
		at := s.At.UTC()
		out.At = &at
	}
	return out
}

type objectiveJSON struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	TargetDate string `json:"target_date"`
}

type interventionJSON struct {
	Modality      string `json:"modality"`
	ModalityLabel string `json:"modality_label"`
	Provider      string `json:"provider"`
	Frequency     string `json:"frequency"`
}

type problemJSON struct {
	ID            string             `json:"id"`
	Statement     string             `json:"statement"`
	Diagnosis     string             `json:"diagnosis,omitempty"`
	Goal          string             `json:"goal"`
	Objectives    []objectiveJSON    `json:"objectives"`
	Interventions []interventionJSON `json:"interventions"`
}

type reviewEntryJSON struct {
	ObjectiveID string `json:"objective_id"`
	Progress    string `json:"progress"`
	Comment     string `json:"comment,omitempty"`
}

type reviewJSON struct {
	ID      string            `json:"id"`
	Date    string            `json:"date"`
	By      string            `json:"by"`
	Summary string            `json:"summary,omitempty"`
	Entries []reviewEntryJSON `json:"entries"`
}

type planJSON struct {
	ID               string        `json:"id"`
	EpisodeID        string        `json:"episode_id"`
	Version          int           `json:"version"`
	Date             string        `json:"date"`
	Status           string        `json:"status"`
	ClientStatement  string        `json:"client_statement,omitempty"`
	Problems         []problemJSON `json:"problems"`
	Clinician        signatureJSON `json:"clinician_signature"`
	Client           signatureJSON `json:"client_signature"`
	SupervisorNeeded bool          `json:"supervisor_signature_needed"`
	Supervisor       signatureJSON `json:"supervisor_signature"`
	Reviews          []reviewJSON  `json:"reviews"`
}

// planStatus is a version's state as a code.
func planStatus(p plan.Plan) string {
	switch {
	case !p.Signed():
		return "draft"
	case !p.Complete():
		return "awaiting_signatures"
	default:
		return "signed"
	}
}

// treatmentPlans answers GET /api/v1/clients/{id}/treatment-plans: every
// version of the client's plans, newest first, with objectives, signatures
// and reviews. An unknown client is 404 like a missing one; the read is
// audited as the page view is.
func (h *Handler) treatmentPlans(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := h.clinicalRead(r, "client.plan", "api treatment plans")
	if err != nil {
		return err
	}
	versions, err := h.Store.TreatmentPlans(ctx, id)
	if err != nil {
		return err
	}
	reviews, err := h.Store.PlanReviews(ctx, id)
	if err != nil {
		return err
	}
	out := struct {
		ClientID string     `json:"client_id"`
		Versions []planJSON `json:"versions"`
	}{ClientID: id, Versions: []planJSON{}}
	for _, p := range versions {
		pj := planJSON{ID: p.ID, EpisodeID: p.EpisodeID, Version: p.Version, Date: p.Date.String(), Status: planStatus(p),
			ClientStatement: p.ClientStatement, Problems: []problemJSON{}, Clinician: signatureOf(p.Clinician),
			Client: signatureOf(p.Client), SupervisorNeeded: p.SupervisorNeeded, Supervisor: signatureOf(p.Supervisor), Reviews: []reviewJSON{}}
		pj.Client.Witness = p.Witness
		for _, pr := range p.Problems {
			prj := problemJSON{ID: pr.ID, Statement: pr.Statement, Diagnosis: pr.Diagnosis, Goal: pr.Goal,
				Objectives: []objectiveJSON{}, Interventions: []interventionJSON{}}
			for _, o := range pr.Objectives {
				prj.Objectives = append(prj.Objectives, objectiveJSON{ID: o.ID, Text: o.Text, TargetDate: o.Target.String()})
			}
			for _, in := range pr.Interventions {
				prj.Interventions = append(prj.Interventions, interventionJSON{Modality: in.Modality,
					ModalityLabel: in.ModalityName(), Provider: in.Provider, Frequency: in.Frequency})
			}
			pj.Problems = append(pj.Problems, prj)
		}
		for _, rv := range reviews {
			if rv.PlanID != p.ID {
				continue
			}
			rj := reviewJSON{ID: rv.ID, Date: rv.Date.String(), By: rv.ByName, Summary: rv.Summary, Entries: []reviewEntryJSON{}}
			for _, e := range rv.Entries {
				rj.Entries = append(rj.Entries, reviewEntryJSON{ObjectiveID: e.ObjectiveID, Progress: string(e.Progress), Comment: e.Comment})
			}
			pj.Reviews = append(pj.Reviews, rj)
		}
		out.Versions = append(out.Versions, pj)
	}
	return writeJSON(w, "no-store", out)
}

// clinicalRead checks the client named in the path and audits the read of
// their record (category, detail) before anything is sent. An unknown or
// malformed id is 404 like a missing client, and the failed lookup is
// audited: a run of them is how probing for records shows up.
func (h *Handler) clinicalRead(r *http.Request, category, detail string) (string, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	notFound := problem{Status: http.StatusNotFound, Title: "Not found", Detail: "There is no client with that id."}
	if !model.ValidID(id) {
		return "", notFound
	}
	rec := h.record(r, userOf(r))
	rec.Action, rec.Category, rec.ClientID, rec.Detail = audit.ActionRead, category, id, detail
	_, err := h.Store.Client(ctx, id)
	switch {
	case model.KindOf(err) == model.KindNotFound:
		rec.Outcome, rec.Detail = audit.OutcomeFailure, detail+"; not found"
		if err := h.Audit.Record(ctx, rec); err != nil {
			return "", err
		}
		return "", notFound
	case err != nil:
		return "", err
	}
	if err := h.clientOnCareTeam(r, id); err != nil {
		return "", err
	}
	return id, h.Audit.Record(ctx, rec)
}

type measureJSON struct {
	ID         string            `json:"id"`
	Instrument string            `json:"instrument"`
	Title      string            `json:"title"`
	Date       string            `json:"date"`
	Total      int               `json:"total"`
	Max        int               `json:"max"`
	Band       string            `json:"band"`
	Flags      []instrument.Flag `json:"flags"`
	Subscales  map[string]int    `json:"subscales,omitempty"`
	Answers    map[string]int    `json:"answers"`
	By         string            `json:"by"`
	RecordedAt time.Time         `json:"recorded_at"`
}

// measures answers GET /api/v1/clients/{id}/measures: every instrument the
// client completed, newest first, with answers and the score as shown in
// the chart (total, band, flags, subscales). Audited as the chart is.
func (h *Handler) measures(w http.ResponseWriter, r *http.Request) error {
	id, err := h.clinicalRead(r, "client.measure", "api measures")
	if err != nil {
		return err
	}
	list, err := h.Store.Measures(r.Context(), id)
	if err != nil {
		return err
	}
	out := struct {
		ClientID string        `json:"client_id"`
		Measures []measureJSON `json:"measures"`
	}{ClientID: id, Measures: []measureJSON{}}
	for _, m := range list {
		flags := m.Result.Flags
		if flags == nil {
			flags = []instrument.Flag{}
		}
		out.Measures = append(out.Measures, measureJSON{ID: m.ID, Instrument: m.Instrument, Title: m.Title(), Date: m.On.String(),
			Total: m.Result.Total, Max: m.Result.Max, Band: m.Result.Band, Flags: flags, Subscales: m.Result.Subscales,
			Answers: m.Answers, By: m.ByName, RecordedAt: m.At.UTC()})
	}
	return writeJSON(w, "no-store", out)
}

package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// Store is what the authenticated endpoints read and write.
type Store interface {
	APITokenUser(ctx context.Context, token string) (model.User, error)
	Organization(ctx context.Context) (model.Organization, error)
	Client(ctx context.Context, id string) (model.Client, error)
	CareTeamAccess(ctx context.Context, clientID, userID string, now time.Time) (string, error)
	Occurrences(ctx context.Context, f store.SeriesFilter, from, to model.Date, loc *time.Location) ([]schedule.Occurrence, error)
	Appointments(ctx context.Context, f store.AppointmentFilter) ([]schedule.Appointment, error)
	Enrol(ctx context.Context, seriesID, clientID string, rec audit.Record) (string, error)
	BookAppointment(ctx context.Context, a *schedule.Appointment, loc *time.Location, override bool, rec audit.Record) error
	TreatmentPlans(ctx context.Context, clientID string) ([]plan.Plan, error)
	PlanReviews(ctx context.Context, clientID string) ([]plan.Review, error)
	Measures(ctx context.Context, clientID string) ([]care.Measure, error)
}

// maxRangeDays bounds a calendar query.
const maxRangeDays = 62

// occurrenceJSON is a group meeting.
type occurrenceJSON struct {
	SeriesID    string    `json:"series_id"`
	Date        string    `json:"date"` // the meeting's original date, which identifies it
	Title       string    `json:"title"`
	Type        string    `json:"type"`
	TrackID     string    `json:"track_id"`
	Track       string    `json:"track"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Room        string    `json:"room,omitempty"`
	Telehealth  string    `json:"telehealth_url,omitempty"`
	Facilitator string    `json:"facilitator"`
	Enrolled    int       `json:"enrolled"`
	Capacity    int       `json:"capacity"`
	Status      string    `json:"status"` // scheduled, moved, cancelled, closed
}

// appointmentJSON is an appointment.
type appointmentJSON struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"client_id"`
	Client      string    `json:"client,omitempty"`
	ClinicianID string    `json:"clinician_id"`
	Clinician   string    `json:"clinician,omitempty"`
	Kind        string    `json:"kind"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Room        string    `json:"room,omitempty"`
	Telehealth  string    `json:"telehealth_url,omitempty"`
	Cancelled   bool      `json:"cancelled"`
}

func (h *Handler) location(ctx context.Context) (*time.Location, error) {
	org, err := h.Store.Organization(ctx)
	if err != nil {
		return nil, err
	}
	return org.Location(), nil
}

// occurrenceList answers GET /api/v1/occurrences: group meetings between two
// dates, filtered by track, clinician, room or client; with a client or
// clinician filter, and permission to see clients, their appointments too.
func (h *Handler) occurrenceList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := map[string]string{}
	from, err := model.ParseDate(q.Get("from"))
	if err != nil {
		bad["from"] = "Give from as YYYY-MM-DD."
	}
	to, err := model.ParseDate(q.Get("to"))
	if err != nil {
		bad["to"] = "Give to as YYYY-MM-DD."
	}
	if len(bad) == 0 && (to.Before(from) || from.AddDays(maxRangeDays).Before(to)) {
		bad["to"] = "to must be on or after from, and at most 62 days later."
	}
	f := store.SeriesFilter{TrackID: q.Get("track"), FacilitatorID: q.Get("clinician"), Room: q.Get("room"), ClientID: q.Get("client")}
	for k, v := range map[string]string{"track": f.TrackID, "clinician": f.FacilitatorID, "client": f.ClientID} {
		if v != "" && !model.ValidID(v) {
			bad[k] = "Not an id."
		}
	}
	if len(bad) > 0 {
		return problem{Status: http.StatusBadRequest, Title: "Bad query", Detail: "Correct the parameters listed in errors.", Errors: bad}
	}
	u := userOf(r)
	seesClients := auth.Can(u.Role, auth.ViewClientHeader)
	if f.ClientID != "" && !seesClients {
		return problem{Status: http.StatusForbidden, Title: "Not allowed", Detail: "Your role cannot see a client's schedule."}
	}
	if f.ClientID != "" {
		if err := h.clientOnCareTeam(r, f.ClientID); err != nil {
			return err
		}
	}
	loc, err := h.location(r.Context())
	if err != nil {
		return err
	}
	occ, err := h.Store.Occurrences(r.Context(), f, from, to, loc)
	if err != nil {
		return err
	}
	out := struct {
		From         string            `json:"from"`
		To           string            `json:"to"`
		TimeZone     string            `json:"time_zone"`
		Occurrences  []occurrenceJSON  `json:"occurrences"`
		Appointments []appointmentJSON `json:"appointments,omitempty"`
	}{From: from.String(), To: to.String(), TimeZone: loc.String(), Occurrences: []occurrenceJSON{}}
	for _, o := range occ {
		status := "scheduled"
		switch {
		case o.Closed != "":
			status = "closed"
		case o.Cancelled:
			status = "cancelled"
		case o.Moved:
			status = "moved"
		}
		out.Occurrences = append(out.Occurrences, occurrenceJSON{SeriesID: o.Series.ID, Date: o.Date.String(), Title: o.Series.Title,
			Type: string(o.Series.Type), TrackID: o.Series.TrackID, Track: o.Series.TrackName, Start: o.Start.UTC(), End: o.End.UTC(),
			Room: o.Series.Room, Telehealth: o.Series.TelehealthURL, Facilitator: o.Series.FacilitatorName,
			Enrolled: o.Series.Enrolled, Capacity: o.Series.MaxCapacity, Status: status})
	}
	if seesClients && (f.ClientID != "" || f.FacilitatorID != "") {
		start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
		end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
		appts, err := h.Store.Appointments(r.Context(), store.AppointmentFilter{From: start, To: end, ClientID: f.ClientID, ClinicianID: f.FacilitatorID})
		if err != nil {
			return err
		}
		var ids []string
		for _, a := range appts {
			out.Appointments = append(out.Appointments, appointmentJSON{ID: a.ID, ClientID: a.ClientID, Client: a.ClientName,
				ClinicianID: a.ClinicianID, Clinician: a.ClinicianName, Kind: string(a.Kind), Start: a.Start.UTC(), End: a.End.UTC(),
				Room: a.Room, Telehealth: a.TelehealthURL, Cancelled: a.Cancelled})
			ids = append(ids, a.ClientID)
		}
		if f.ClientID != "" || len(ids) > 0 {
			rec := h.record(r, u)
			rec.Action, rec.Category, rec.ClientID = audit.ActionQuery, "client.schedule", f.ClientID
			rec.Detail = "api occurrences; shown=" + strings.Join(ids, ",")
			if err := h.Audit.Record(r.Context(), rec); err != nil {
				return err
			}
		}
	}
	return writeJSON(w, "no-store", out)
}

// enrolmentCreate answers POST /api/v1/enrolments: a client into a group, or
// onto its waitlist when it is full.
func (h *Handler) enrolmentCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SeriesID string `json:"series_id"`
		ClientID string `json:"client_id"`
	}
	if err := readJSON(w, r, &req); err != nil {
		return err
	}
	bad := map[string]string{}
	if !model.ValidID(req.SeriesID) {
		bad["series_id"] = "Give the group's id."
	}
	if !model.ValidID(req.ClientID) {
		bad["client_id"] = "Give the client's id."
	}
	if len(bad) > 0 {
		return problem{Status: http.StatusUnprocessableEntity, Title: "Enrolment invalid", Detail: "Correct the fields listed in errors.", Errors: bad}
	}
	if err := h.clientOnCareTeam(r, req.ClientID); err != nil {
		return err
	}
	status, err := h.Store.Enrol(r.Context(), req.SeriesID, req.ClientID, h.record(r, userOf(r)))
	if err != nil {
		return asProblem(err)
	}
	return writeJSONStatus(w, http.StatusCreated, "no-store", struct {
		SeriesID string `json:"series_id"`
		ClientID string `json:"client_id"`
		Status   string `json:"status"`
	}{req.SeriesID, req.ClientID, status})
}

// appointmentCreate answers POST /api/v1/appointments. Hard conflicts are a
// 409 listing each; soft ones (the client's availability) a 409 too, unless
// the request says "confirm": true.
func (h *Handler) appointmentCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ClientID      string    `json:"client_id"`
		ClinicianID   string    `json:"clinician_id"`
		Kind          string    `json:"kind"`
		Start         time.Time `json:"start"`
		Minutes       int       `json:"minutes"`
		Room          string    `json:"room"`
		TelehealthURL string    `json:"telehealth_url"`
		Family        string    `json:"family"`
		Note          string    `json:"note"`
		Confirm       bool      `json:"confirm"`
	}
	if err := readJSON(w, r, &req); err != nil {
		return err
	}
	if !model.ValidID(req.ClientID) {
		return problem{Status: http.StatusUnprocessableEntity, Title: "Appointment invalid", Errors: map[string]string{"client_id": "Give the client's id."}}
	}
	if err := h.clientOnCareTeam(r, req.ClientID); err != nil {
		return err
	}
	if req.Minutes < 10 || req.Minutes > 240 {
		return problem{Status: http.StatusUnprocessableEntity, Title: "Appointment invalid", Errors: map[string]string{"minutes": "Give the length in minutes, 10 to 240."}}
	}
	loc, err := h.location(r.Context())
	if err != nil {
		return err
	}
	a := schedule.Appointment{ClientID: req.ClientID, ClinicianID: req.ClinicianID, Kind: schedule.AppointmentKind(req.Kind),
		Start: req.Start, End: req.Start.Add(time.Duration(req.Minutes) * time.Minute), Room: req.Room, TelehealthURL: req.TelehealthURL,
		Family: req.Family, Note: req.Note}
	err = h.Store.BookAppointment(r.Context(), &a, loc, req.Confirm, h.record(r, userOf(r)))
	var ce *store.ErrConflicts
	if errors.As(err, &ce) {
		p := problem{Status: http.StatusConflict, Title: "Cannot be booked", Detail: strings.Join(ce.Conflicts.Messages(), " "), Errors: map[string]string{}}
		for _, c := range ce.Conflicts {
			p.Errors[string(c.Kind)] = c.Message
		}
		if !ce.Conflicts.Hard() {
			p.Title = "Confirm to book"
			p.Detail += ` Send "confirm": true to book anyway.`
		}
		return p
	}
	if err != nil {
		return asProblem(err)
	}
	return writeJSONStatus(w, http.StatusCreated, "no-store", appointmentJSON{ID: a.ID, ClientID: a.ClientID, ClinicianID: a.ClinicianID, Kind: string(a.Kind),
		Start: a.Start.UTC(), End: a.End.UTC(), Room: a.Room, Telehealth: a.TelehealthURL})
}

// asProblem turns store errors with a kind into problem details.
func asProblem(err error) error {
	switch model.KindOf(err) {
	case model.KindInvalid:
		return problem{Status: http.StatusUnprocessableEntity, Title: "Invalid", Detail: model.UserMessage(err), Errors: model.FieldsOf(err)}
	case model.KindNotFound:
		return problem{Status: http.StatusNotFound, Title: "Not found", Detail: model.UserMessage(err) + "."}
	case model.KindConflict:
		return problem{Status: http.StatusConflict, Title: "Conflict", Detail: model.UserMessage(err)}
	}
	return err
}

// clientOnCareTeam finds the client and, for a role the care-team rule
// limits, checks that the caller cares for them: outside the care team the
// client is not found, as on the web pages, and the refusal is audited.
func (h *Handler) clientOnCareTeam(r *http.Request, clientID string) error {
	ctx := r.Context()
	if _, err := h.Store.Client(ctx, clientID); err != nil {
		return asProblem(err)
	}
	u := userOf(r)
	if !auth.CareTeamLimited(u.Role) {
		return nil
	}
	rec := h.record(r, u)
	why, err := h.Store.CareTeamAccess(ctx, clientID, u.ID, rec.At)
	if err != nil {
		return err
	}
	if why != "" {
		return nil
	}
	rec.Action, rec.Category, rec.ClientID, rec.Outcome, rec.Detail = audit.ActionRead, "client.demographics", clientID, audit.OutcomeDenied, "outside the care team (API)"
	if err := h.Audit.Record(ctx, rec); err != nil {
		return err
	}
	return problem{Status: http.StatusNotFound, Title: "Not found", Detail: "There is no client with that id."}
}

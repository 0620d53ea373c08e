package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
)

// errEpisodeMoved is returned inside a transaction when the episode changed
// since the clinician read it (another change or a discharge landed first).
var errEpisodeMoved = &model.Error{Op: "store", Kind: model.KindConflict,
	Msg: "this episode changed while you were working (someone else recorded a change or a discharge); reload the chart and try again"}

// Program returns one program.
func (db *DB) Program(ctx context.Context, id string) (model.Program, error) {
	var p model.Program
	var pop, loc string
	err := db.queryRow(ctx, `SELECT `+programColumns+` FROM programs WHERE id = $1`, id).Scan(programFields(&p, &pop, &loc)...)
	if errors.Is(err, sql.ErrNoRows) {
		return p, model.NotFound("store.Program", "program")
	}
	p.Population, p.LevelOfCare = model.Population(pop), model.LevelOfCare(loc)
	return p, model.Wrap("store.Program", model.KindInternal, err)
}

// Admit opens an episode for a client from an admission request, with its
// admission event, in one transaction. The client may have one open episode
// per program.
func (db *DB) Admit(ctx context.Context, clientID string, a care.Admit, byID string, rec audit.Record) (model.Episode, error) {
	const op = "store.Admit"
	prog, err := db.Program(ctx, a.ProgramID)
	if err != nil {
		if model.KindOf(err) == model.KindNotFound {
			return model.Episode{}, model.Invalid(op, map[string]string{"program_id": "Choose a program."})
		}
		return model.Episode{}, err
	}
	if err := db.checkTrack(ctx, a, prog); err != nil {
		return model.Episode{}, err
	}
	e := a.Episode(clientID, prog.ReviewIntervalDays)
	if err := model.Invalid(op, e.Problems()); err != nil {
		return e, err
	}
	e.ID = model.NewID()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.episode", audit.ActionCreate, clientID, e.ID
	rec.Detail = "admitted at " + string(e.LevelOfCare)
	err = db.write(ctx, op, func(tx *sql.Tx) error {
		if err := db.insertEpisode(ctx, tx, &e); err != nil {
			return err
		}
		if err := db.insertEvent(ctx, tx, care.Event{EpisodeID: e.ID, Kind: care.Admission, Date: e.AdmissionDate,
			ToLevel: e.LevelOfCare, ToTrackID: e.TrackID, Reason: a.Reason, AssessmentID: a.AssessmentID, ByID: byID}); err != nil {
			return err
		}
		return refreshCurrentEpisode(ctx, tx, clientID)
	}, &rec)
	if isUniqueViolation(err) {
		return e, model.Invalid(op, map[string]string{"program_id": "The client already has an open episode in " + prog.Name + ": discharge it first or record a change in it."})
	}
	return e, err
}

func (db *DB) insertEvent(ctx context.Context, tx *sql.Tx, ev care.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO episode_events (id, episode_id, kind, event_date, from_level, to_level,
			from_track_id, to_track_id, reason, assessment_id, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		model.NewID(), ev.EpisodeID, string(ev.Kind), ev.Date, string(ev.FromLevel), string(ev.ToLevel),
		nullable(ev.FromTrackID), nullable(ev.ToTrackID), ev.Reason, nullable(ev.AssessmentID), nullable(ev.ByID), db.Now())
	return err
}

const episodeSelect = `SELECT e.id, e.client_id, e.program_id, e.track_id, e.level_of_care, e.admission_date,
		e.discharge_date, e.status, e.primary_counselor_id, e.diagnoses, e.review_due, p.name, t.name, u.name, p.min_weekly_minutes
	FROM episodes e JOIN programs p ON p.id = e.program_id
	LEFT JOIN tracks t ON t.id = e.track_id LEFT JOIN users u ON u.id = e.primary_counselor_id`

func scanEpisode(s scanner) (model.Episode, error) {
	var e model.Episode
	var loc, status, diagnoses string
	var trackName, counselorName sql.NullString
	err := s.Scan(&e.ID, &e.ClientID, &e.ProgramID, nullString{&e.TrackID}, &loc, &e.AdmissionDate, &e.DischargeDate,
		&status, nullString{&e.PrimaryCounselorID}, &diagnoses, &e.ReviewDue, &e.ProgramName, &trackName, &counselorName, &e.MinWeeklyMinutes)
	e.LevelOfCare, e.Status = model.LevelOfCare(loc), model.EpisodeStatus(status)
	e.TrackName, e.CounselorName = trackName.String, counselorName.String
	e.Diagnoses = strings.Fields(diagnoses)
	return e, err
}

// Episode returns one episode of a client; an episode of another client is
// not found.
func (db *DB) Episode(ctx context.Context, clientID, id string) (model.Episode, error) {
	e, err := scanEpisode(db.queryRow(ctx, episodeSelect+` WHERE e.id = $1 AND e.client_id = $2`, id, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, model.NotFound("store.Episode", "episode")
	}
	return e, model.Wrap("store.Episode", model.KindInternal, err)
}

// EpisodeEvents lists an episode's history, oldest first.
func (db *DB) EpisodeEvents(ctx context.Context, episodeID string) ([]care.Event, error) {
	rows, err := db.query(ctx, `SELECT v.id, v.episode_id, v.kind, v.event_date, v.from_level, v.to_level, v.from_track_id,
			v.to_track_id, ft.name, tt.name, v.reason, v.assessment_id, v.recorded_by, u.name, v.recorded_at
		FROM episode_events v LEFT JOIN tracks ft ON ft.id = v.from_track_id LEFT JOIN tracks tt ON tt.id = v.to_track_id
		LEFT JOIN users u ON u.id = v.recorded_by
		WHERE v.episode_id = $1 ORDER BY v.event_date, v.recorded_at, v.id`, episodeID)
	if err != nil {
		return nil, model.Wrap("store.EpisodeEvents", model.KindInternal, err)
	}
	defer rows.Close()
	var out []care.Event
	for rows.Next() {
		var ev care.Event
		var kind, from, to string
		if err := rows.Scan(&ev.ID, &ev.EpisodeID, &kind, &ev.Date, &from, &to, nullString{&ev.FromTrackID}, nullString{&ev.ToTrackID},
			nullString{&ev.FromTrack}, nullString{&ev.ToTrack}, &ev.Reason, nullString{&ev.AssessmentID}, nullString{&ev.ByID},
			nullString{&ev.ByName}, &ev.At); err != nil {
			return nil, err
		}
		ev.Kind, ev.FromLevel, ev.ToLevel = care.EventKind(kind), model.LevelOfCare(from), model.LevelOfCare(to)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// LastEventDate is the date of the latest entry in an episode's history.
func LastEventDate(events []care.Event) model.Date {
	var last model.Date
	for _, ev := range events {
		if ev.Date.After(last) {
			last = ev.Date
		}
	}
	return last
}

// ChangeEpisode records a step down, step up or track change. ep is the
// episode as the clinician saw it; if it moved since, nothing is written.
func (db *DB) ChangeEpisode(ctx context.Context, ep model.Episode, c care.Change, byID string, reviewIntervalDays int, rec audit.Record) error {
	const op = "store.ChangeEpisode"
	to := model.Episode{LevelOfCare: ep.LevelOfCare, TrackID: ep.TrackID}
	if c.Kind != care.TrackChange {
		to.LevelOfCare = c.ToLevel
	}
	if c.ToTrackID != "" {
		to.TrackID = c.ToTrackID
	}
	due := care.NextReview(c.Date, reviewIntervalDays)
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.episode", audit.ActionUpdate, ep.ClientID, ep.ID
	rec.Detail = string(c.Kind) + " to " + string(to.LevelOfCare)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE episodes SET level_of_care = $1, track_id = $2, review_due = $3, updated_at = $4
			WHERE id = $5 AND status = 'active' AND level_of_care = $6 AND COALESCE(track_id, '') = $7`,
			string(to.LevelOfCare), nullable(to.TrackID), due, db.Now(), ep.ID, string(ep.LevelOfCare), ep.TrackID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errEpisodeMoved
		}
		return db.insertEvent(ctx, tx, care.Event{EpisodeID: ep.ID, Kind: c.Kind, Date: c.Date, FromLevel: ep.LevelOfCare,
			ToLevel: to.LevelOfCare, FromTrackID: ep.TrackID, ToTrackID: to.TrackID, Reason: c.Reason,
			AssessmentID: c.AssessmentID, ByID: byID})
	}, &rec)
}

// ReviewEpisode records a continued-stay review and moves the next due date.
func (db *DB) ReviewEpisode(ctx context.Context, ep model.Episode, r care.ReviewEntry, byID string, reviewIntervalDays int, rec audit.Record) error {
	const op = "store.ReviewEpisode"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.episode", audit.ActionUpdate, ep.ClientID, ep.ID
	rec.Detail = "continued-stay review"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE episodes SET review_due = $1, updated_at = $2 WHERE id = $3 AND status = 'active'`,
			care.NextReview(r.Date, reviewIntervalDays), db.Now(), ep.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errEpisodeMoved
		}
		return db.insertEvent(ctx, tx, care.Event{EpisodeID: ep.ID, Kind: care.Review, Date: r.Date, FromLevel: ep.LevelOfCare,
			ToLevel: ep.LevelOfCare, FromTrackID: ep.TrackID, ToTrackID: ep.TrackID, Reason: r.Note, AssessmentID: r.AssessmentID, ByID: byID})
	}, &rec)
}

// DischargeEpisode closes an open episode with its summary and aftercare
// plan. A second discharge of the same episode is refused.
func (db *DB) DischargeEpisode(ctx context.Context, ep model.Episode, d care.Discharge, rec audit.Record) error {
	const op = "store.DischargeEpisode"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.episode", audit.ActionUpdate, ep.ClientID, ep.ID
	rec.Detail = "discharged: " + string(d.Type)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE episodes SET status = 'discharged', discharge_date = $1, review_due = NULL, updated_at = $2
			WHERE id = $3 AND status = 'active' AND admission_date <= $1`, d.Date, db.Now(), ep.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errEpisodeMoved
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO discharges (episode_id, discharge_date, discharge_type, reason, services, progress,
				next_level, provider, appointments, supports, relapse_plan, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			ep.ID, d.Date, string(d.Type), d.Reason, d.Services, d.Progress, d.NextLevel, d.Provider, d.Appointments,
			d.Supports, d.RelapsePlan, d.ByID, db.Now()); err != nil {
			return err
		}
		if err := db.insertEvent(ctx, tx, care.Event{EpisodeID: ep.ID, Kind: care.Discharged, Date: d.Date, FromLevel: ep.LevelOfCare,
			FromTrackID: ep.TrackID, Reason: d.Type.Label() + ": " + d.Reason, ByID: d.ByID}); err != nil {
			return err
		}
		return refreshCurrentEpisode(ctx, tx, ep.ClientID)
	}, &rec)
}

// Discharge returns the discharge summary of an episode.
func (db *DB) Discharge(ctx context.Context, episodeID string) (care.Discharge, error) {
	var d care.Discharge
	var typ string
	err := db.queryRow(ctx, `SELECT d.episode_id, d.discharge_date, d.discharge_type, d.reason, d.services, d.progress, d.next_level,
			d.provider, d.appointments, d.supports, d.relapse_plan, d.recorded_by, u.name, d.recorded_at
		FROM discharges d JOIN users u ON u.id = d.recorded_by WHERE d.episode_id = $1`, episodeID).
		Scan(&d.EpisodeID, &d.Date, &typ, &d.Reason, &d.Services, &d.Progress, &d.NextLevel, &d.Provider, &d.Appointments,
			&d.Supports, &d.RelapsePlan, &d.ByID, &d.ByName, &d.At)
	if errors.Is(err, sql.ErrNoRows) {
		return d, model.NotFound("store.Discharge", "discharge summary")
	}
	d.Type = care.DischargeType(typ)
	return d, model.Wrap("store.Discharge", model.KindInternal, err)
}

// DueReview is an open episode whose continued-stay review is due.
type DueReview struct {
	Client  model.Client
	Episode model.Episode
}

// ReviewsDue lists open episodes with a review due on or before by, the
// most overdue first; counselorID narrows it to one caseload.
func (db *DB) ReviewsDue(ctx context.Context, by model.Date, counselorID string) ([]DueReview, error) {
	q := `SELECT c.id, c.mrn, c.first_name, c.last_name, c.preferred_name, ` + strings.TrimPrefix(episodeSelect, "SELECT ") +
		` JOIN clients c ON c.id = e.client_id WHERE e.status = 'active' AND e.review_due <= $1`
	args := []any{by}
	if counselorID != "" {
		q += ` AND e.primary_counselor_id = $2`
		args = append(args, counselorID)
	}
	rows, err := db.query(ctx, q+` ORDER BY e.review_due, c.last_name, c.first_name, e.id`, args...)
	if err != nil {
		return nil, model.Wrap("store.ReviewsDue", model.KindInternal, err)
	}
	defer rows.Close()
	var out []DueReview
	for rows.Next() {
		var d DueReview
		var e model.Episode
		var loc, status, diagnoses string
		var trackName, counselorName sql.NullString
		if err := rows.Scan(&d.Client.ID, &d.Client.MRN, &d.Client.FirstName, &d.Client.LastName, &d.Client.PreferredName,
			&e.ID, &e.ClientID, &e.ProgramID, nullString{&e.TrackID}, &loc, &e.AdmissionDate, &e.DischargeDate,
			&status, nullString{&e.PrimaryCounselorID}, &diagnoses, &e.ReviewDue, &e.ProgramName, &trackName, &counselorName,
			&e.MinWeeklyMinutes); err != nil {
			return nil, err
		}
		e.LevelOfCare, e.Status = model.LevelOfCare(loc), model.EpisodeStatus(status)
		e.TrackName, e.CounselorName, e.Diagnoses = trackName.String, counselorName.String, strings.Fields(diagnoses)
		d.Episode = e
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateAssessment stores an evaluated assessment (without a decision).
func (db *DB) CreateAssessment(ctx context.Context, a *care.Assessment, rec audit.Record) error {
	const op = "store.CreateAssessment"
	evidence, _ := json.Marshal(a.Evidence[1:])
	crisis, _ := json.Marshal(nonNil(a.Crisis))
	findings, _ := json.Marshal(a.Findings)
	recommendation, err := json.Marshal(a.Recommendation)
	if err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	a.ID, a.CreatedAt = model.NewID(), db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.assessment", audit.ActionCreate, a.ClientID, a.ID
	rec.Detail = "recommended " + string(a.Recommendation.Level)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO assessments (id, client_id, episode_id, assessed_on, rating_1, rating_2, rating_3,
				rating_4, rating_5, rating_6, evidence, crisis, findings, recommended_level, recommendation, assessed_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			a.ID, a.ClientID, nullable(a.EpisodeID), a.AssessedOn, a.Ratings[1], a.Ratings[2], a.Ratings[3], a.Ratings[4],
			a.Ratings[5], a.Ratings[6], string(evidence), string(crisis), string(findings), string(a.Recommendation.Level),
			string(recommendation), a.AssessorID, a.CreatedAt)
		return err
	}, &rec)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DecideAssessment records the clinician's decision once.
func (db *DB) DecideAssessment(ctx context.Context, a care.Assessment, d care.Decision, rec audit.Record) error {
	const op = "store.DecideAssessment"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.assessment", audit.ActionUpdate, a.ClientID, a.ID
	rec.Detail = "decided " + string(d.Level)
	if string(d.Level) != string(a.Recommendation.Level) {
		rec.Detail += " (override of " + string(a.Recommendation.Level) + ")"
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assessments SET decided_level = $1, decision_reason = $2, decided_by = $3, decided_at = $4
			WHERE id = $5 AND decided_level IS NULL`, string(d.Level), d.Reason, d.ByID, db.Now(), a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &model.Error{Op: op, Kind: model.KindConflict, Msg: "this assessment already has a decision"}
		}
		return nil
	}, &rec)
}

const assessmentSelect = `SELECT a.id, a.client_id, a.episode_id, a.assessed_on, a.rating_1, a.rating_2, a.rating_3, a.rating_4,
		a.rating_5, a.rating_6, a.evidence, a.crisis, a.findings, a.recommendation, a.assessed_by, u.name, a.created_at,
		a.decided_level, a.decision_reason, a.decided_by, d.name, a.decided_at
	FROM assessments a JOIN users u ON u.id = a.assessed_by LEFT JOIN users d ON d.id = a.decided_by`

func scanAssessment(s scanner) (care.Assessment, error) {
	var a care.Assessment
	var evidence, crisis, findings, recommendation, decided string
	var decidedAt sql.NullTime
	err := s.Scan(&a.ID, &a.ClientID, nullString{&a.EpisodeID}, &a.AssessedOn, &a.Ratings[1], &a.Ratings[2], &a.Ratings[3],
		&a.Ratings[4], &a.Ratings[5], &a.Ratings[6], &evidence, &crisis, &findings, &recommendation, &a.AssessorID, &a.AssessorName,
		&a.CreatedAt, nullString{&decided}, &a.Decision.Reason, nullString{&a.Decision.ByID}, nullString{&a.Decision.ByName}, &decidedAt)
	if err != nil {
		return a, err
	}
	var ev []string
	if err := errors.Join(json.Unmarshal([]byte(evidence), &ev), json.Unmarshal([]byte(crisis), &a.Crisis),
		json.Unmarshal([]byte(findings), &a.Findings), json.Unmarshal([]byte(recommendation), &a.Recommendation)); err != nil {
		return a, err
	}
	copy(a.Evidence[1:], ev)
	a.Decision.Level, a.Decision.At = model.LevelOfCare(decided), decidedAt.Time
	return a, nil
}

// Assessment returns one assessment of a client.
func (db *DB) Assessment(ctx context.Context, clientID, id string) (care.Assessment, error) {
	a, err := scanAssessment(db.queryRow(ctx, assessmentSelect+` WHERE a.id = $1 AND a.client_id = $2`, id, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, model.NotFound("store.Assessment", "assessment")
	}
	return a, model.Wrap("store.Assessment", model.KindInternal, err)
}

// Assessments lists a client's assessments, newest first.
func (db *DB) Assessments(ctx context.Context, clientID string) ([]care.Assessment, error) {
	rows, err := db.query(ctx, assessmentSelect+` WHERE a.client_id = $1 ORDER BY a.assessed_on DESC, a.created_at DESC`, clientID)
	if err != nil {
		return nil, model.Wrap("store.Assessments", model.KindInternal, err)
	}
	defer rows.Close()
	var out []care.Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, model.Wrap("store.Assessments", model.KindInternal, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateMeasure stores a scored administration.
func (db *DB) CreateMeasure(ctx context.Context, m *care.Measure, rec audit.Record) error {
	const op = "store.CreateMeasure"
	answers, _ := json.Marshal(m.Answers)
	result, err := json.Marshal(m.Result)
	if err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	m.ID, m.At = model.NewID(), db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.measure", audit.ActionCreate, m.ClientID, m.ID
	rec.Detail = m.Instrument
	return db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO measures (id, client_id, episode_id, instrument, answers, sex, total, band, result,
				urgent, administered_on, administered_by, created_at, self_reported)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			m.ID, m.ClientID, nullable(m.EpisodeID), m.Instrument, string(answers), string(m.Sex), m.Result.Total, m.Result.Band,
			string(result), m.Result.Urgent(), m.On, nullable(m.ByID), m.At, m.SelfReported)
		if err != nil {
			return err
		}
		if _, err := raiseSafetyAlert(ctx, tx, m, m.At); err != nil {
			return err
		}
		// A result completes whatever of this instrument the client was asked to do.
		_, err = tx.ExecContext(ctx, `UPDATE measure_assignments SET completed_measure_id = $1
			WHERE client_id = $2 AND instrument = $3 AND completed_measure_id IS NULL AND cancelled_at IS NULL`,
			m.ID, m.ClientID, m.Instrument)
		return err
	}, &rec)
}

const measureSelect = `SELECT m.id, m.client_id, m.episode_id, m.instrument, m.answers, m.sex, m.result, m.administered_on,
		COALESCE(m.administered_by, ''), COALESCE(u.name, ''), m.created_at, m.self_reported
	FROM measures m LEFT JOIN users u ON u.id = m.administered_by`

func scanMeasure(s scanner) (care.Measure, error) {
	var m care.Measure
	var answers, sex, result string
	if err := s.Scan(&m.ID, &m.ClientID, nullString{&m.EpisodeID}, &m.Instrument, &answers, &sex, &result, &m.On,
		&m.ByID, &m.ByName, &m.At, &m.SelfReported); err != nil {
		return m, err
	}
	m.Sex = instrument.Sex(sex)
	if m.SelfReported && m.ByName == "" {
		m.ByName = care.SelfReportedBy
	}
	return m, errors.Join(json.Unmarshal([]byte(answers), &m.Answers), json.Unmarshal([]byte(result), &m.Result))
}

// Measure returns one measure of a client.
func (db *DB) Measure(ctx context.Context, clientID, id string) (care.Measure, error) {
	m, err := scanMeasure(db.queryRow(ctx, measureSelect+` WHERE m.id = $1 AND m.client_id = $2`, id, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, model.NotFound("store.Measure", "measure")
	}
	return m, model.Wrap("store.Measure", model.KindInternal, err)
}

// Measures lists a client's measures, oldest first (the order of a trend).
func (db *DB) Measures(ctx context.Context, clientID string) ([]care.Measure, error) {
	rows, err := db.query(ctx, measureSelect+` WHERE m.client_id = $1 ORDER BY m.administered_on, m.created_at, m.id`, clientID)
	if err != nil {
		return nil, model.Wrap("store.Measures", model.KindInternal, err)
	}
	defer rows.Close()
	var out []care.Measure
	for rows.Next() {
		m, err := scanMeasure(rows)
		if err != nil {
			return nil, model.Wrap("store.Measures", model.KindInternal, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DisabledInstruments returns the codes of the instruments switched off at
// this center.
func (db *DB) DisabledInstruments(ctx context.Context) (map[string]bool, error) {
	rows, err := db.query(ctx, `SELECT code FROM disabled_instruments`)
	if err != nil {
		return nil, model.Wrap("store.DisabledInstruments", model.KindInternal, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		out[code] = true
	}
	return out, rows.Err()
}

// SetInstrumentEnabled switches an instrument on or off for this center.
func (db *DB) SetInstrumentEnabled(ctx context.Context, code string, enabled bool, byID string, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID = "settings.instruments", audit.ActionUpdate, code
	rec.Detail = "switched off"
	if enabled {
		rec.Detail = "switched on"
	}
	return db.write(ctx, "store.SetInstrumentEnabled", func(tx *sql.Tx) error {
		if enabled {
			_, err := tx.ExecContext(ctx, `DELETE FROM disabled_instruments WHERE code = $1`, code)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO disabled_instruments (code, disabled_by, disabled_at) VALUES ($1, $2, $3)
			ON CONFLICT (code) DO NOTHING`, code, byID, db.Now())
		return err
	}, &rec)
}

// ImportClinical writes assessments (with their decisions) and measures
// whose ids are already set, in one transaction with an audit record each:
// for demo data and loads from other systems.
func (db *DB) ImportClinical(ctx context.Context, assessments []care.Assessment, measures []care.Measure, rec audit.Record) error {
	const op = "store.ImportClinical"
	var recs []*audit.Record
	for _, a := range assessments {
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID = "client.assessment", audit.ActionCreate, a.ClientID, a.ID
		recs = append(recs, &r)
	}
	for _, m := range measures {
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID = "client.measure", audit.ActionCreate, m.ClientID, m.ID
		recs = append(recs, &r)
	}
	now := db.Now()
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for _, a := range assessments {
			evidence, _ := json.Marshal(a.Evidence[1:])
			crisis, _ := json.Marshal(nonNil(a.Crisis))
			findings, _ := json.Marshal(a.Findings)
			recommendation, _ := json.Marshal(a.Recommendation)
			var decided, decidedBy, decidedAt any
			if a.Decision.Made() {
				decided, decidedBy, decidedAt = string(a.Decision.Level), a.Decision.ByID, now
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assessments (id, client_id, episode_id, assessed_on, rating_1, rating_2,
					rating_3, rating_4, rating_5, rating_6, evidence, crisis, findings, recommended_level, recommendation, assessed_by,
					created_at, decided_level, decision_reason, decided_by, decided_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
				a.ID, a.ClientID, nullable(a.EpisodeID), a.AssessedOn, a.Ratings[1], a.Ratings[2], a.Ratings[3], a.Ratings[4],
				a.Ratings[5], a.Ratings[6], string(evidence), string(crisis), string(findings), string(a.Recommendation.Level),
				string(recommendation), a.AssessorID, now, decided, a.Decision.Reason, decidedBy, decidedAt); err != nil {
				return err
			}
		}
		for _, m := range measures {
			answers, _ := json.Marshal(m.Answers)
			result, _ := json.Marshal(m.Result)
			if _, err := tx.ExecContext(ctx, `INSERT INTO measures (id, client_id, episode_id, instrument, answers, sex, total, band,
					result, urgent, administered_on, administered_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				m.ID, m.ClientID, nullable(m.EpisodeID), m.Instrument, string(answers), string(m.Sex), m.Result.Total,
				m.Result.Band, string(result), m.Result.Urgent(), m.On, m.ByID, now); err != nil {
				return err
			}
		}
		return nil
	}, recs...)
}

// SetReviewInterval sets how often a program's clients are reviewed.
func (db *DB) SetReviewInterval(ctx context.Context, programID string, days int, rec audit.Record) error {
	const op = "store.SetReviewInterval"
	if days < 1 || days > 365 {
		return model.Invalid(op, map[string]string{"days": "Enter a number of days from 1 to 365."})
	}
	rec.Category, rec.Action, rec.EntityID = "program.program", audit.ActionUpdate, programID
	rec.Detail = "review interval " + strconv.Itoa(days) + " days"
	return db.updateProgram(ctx, op, rec, `UPDATE programs SET review_interval_days = $1 WHERE id = $2`, days, programID)
}

// CountReviewsDue counts a counselor's open episodes whose review is overdue
// (due before today) and due from today up to by: the home page's summary,
// which needs no names.
func (db *DB) CountReviewsDue(ctx context.Context, today, by model.Date, counselorID string) (overdue, soon int, err error) {
	err = db.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN review_due < $1 THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM episodes WHERE primary_counselor_id = $3 AND status = 'active' AND review_due <= $2`,
		today, by, counselorID).Scan(&overdue, &soon)
	return overdue, soon - overdue, model.Wrap("store.CountReviewsDue", model.KindInternal, err)
}

// AssignMeasure records an instrument assigned to a client.
func (db *DB) AssignMeasure(ctx context.Context, a *care.Assignment, rec audit.Record) error {
	a.ID, a.At = model.NewID(), db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.measure", audit.ActionCreate, a.ClientID, a.ID
	rec.Detail = "assigned " + a.Instrument
	return db.write(ctx, "store.AssignMeasure", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO measure_assignments (id, client_id, instrument, due_on, note, assigned_by, assigned_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.ClientID, a.Instrument, a.DueOn, a.Note, a.ByID, a.At)
		return err
	}, &rec)
}

// OpenAssignments lists a client's assignments not yet completed or
// cancelled, soonest due first.
func (db *DB) OpenAssignments(ctx context.Context, clientID string) ([]care.Assignment, error) {
	rows, err := db.query(ctx, `SELECT a.id, a.client_id, a.instrument, a.due_on, a.note, a.assigned_by, u.name, a.assigned_at, a.scheduled
		FROM measure_assignments a JOIN users u ON u.id = a.assigned_by
		WHERE a.client_id = $1 AND a.completed_measure_id IS NULL AND a.cancelled_at IS NULL
		ORDER BY a.due_on, a.assigned_at`, clientID)
	out, err := collect(rows, err, func(s scanner) (care.Assignment, error) {
		var a care.Assignment
		return a, s.Scan(&a.ID, &a.ClientID, &a.Instrument, &a.DueOn, &a.Note, &a.ByID, &a.ByName, &a.At, &a.Scheduled)
	})
	return out, model.Wrap("store.OpenAssignments", model.KindInternal, err)
}

// CancelAssignment withdraws an open assignment of a client.
func (db *DB) CancelAssignment(ctx context.Context, clientID, id string, rec audit.Record) error {
	const op = "store.CancelAssignment"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.measure", audit.ActionUpdate, clientID, id
	rec.Detail = "assignment cancelled"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE measure_assignments SET cancelled_at = $1
			WHERE id = $2 AND client_id = $3 AND completed_measure_id IS NULL AND cancelled_at IS NULL`, db.Now(), id, clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound(op, "open assignment")
		}
		return nil
	}, &rec)
}

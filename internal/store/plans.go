package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
)

var errPlanSigned = &model.Error{Op: "store", Kind: model.KindConflict,
	Msg: "this version of the plan is signed and cannot change; start a revision instead"}

// planContent is what a version keeps as JSON: everything but its dates and
// signatures, which are columns.
type planContent struct {
	ClientStatement string         `json:"client_statement,omitempty"`
	Problems        []plan.Problem `json:"problems"`
}

const planSelect = `SELECT t.id, t.client_id, t.episode_id, t.version, t.plan_date, t.content, t.updated_at, a.name,
		t.signed_at, s.name, t.supervisor_needed, t.supervisor_signed_at, v.name, t.client_signed_at, t.client_signature, w.name
	FROM treatment_plans t JOIN users a ON a.id = t.author_id LEFT JOIN users s ON s.id = t.signed_by
	LEFT JOIN users v ON v.id = t.supervisor_signed_by LEFT JOIN users w ON w.id = t.client_witness_id`

func scanPlan(sc scanner) (plan.Plan, error) {
	var p plan.Plan
	var content string
	var signed, supervised, clientSigned sql.NullTime
	err := sc.Scan(&p.ID, &p.ClientID, &p.EpisodeID, &p.Version, &p.Date, &content, &p.UpdatedAt, &p.AuthorName,
		&signed, nullString{&p.Clinician.Name}, &p.SupervisorNeeded, &supervised, nullString{&p.Supervisor.Name},
		&clientSigned, nullString{&p.Client.Name}, nullString{&p.Witness})
	if err != nil {
		return p, err
	}
	p.Clinician.At, p.Supervisor.At, p.Client.At = signed.Time, supervised.Time, clientSigned.Time
	var c planContent
	if err := json.Unmarshal([]byte(content), &c); err != nil {
		return p, err
	}
	p.ClientStatement, p.Problems = c.ClientStatement, c.Problems
	return p, nil
}

// TreatmentPlans lists every version of a client's plans, newest first.
func (db *DB) TreatmentPlans(ctx context.Context, clientID string) ([]plan.Plan, error) {
	rows, err := db.query(ctx, planSelect+` WHERE t.client_id = $1 ORDER BY t.created_at DESC, t.version DESC`, clientID)
	out, err := collect(rows, err, scanPlan)
	return out, model.Wrap("store.TreatmentPlans", model.KindInternal, err)
}

// TreatmentPlan returns one version; a version of another client's plan is
// not found.
func (db *DB) TreatmentPlan(ctx context.Context, clientID, id string) (plan.Plan, error) {
	p, err := scanPlan(db.queryRow(ctx, planSelect+` WHERE t.id = $1 AND t.client_id = $2`, id, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, model.NotFound("store.TreatmentPlan", "treatment plan")
	}
	return p, model.Wrap("store.TreatmentPlan", model.KindInternal, err)
}

// StartPlan opens the draft of an open episode's plan: the draft already
// started if there is one, else a revision of the latest signed version, or
// an empty first version dated today.
func (db *DB) StartPlan(ctx context.Context, clientID, episodeID string, today model.Date, byID string, rec audit.Record) (plan.Plan, error) {
	const op = "store.StartPlan"
	var out plan.Plan
	rec.Category, rec.Action, rec.ClientID = "client.plan", audit.ActionCreate, clientID
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "plan:"+episodeID); err != nil {
			return err
		}
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM episodes WHERE id = $1 AND client_id = $2`, episodeID, clientID).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "episode")
		case err != nil:
			return err
		case status != string(model.EpisodeActive):
			return model.Invalid(op, map[string]string{"episode": "This episode is closed: a plan is written for an open episode."})
		}
		var draftID string
		err = tx.QueryRowContext(ctx, `SELECT id FROM treatment_plans WHERE episode_id = $1 AND signed_at IS NULL`, episodeID).Scan(&draftID)
		if err == nil {
			out.ID = draftID
			rec.Action, rec.EntityID, rec.Detail = audit.ActionRead, draftID, "treatment plan draft reopened"
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		last, err := scanPlan(tx.QueryRowContext(ctx, planSelect+` WHERE t.episode_id = $1 ORDER BY t.version DESC LIMIT 1`, episodeID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out = plan.Plan{ID: model.NewID(), ClientID: clientID, EpisodeID: episodeID, Version: 1, Date: today}
		case err != nil:
			return err
		default:
			out = plan.Revise(last, model.NewID(), today)
		}
		rec.EntityID, rec.Detail = out.ID, "treatment plan version "+strconv.Itoa(out.Version)+" started"
		return insertPlanVersion(ctx, tx, out, byID, db.Now())
	}, &rec)
	return out, err
}

func insertPlanVersion(ctx context.Context, tx *sql.Tx, p plan.Plan, byID string, now any) error {
	content, err := json.Marshal(planContent{ClientStatement: p.ClientStatement, Problems: nonNilProblems(p.Problems)})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO treatment_plans (id, client_id, episode_id, version, plan_date, content, author_id,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
		p.ID, p.ClientID, p.EpisodeID, p.Version, p.Date, string(content), byID, now); err != nil {
		return err
	}
	return writeObjectives(ctx, tx, p)
}

func nonNilProblems(p []plan.Problem) []plan.Problem {
	if p == nil {
		return []plan.Problem{}
	}
	return p
}

func writeObjectives(ctx context.Context, tx *sql.Tx, p plan.Plan) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM plan_objectives WHERE plan_id = $1`, p.ID); err != nil {
		return err
	}
	for _, pr := range p.Problems {
		for _, o := range pr.Objectives {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_objectives (plan_id, objective_id, client_id, text, target_date)
				VALUES ($1, $2, $3, $4, $5)`, p.ID, o.ID, p.ClientID, o.Text, o.Target); err != nil {
				return err
			}
		}
	}
	return nil
}

// SavePlan saves a draft version, or signs it as its clinician: checked
// against its episode (admission date, diagnoses) and the center's
// modalities. A signed version cannot be saved.
func (db *DB) SavePlan(ctx context.Context, p *plan.Plan, sign bool, extra []plan.Modality, byID string, rec audit.Record) error {
	const op = "store.SavePlan"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.plan", audit.ActionUpdate, p.ClientID, p.ID
	rec.Detail = "treatment plan draft saved"
	if sign {
		rec.Detail = "treatment plan signed by clinician"
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var episodeID, stored string
		var version int
		var signed sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT episode_id, version, signed_at, content FROM treatment_plans WHERE id = $1 AND client_id = $2`,
			p.ID, p.ClientID).Scan(&episodeID, &version, &signed, &stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "treatment plan")
		case err != nil:
			return err
		case signed.Valid:
			return errPlanSigned
		}
		if err := lockResources(ctx, tx, "plan:"+episodeID); err != nil {
			return err
		}
		var admission model.Date
		var diagnoses string
		var cosign bool
		if err := tx.QueryRowContext(ctx, `SELECT e.admission_date, e.diagnoses, p.cosign_required FROM episodes e
			JOIN programs p ON p.id = e.program_id WHERE e.id = $1`, episodeID).Scan(&admission, &diagnoses, &cosign); err != nil {
			return err
		}
		p.EpisodeID, p.Version = episodeID, version
		c := plan.Context{Admission: admission, Diagnoses: strings.Fields(diagnoses), Modalities: extra}
		if err := model.Invalid(op, p.Check(c, sign)); err != nil {
			return err
		}
		p.NameModalities(extra)
		var before planContent
		if err := json.Unmarshal([]byte(stored), &before); err != nil {
			return err
		}
		keepKnownIDs(p, before.Problems)
		p.AssignIDs(model.NewID)
		content, err := json.Marshal(planContent{ClientStatement: p.ClientStatement, Problems: nonNilProblems(p.Problems)})
		if err != nil {
			return err
		}
		now := db.Now()
		// The signed check above read before the lock was held; the WHERE makes a
		// concurrent signature win instead of being written over.
		if err := updateOnce(ctx, tx, errPlanSigned, `UPDATE treatment_plans SET plan_date = $1, content = $2, updated_at = $3
			WHERE id = $4 AND signed_at IS NULL`, p.Date, string(content), now, p.ID); err != nil {
			return err
		}
		if err := writeObjectives(ctx, tx, *p); err != nil {
			return err
		}
		if sign {
			// Whether a supervisor must sign too is the program's rule at the time of signing.
			return updateOnce(ctx, tx, errPlanSigned, `UPDATE treatment_plans SET signed_at = $1, signed_by = $2, supervisor_needed = $3
				WHERE id = $4 AND signed_at IS NULL`, now, byID, cosign, p.ID)
		}
		return nil
	}, &rec)
}

// SignPlanAsClient records the client's signature on a signed version: the
// name they typed on a staff device, with the staff member present as
// witness, or in the portal (witnessID "").
func (db *DB) SignPlanAsClient(ctx context.Context, clientID, id, typedName, witnessID string, rec audit.Record) error {
	const op = "store.SignPlanAsClient"
	typedName = strings.TrimSpace(typedName)
	if typedName == "" || len(typedName) > 200 {
		return model.Invalid(op, map[string]string{"client_signature": "The client types their full name to sign (up to 200 characters)."})
	}
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.plan", audit.ActionUpdate, clientID, id
	rec.Detail = "treatment plan signed by the client on a staff device"
	if witnessID == "" {
		rec.Detail = "treatment plan signed by the client in the portal"
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var signed, clientSigned sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT signed_at, client_signed_at FROM treatment_plans WHERE id = $1 AND client_id = $2`,
			id, clientID).Scan(&signed, &clientSigned)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "treatment plan")
		case err != nil:
			return err
		case !signed.Valid:
			return model.Invalid(op, map[string]string{"client_signature": "The clinician signs the plan first; the client then signs the signed version."})
		case clientSigned.Valid:
			return model.Errorf(op, model.KindConflict, "the client has already signed this version")
		}
		return updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "the client has already signed this version"),
			`UPDATE treatment_plans SET client_signed_at = $1, client_signature = $2, client_witness_id = $3
			WHERE id = $4 AND client_signed_at IS NULL`, db.Now(), typedName, nullable(witnessID), id)
	}, &rec)
}

// SignPlanAsSupervisor adds the supervisor's signature where the program
// requires it. The clinician who signed cannot also supervise.
func (db *DB) SignPlanAsSupervisor(ctx context.Context, clientID, id, byID string, rec audit.Record) error {
	const op = "store.SignPlanAsSupervisor"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.plan", audit.ActionUpdate, clientID, id
	rec.Detail = "treatment plan signed by supervisor"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var signedBy sql.NullString
		var needed bool
		var supervised sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT signed_by, supervisor_needed, supervisor_signed_at FROM treatment_plans WHERE id = $1 AND client_id = $2`,
			id, clientID).Scan(&signedBy, &needed, &supervised)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "treatment plan")
		case err != nil:
			return err
		case !signedBy.Valid:
			return model.Invalid(op, map[string]string{"supervisor": "The clinician signs the plan first."})
		case !needed:
			return model.Invalid(op, map[string]string{"supervisor": "This program does not require a supervisor's signature on plans."})
		case supervised.Valid:
			return model.Errorf(op, model.KindConflict, "a supervisor has already signed this version")
		case signedBy.String == byID:
			return model.Invalid(op, map[string]string{"supervisor": "The supervisor must be someone other than the clinician who signed."})
		}
		return updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "a supervisor has already signed this version"),
			`UPDATE treatment_plans SET supervisor_signed_at = $1, supervisor_signed_by = $2 WHERE id = $3 AND supervisor_signed_at IS NULL`,
			db.Now(), byID, id)
	}, &rec)
}

// AddPlanReview records a review of a signed version.
func (db *DB) AddPlanReview(ctx context.Context, r *plan.Review, today model.Date, byID string, rec audit.Record) error {
	const op = "store.AddPlanReview"
	rec.Category, rec.Action, rec.ClientID = "client.plan", audit.ActionCreate, r.ClientID
	rec.Detail = "treatment plan review"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		p, err := scanPlan(tx.QueryRowContext(ctx, planSelect+` WHERE t.id = $1 AND t.client_id = $2`, r.PlanID, r.ClientID))
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "treatment plan")
		} else if err != nil {
			return err
		}
		if err := model.Invalid(op, plan.CheckReview(p, *r, today)); err != nil {
			return err
		}
		entries, err := json.Marshal(r.Entries)
		if err != nil {
			return err
		}
		r.ID = model.NewID()
		rec.EntityID = r.ID
		_, err = tx.ExecContext(ctx, `INSERT INTO plan_reviews (id, plan_id, client_id, review_date, entries, summary, reviewed_by, reviewed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.PlanID, r.ClientID, r.Date, string(entries), strings.TrimSpace(r.Summary), byID, db.Now())
		return err
	}, &rec)
}

// PlanReviews lists a client's plan reviews, newest first.
func (db *DB) PlanReviews(ctx context.Context, clientID string) ([]plan.Review, error) {
	rows, err := db.query(ctx, `SELECT r.id, r.plan_id, r.client_id, r.review_date, r.entries, r.summary, u.name, r.reviewed_at
		FROM plan_reviews r JOIN users u ON u.id = r.reviewed_by WHERE r.client_id = $1 ORDER BY r.review_date DESC, r.reviewed_at DESC`, clientID)
	out, err := collect(rows, err, func(s scanner) (plan.Review, error) {
		var r plan.Review
		var entries string
		if err := s.Scan(&r.ID, &r.PlanID, &r.ClientID, &r.Date, &entries, &r.Summary, &r.ByName, &r.At); err != nil {
			return r, err
		}
		return r, json.Unmarshal([]byte(entries), &r.Entries)
	})
	return out, model.Wrap("store.PlanReviews", model.KindInternal, err)
}

// PlanDue is an open episode whose plan work falls due.
type PlanDue struct {
	Client    model.Client
	EpisodeID string
	Program   string
	Counselor string
	plan.Due
	DraftStarted bool
}

// PlansDue lists open episodes whose initial plan or next review is due on
// or before by, the most overdue first; counselorID narrows it to one
// caseload.
func (db *DB) PlansDue(ctx context.Context, by model.Date, counselorID string) ([]PlanDue, error) {
	q := `SELECT c.id, c.mrn, c.first_name, c.last_name, c.preferred_name, e.id, p.name, u.name, e.admission_date,
			p.plan_initial_days, p.plan_review_days,
			(SELECT MAX(t.plan_date) FROM treatment_plans t WHERE t.episode_id = e.id AND t.signed_at IS NOT NULL),
			(SELECT MAX(r.review_date) FROM plan_reviews r JOIN treatment_plans t ON t.id = r.plan_id WHERE t.episode_id = e.id),
			EXISTS (SELECT 1 FROM treatment_plans t WHERE t.episode_id = e.id AND t.signed_at IS NULL)
		FROM episodes e JOIN clients c ON c.id = e.client_id JOIN programs p ON p.id = e.program_id
		LEFT JOIN users u ON u.id = e.primary_counselor_id WHERE e.status = 'active'`
	var args []any
	if counselorID != "" {
		q += ` AND e.primary_counselor_id = $1`
		args = append(args, counselorID)
	}
	rows, err := db.query(ctx, q, args...)
	all, err := collect(rows, err, func(s scanner) (PlanDue, error) {
		var d PlanDue
		var admission, lastSigned, lastReview model.Date
		var initialDays, reviewDays int
		err := s.Scan(&d.Client.ID, &d.Client.MRN, &d.Client.FirstName, &d.Client.LastName, &d.Client.PreferredName, &d.EpisodeID,
			&d.Program, nullString{&d.Counselor}, &admission, &initialDays, &reviewDays, &lastSigned, &lastReview, &d.DraftStarted)
		d.Due = plan.DueFor(admission, lastSigned, lastReview, initialDays, reviewDays)
		return d, err
	})
	if err != nil {
		return nil, model.Wrap("store.PlansDue", model.KindInternal, err)
	}
	var out []PlanDue
	for _, d := range all {
		if !d.Date.After(by) {
			out = append(out, d)
		}
	}
	sortPlansDue(out)
	return out, nil
}

// SetPlanCadence sets when a program's first plan is due after admission and
// how often plans are reviewed.
func (db *DB) SetPlanCadence(ctx context.Context, programID string, initialDays, reviewDays int, rec audit.Record) error {
	const op = "store.SetPlanCadence"
	problems := map[string]string{}
	if initialDays < 1 || initialDays > 60 {
		problems["plan_initial_days"] = "Enter a number of days from 1 to 60."
	}
	if reviewDays < 7 || reviewDays > 180 {
		problems["plan_review_days"] = "Enter a number of days from 7 to 180."
	}
	if err := model.Invalid(op, problems); err != nil {
		return err
	}
	rec.Category, rec.Action, rec.EntityID = "program.program", audit.ActionUpdate, programID
	rec.Detail = "treatment plan due " + strconv.Itoa(initialDays) + " days after admission, reviewed every " + strconv.Itoa(reviewDays) + " days"
	return db.updateProgram(ctx, op, rec, `UPDATE programs SET plan_initial_days = $1, plan_review_days = $2 WHERE id = $3`,
		initialDays, reviewDays, programID)
}

func sortPlansDue(list []PlanDue) {
	slices.SortFunc(list, func(a, b PlanDue) int {
		if c := strings.Compare(a.Date.String(), b.Date.String()); c != 0 {
			return c
		}
		if c := strings.Compare(a.Client.LastName+" "+a.Client.FirstName, b.Client.LastName+" "+b.Client.FirstName); c != 0 {
			return c
		}
		return strings.Compare(a.EpisodeID, b.EpisodeID)
	})
}

// CurrentObjectives lists the objectives of a client's current plan: the
// newest signed version for an open episode. Notes pick from these.
func (db *DB) CurrentObjectives(ctx context.Context, clientID string) ([]plan.ObjectiveRef, error) {
	p, err := scanPlan(db.queryRow(ctx, planSelect+` JOIN episodes e ON e.id = t.episode_id
		WHERE t.client_id = $1 AND t.signed_at IS NOT NULL AND e.status = 'active' ORDER BY t.version DESC LIMIT 1`, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, model.Wrap("store.CurrentObjectives", model.KindInternal, err)
	}
	return p.Objectives(), nil
}

// PlanImport is a plan version written as it happened, for the demo and
// for migrating records from another system: its clinician, and its
// reviews with who gave them.
type PlanImport struct {
	Plan        plan.Plan
	ClinicianID string
	Reviews     []plan.Review
}

// ImportPlans writes plan versions with their signatures and reviews in
// one transaction. Each version is checked as a signed plan would be.
func (db *DB) ImportPlans(ctx context.Context, plans []PlanImport, rec audit.Record) error {
	const op = "store.ImportPlans"
	var recs []*audit.Record
	for _, pi := range plans {
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = "client.plan", audit.ActionCreate, pi.Plan.ClientID, pi.Plan.ID, "treatment plan imported"
		recs = append(recs, &r)
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for _, pi := range plans {
			p := pi.Plan
			var c plan.Context
			var diagnoses string
			if err := tx.QueryRowContext(ctx, `SELECT admission_date, diagnoses FROM episodes WHERE id = $1 AND client_id = $2`,
				p.EpisodeID, p.ClientID).Scan(&c.Admission, &diagnoses); err != nil {
				return err
			}
			c.Diagnoses = strings.Fields(diagnoses)
			if err := model.Invalid(op, p.Check(c, p.Signed())); err != nil {
				return err
			}
			if err := insertPlanVersion(ctx, tx, p, pi.ClinicianID, p.Date.In(time.UTC)); err != nil {
				return err
			}
			if p.Signed() {
				if _, err := tx.ExecContext(ctx, `UPDATE treatment_plans SET signed_at = $1, signed_by = $2, updated_at = $1 WHERE id = $3`,
					p.Clinician.At.UTC(), pi.ClinicianID, p.ID); err != nil {
					return err
				}
			}
			if p.Client.Signed() {
				if _, err := tx.ExecContext(ctx, `UPDATE treatment_plans SET client_signed_at = $1, client_signature = $2, client_witness_id = $3
					WHERE id = $4`, p.Client.At.UTC(), p.Client.Name, pi.ClinicianID, p.ID); err != nil {
					return err
				}
			}
			for _, rv := range pi.Reviews {
				entries, err := json.Marshal(rv.Entries)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO plan_reviews (id, plan_id, client_id, review_date, entries, summary, reviewed_by, reviewed_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, rv.ID, p.ID, p.ClientID, rv.Date, string(entries), rv.Summary, pi.ClinicianID, rv.At.UTC()); err != nil {
					return err
				}
			}
		}
		return nil
	}, recs...)
}

// keepKnownIDs keeps the problem and objective ids a form sent back only
// where the draft already has them, once each; any other id (typed in, or
// copied from another row) is cleared so a new one is assigned. Ids are
// what notes and reviews point at, so they must never be chosen by a form.
func keepKnownIDs(p *plan.Plan, stored []plan.Problem) {
	known := map[string]bool{}
	for _, pr := range stored {
		known["p"+pr.ID] = true
		for _, o := range pr.Objectives {
			known["o"+o.ID] = true
		}
	}
	used := map[string]bool{}
	keep := func(kind, id string) string {
		if id == "" || !known[kind+id] || used[kind+id] {
			return ""
		}
		used[kind+id] = true
		return id
	}
	for i := range p.Problems {
		p.Problems[i].ID = keep("p", p.Problems[i].ID)
		for j := range p.Problems[i].Objectives {
			p.Problems[i].Objectives[j].ID = keep("o", p.Problems[i].Objectives[j].ID)
		}
	}
}

// updateOnce runs an UPDATE that must change exactly one row; when its
// condition no longer holds (someone got there first), it returns lost.
func updateOnce(ctx context.Context, tx *sql.Tx, lost error, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return lost
	}
	return nil
}

// Modalities lists the center's own modalities, by name.
func (db *DB) Modalities(ctx context.Context) ([]plan.Modality, error) {
	rows, err := db.query(ctx, `SELECT code, label FROM modalities ORDER BY label`)
	out, err := collect(rows, err, func(s scanner) (plan.Modality, error) {
		var m plan.Modality
		return m, s.Scan(&m.Code, &m.Label)
	})
	return out, model.Wrap("store.Modalities", model.KindInternal, err)
}

// AddModality adds a modality of the center's own to the list plans pick
// from, refusing one already there.
func (db *DB) AddModality(ctx context.Context, label, byID string, rec audit.Record) (plan.Modality, error) {
	const op = "store.AddModality"
	existing, err := db.Modalities(ctx)
	if err != nil {
		return plan.Modality{}, err
	}
	m, problems := plan.NewModality(label, existing)
	if err := model.Invalid(op, problems); err != nil {
		return m, err
	}
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.modality", audit.ActionCreate, m.Code, m.Label
	err = db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO modalities (code, label, created_by, created_at) VALUES ($1, $2, $3, $4)`, m.Code, m.Label, byID, db.Now())
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return m, model.Invalid(op, map[string]string{"label": "This modality is already on the list."})
	}
	return m, err
}

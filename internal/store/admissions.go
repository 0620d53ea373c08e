package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
)

// SelfAssessment is a stored self-assessment: the answers and result as
// JSON, exactly as the person saw them.
type SelfAssessment struct {
	ID        string
	CreatedAt time.Time
	ExpiresAt time.Time // zero once an inquiry keeps it
	Answers   string    // JSON
	Level     string
	Crisis    bool
	Result    string // JSON
}

// SaveSelfAssessment stores an anonymous self-assessment until keepFor has
// passed, counts it for reporting, and deletes expired ones nobody kept.
func (db *DB) SaveSelfAssessment(ctx context.Context, sa *SelfAssessment, keepFor time.Duration) error {
	const op = "store.SaveSelfAssessment"
	now := db.Now()
	sa.ID, sa.CreatedAt, sa.ExpiresAt = model.NewID(), now, now.Add(keepFor)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM self_assessments WHERE expires_at IS NOT NULL AND expires_at < $1`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO self_assessments (id, created_at, expires_at, answers, level, crisis, result)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sa.ID, now, sa.ExpiresAt, sa.Answers, sa.Level, sa.Crisis, sa.Result); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO self_assessment_counts (day, level, crisis, n) VALUES ($1, $2, $3, 1)
			ON CONFLICT (day, level, crisis) DO UPDATE SET n = self_assessment_counts.n + 1`, model.DateOf(now), sa.Level, sa.Crisis)
		return err
	})
}

// GetSelfAssessment returns a stored self-assessment that has not expired.
func (db *DB) GetSelfAssessment(ctx context.Context, id string) (SelfAssessment, error) {
	var sa SelfAssessment
	var expires sql.NullTime
	err := db.queryRow(ctx, `SELECT id, created_at, expires_at, answers, level, crisis, result FROM self_assessments
		WHERE id = $1 AND (expires_at IS NULL OR expires_at >= $2)`, id, db.Now()).
		Scan(&sa.ID, &sa.CreatedAt, &expires, &sa.Answers, &sa.Level, &sa.Crisis, &sa.Result)
	if errors.Is(err, sql.ErrNoRows) {
		return sa, model.NotFound("store.GetSelfAssessment", "self-assessment")
	}
	sa.ExpiresAt = expires.Time
	return sa, model.Wrap("store.GetSelfAssessment", model.KindInternal, err)
}

// SelfAssessmentCount is one day's count of results at a level.
type SelfAssessmentCount struct {
	Day    model.Date
	Level  string
	Crisis bool
	N      int
}

// SelfAssessmentCounts returns the anonymous daily counts from a day on.
func (db *DB) SelfAssessmentCounts(ctx context.Context, from model.Date) ([]SelfAssessmentCount, error) {
	rows, err := db.query(ctx, `SELECT day, level, crisis, n FROM self_assessment_counts WHERE day >= $1 ORDER BY day, level, crisis`, from)
	out, err := collect(rows, err, func(s scanner) (SelfAssessmentCount, error) {
		var c SelfAssessmentCount
		return c, s.Scan(&c.Day, &c.Level, &c.Crisis, &c.N)
	})
	return out, model.Wrap("store.SelfAssessmentCounts", model.KindInternal, err)
}

// Hit counts a request against key in a fixed window and reports whether
// it is within limit. Every replica shares the counters.
func (db *DB) Hit(ctx context.Context, key string, window time.Duration, limit int) (bool, error) {
	const op = "store.Hit"
	now := db.Now()
	var hits int
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		var start time.Time
		err := tx.QueryRowContext(ctx, `SELECT window_start, hits FROM rate_limits WHERE key = $1`, key).Scan(&start, &hits)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && now.Sub(start) >= window):
			hits = 1
			_, err = tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
				ON CONFLICT (key) DO UPDATE SET window_start = $2, hits = 1`, key, now)
			return err
		case err != nil:
			return err
		}
		hits++
		_, err = tx.ExecContext(ctx, `UPDATE rate_limits SET hits = hits + 1 WHERE key = $1`, key)
		return err
	})
	return hits <= limit, err
}

// CreateInquiry stores an inquiry sent with consent and keeps the
// self-assessment it names (which must not have expired).
func (db *DB) CreateInquiry(ctx context.Context, in *admissions.Inquiry, rec audit.Record) error {
	const op = "store.CreateInquiry"
	if err := model.Invalid(op, in.Problems()); err != nil {
		return err
	}
	now := db.Now()
	in.ID, in.CreatedAt, in.ConsentAt, in.Status = model.NewID(), now, now, admissions.New
	if in.NextDue.IsZero() {
		in.NextAction, in.NextDue = "Call back", now.Add(4*time.Hour) // a prompt first call
	}
	rec.Category, rec.Action, rec.EntityID = "inquiry", audit.ActionCreate, in.ID
	rec.Detail = "consented inquiry from the public site"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if in.AssessmentID != "" {
			res, err := tx.ExecContext(ctx, `UPDATE self_assessments SET expires_at = NULL WHERE id = $1 AND (expires_at IS NULL OR expires_at >= $2)`, in.AssessmentID, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return model.Invalid(op, map[string]string{"assessment": "Your answers have expired (we keep them only briefly unless you send them). Please take the self-assessment again, or call us."})
			}
		}
		var income any
		if in.Household.HasIncome {
			income = in.Household.IncomeCents
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO inquiries (id, created_at, updated_at, status, name, phone, email, best_time, insurance,
				source, message, consent, consent_at, self_assessment_id, next_action, next_due, payer, member_id, household_size,
				household_income_cents)
			VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $2, $12, $13, $14, $15, $16, $17, $18)`,
			in.ID, now, string(in.Status), in.Name, in.Phone, in.Email, in.BestTime, in.Insurance, in.Source, in.Message,
			in.Consent, nullable(in.AssessmentID), in.NextAction, in.NextDue, string(in.Payer), in.MemberID, in.Household.Size, income)
		return err
	}, &rec)
}

const inquirySelect = `SELECT i.id, i.created_at, i.status, i.name, i.phone, i.email, i.best_time, i.insurance, i.source, i.message,
		i.consent, i.consent_at, i.self_assessment_id, i.next_action, i.next_due, i.outcome, i.referred_to, i.client_id,
		i.assigned_to, u.name, i.last_contact_at, s.level, s.crisis, i.payer, i.member_id, i.household_size, i.household_income_cents
	FROM inquiries i LEFT JOIN users u ON u.id = i.assigned_to LEFT JOIN self_assessments s ON s.id = i.self_assessment_id`

func scanInquiry(s scanner) (admissions.Inquiry, error) {
	var in admissions.Inquiry
	var status string
	var due, last sql.NullTime
	var crisis sql.NullBool
	var payer string
	var income sql.NullInt64
	err := s.Scan(&in.ID, &in.CreatedAt, &status, &in.Name, &in.Phone, &in.Email, &in.BestTime, &in.Insurance, &in.Source,
		&in.Message, &in.Consent, &in.ConsentAt, nullString{&in.AssessmentID}, &in.NextAction, &due, &in.Outcome, &in.ReferredTo,
		nullString{&in.ClientID}, nullString{&in.AssignedToID}, nullString{&in.AssignedToName}, &last,
		nullString{&in.ResultLevel}, &crisis, &payer, &in.MemberID, &in.Household.Size, &income)
	in.ResultCrisis, in.Payer = crisis.Bool, cost.Payer(payer)
	in.Household.IncomeCents, in.Household.HasIncome = income.Int64, income.Valid
	in.Status, in.NextDue, in.LastContactAt = admissions.Status(status), due.Time, last.Time
	return in, err
}

// Inquiries lists inquiries: open ones (new, contacted, scheduled) with the
// soonest next step first, or those of one status, newest first.
func (db *DB) Inquiries(ctx context.Context, status admissions.Status) ([]admissions.Inquiry, error) {
	q := inquirySelect + ` WHERE i.status IN ('new', 'contacted', 'assessment_scheduled')
		ORDER BY CASE WHEN i.next_due IS NULL THEN 1 ELSE 0 END, i.next_due, i.created_at LIMIT 500`
	args := []any{}
	if status != "" {
		q = inquirySelect + ` WHERE i.status = $1 ORDER BY i.created_at DESC LIMIT 500`
		args = append(args, string(status))
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, model.Wrap("store.Inquiries", model.KindInternal, err)
	}
	defer rows.Close()
	var out []admissions.Inquiry
	for rows.Next() {
		in, err := scanInquiry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// Inquiry returns one inquiry.
func (db *DB) Inquiry(ctx context.Context, id string) (admissions.Inquiry, error) {
	in, err := scanInquiry(db.queryRow(ctx, inquirySelect+` WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, model.NotFound("store.Inquiry", "inquiry")
	}
	return in, model.Wrap("store.Inquiry", model.KindInternal, err)
}

// UpdateInquiry sets an open-or-not inquiry's status, next step and
// outcome. An admitted inquiry is final.
func (db *DB) UpdateInquiry(ctx context.Context, id string, u admissions.Update, byID string, rec audit.Record) error {
	const op = "store.UpdateInquiry"
	if err := model.Invalid(op, u.Problems()); err != nil {
		return err
	}
	var due any
	if u.Status.Open() && !u.NextDue.IsZero() {
		due = u.NextDue
	}
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "inquiry", audit.ActionUpdate, id, "status "+string(u.Status)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inquiries SET status = $1, next_action = $2, next_due = $3, outcome = $4, referred_to = $5,
				source = CASE WHEN $6 = '' THEN source ELSE $6 END, assigned_to = COALESCE(assigned_to, $7), updated_at = $8
			WHERE id = $9 AND status <> 'admitted'`,
			string(u.Status), u.NextAction, due, u.Outcome, u.ReferredTo, u.Source, byID, db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &model.Error{Op: op, Kind: model.KindConflict, Msg: "this inquiry was admitted and can no longer change"}
		}
		return nil
	}, &rec)
}

// AddContact logs a call or message and moves the inquiry from new to
// contacted when the person was reached.
func (db *DB) AddContact(ctx context.Context, c *admissions.Contact, rec audit.Record) error {
	const op = "store.AddContact"
	if err := model.Invalid(op, c.Problems()); err != nil {
		return err
	}
	c.ID, c.At = model.NewID(), db.Now()
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "inquiry", audit.ActionUpdate, c.InquiryID, "contact "+c.Outcome
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inquiry_contacts (id, inquiry_id, at, channel, outcome, note, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, c.InquiryID, c.At, c.Channel, c.Outcome, c.Note, c.ByID); err != nil {
			return err
		}
		status := "status"
		if c.Outcome == "reached" || c.Outcome == "scheduled" {
			status = "CASE WHEN status = 'new' THEN 'contacted' ELSE status END"
		}
		if c.Outcome == "scheduled" {
			status = "CASE WHEN status IN ('new', 'contacted') THEN 'assessment_scheduled' ELSE status END"
		}
		_, err := tx.ExecContext(ctx, `UPDATE inquiries SET last_contact_at = $1, status = `+status+`,
			assigned_to = COALESCE(assigned_to, $2), updated_at = $1 WHERE id = $3`, c.At, c.ByID, c.InquiryID)
		return err
	}, &rec)
}

// Contacts lists an inquiry's call log, newest first.
func (db *DB) Contacts(ctx context.Context, inquiryID string) ([]admissions.Contact, error) {
	rows, err := db.query(ctx, `SELECT c.id, c.inquiry_id, c.at, c.channel, c.outcome, c.note, c.recorded_by, u.name
		FROM inquiry_contacts c JOIN users u ON u.id = c.recorded_by WHERE c.inquiry_id = $1 ORDER BY c.at DESC, c.id`, inquiryID)
	out, err := collect(rows, err, func(s scanner) (admissions.Contact, error) {
		var c admissions.Contact
		return c, s.Scan(&c.ID, &c.InquiryID, &c.At, &c.Channel, &c.Outcome, &c.Note, &c.ByID, &c.ByName)
	})
	return out, model.Wrap("store.Contacts", model.KindInternal, err)
}

// AdmitInquiry registers the person as a client and admits them, in one
// transaction with the inquiry marked admitted: all of it happens or none.
func (db *DB) AdmitInquiry(ctx context.Context, inquiryID string, c *model.Client, a care.Admit, byID string, rec audit.Record) (model.Episode, error) {
	const op = "store.AdmitInquiry"
	today := model.DateOf(db.Now())
	c.Normalize()
	problems := c.Problems(today)
	for k, v := range a.Problems(today) {
		problems[k] = v
	}
	if err := model.Invalid(op, problems); err != nil {
		return model.Episode{}, err
	}
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
	c.ID = model.NewID()
	e := a.Episode(c.ID, prog.ReviewIntervalDays)
	e.ID = model.NewID()
	recs := []*audit.Record{}
	for _, r := range []struct{ cat, entity, detail string }{
		{"client.demographics", "", "registered from inquiry " + inquiryID},
		{"client.episode", e.ID, "admitted at " + string(e.LevelOfCare)},
		{"inquiry", inquiryID, "admitted as a client"},
	} {
		x := rec
		x.Category, x.Action, x.ClientID, x.EntityID, x.Detail = r.cat, audit.ActionCreate, c.ID, r.entity, r.detail
		if r.cat == "inquiry" {
			x.Action, x.EntityID = audit.ActionUpdate, inquiryID
		}
		recs = append(recs, &x)
	}
	err = db.write(ctx, op, func(tx *sql.Tx) error {
		if err := db.insertClient(ctx, tx, c); err != nil {
			return err
		}
		if err := db.insertEpisode(ctx, tx, &e); err != nil {
			return err
		}
		if err := db.insertEvent(ctx, tx, care.Event{EpisodeID: e.ID, Kind: care.Admission, Date: e.AdmissionDate, ToLevel: e.LevelOfCare,
			ToTrackID: e.TrackID, Reason: a.Reason, ByID: byID}); err != nil {
			return err
		}
		if err := refreshCurrentEpisode(ctx, tx, c.ID); err != nil {
			return err
		}
		// Last, so the client exists for the reference; if the inquiry is no
		// longer open the whole transaction rolls back.
		res, err := tx.ExecContext(ctx, `UPDATE inquiries SET status = 'admitted', client_id = $1, next_due = NULL, updated_at = $2
			WHERE id = $3 AND status IN ('new', 'contacted', 'assessment_scheduled')`, c.ID, db.Now(), inquiryID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &model.Error{Op: op, Kind: model.KindConflict, Msg: "this inquiry is no longer open (it was admitted, referred or closed)"}
		}
		return nil
	}, recs...)
	return e, err
}

// checkTrack refuses a track outside the program.
func (db *DB) checkTrack(ctx context.Context, a care.Admit, prog model.Program) error {
	if a.TrackID == "" {
		return nil
	}
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM tracks WHERE id = $1 AND program_id = $2`, a.TrackID, a.ProgramID).Scan(&n); err != nil {
		return model.Wrap("store.checkTrack", model.KindInternal, err)
	}
	if n == 0 {
		return model.Invalid("store.checkTrack", map[string]string{"track_id": "Choose a track of " + prog.Name + "."})
	}
	return nil
}

// CountOpenInquiries counts open inquiries and those whose next step is
// past due at now, for the home page.
func (db *DB) CountOpenInquiries(ctx context.Context, now time.Time) (open, overdue int, err error) {
	err = db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN next_due < $1 THEN 1 ELSE 0 END), 0)
		FROM inquiries WHERE status IN ('new', 'contacted', 'assessment_scheduled')`, now).Scan(&open, &overdue)
	return open, overdue, model.Wrap("store.CountOpenInquiries", model.KindInternal, err)
}

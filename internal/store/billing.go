package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/billing/x837"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
)

// Payers lists the payers by name, inactive ones too.
func (db *DB) Payers(ctx context.Context) ([]billing.Payer, error) {
	rows, err := db.query(ctx, `SELECT id, name, type, electronic_id, requires_auth, codes, active FROM payers ORDER BY name`)
	out, err := collect(rows, err, func(s scanner) (billing.Payer, error) {
		var p billing.Payer
		var typ, codes string
		if err := s.Scan(&p.ID, &p.Name, &typ, &p.ElectronicID, &p.RequiresAuth, &codes, &p.Active); err != nil {
			return p, err
		}
		p.Type = billing.PayerType(typ)
		return p, json.Unmarshal([]byte(codes), &p.Codes)
	})
	return out, model.Wrap("store.Payers", model.KindInternal, err)
}

// SavePayer adds a payer (ID empty) or changes one. Claims already billed
// keep what they were billed with.
func (db *DB) SavePayer(ctx context.Context, p *billing.Payer, rec audit.Record) error {
	const op = "store.SavePayer"
	if err := model.Invalid(op, p.Problems()); err != nil {
		return err
	}
	codes, _ := json.Marshal(p.Codes)
	rec.Category, rec.Action = "billing.payer", audit.ActionUpdate
	id := p.ID
	if id == "" {
		id, rec.Action = model.NewID(), audit.ActionCreate
	}
	rec.EntityID, rec.Detail = id, p.Name+" ("+string(p.Type)+")"
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if rec.Action == audit.ActionCreate {
			_, err := tx.ExecContext(ctx, `INSERT INTO payers (id, name, type, electronic_id, requires_auth, codes, active, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, p.Name, string(p.Type), p.ElectronicID, p.RequiresAuth, string(codes), p.Active, db.Now())
			return err
		}
		return updateOnce(ctx, tx, model.NotFound(op, "payer"), `UPDATE payers SET name = $1, type = $2, electronic_id = $3,
			requires_auth = $4, codes = $5, active = $6, updated_at = $7 WHERE id = $8`,
			p.Name, string(p.Type), p.ElectronicID, p.RequiresAuth, string(codes), p.Active, db.Now(), p.ID)
	}, &rec)
	if isUniqueViolation(err) {
		return model.Invalid(op, map[string]string{"name": "Another payer has this name."})
	}
	if err == nil {
		p.ID = id // only once stored, so that a corrected form adds rather than edits
	}
	return err
}

const coverageColumns = `v.id, v.client_id, v.payer_id, p.name, p.type, v.plan, v.member_id, v.group_id, v.subscriber, v.subscriber_birth,
	v.relationship, v.priority, v.starts_on, v.ends_on, v.verified_on, v.verified_by, u.name, v.notes
	FROM coverages v JOIN payers p ON p.id = v.payer_id LEFT JOIN users u ON u.id = v.verified_by`

func scanCoverage(s scanner) (billing.Coverage, error) {
	var c billing.Coverage
	var typ, rel, pri string
	var verifier sql.NullString
	err := s.Scan(&c.ID, &c.ClientID, &c.PayerID, &c.PayerName, &typ, &c.Plan, &c.MemberID, &c.GroupID, &c.Subscriber, &c.SubscriberBirth,
		&rel, &pri, &c.From, &c.To, &c.VerifiedOn, nullString{&c.VerifiedByID}, &verifier, &c.Notes)
	c.PayerType, c.Relationship, c.Priority, c.VerifiedByName = billing.PayerType(typ), billing.Relationship(rel), billing.Priority(pri), verifier.String
	return c, err
}

// Coverages lists a client's coverage, the latest first.
func (db *DB) Coverages(ctx context.Context, clientID string) ([]billing.Coverage, error) {
	rows, err := db.query(ctx, `SELECT `+coverageColumns+` WHERE v.client_id = $1 ORDER BY v.starts_on DESC, v.priority, v.id`, clientID)
	out, err := collect(rows, err, scanCoverage)
	return out, model.Wrap("store.Coverages", model.KindInternal, err)
}

// SaveCoverage adds a coverage to a client (ID empty) or changes one of
// theirs. A verification date set records who verified.
func (db *DB) SaveCoverage(ctx context.Context, c *billing.Coverage, today model.Date, byID string, rec audit.Record) error {
	const op = "store.SaveCoverage"
	if err := model.Invalid(op, c.Problems(today)); err != nil {
		return err
	}
	if c.Relationship == billing.Self {
		c.Subscriber, c.SubscriberBirth = "", model.Date{}
	}
	rec.Category, rec.Action, rec.ClientID = "client.coverage", audit.ActionUpdate, c.ClientID
	id := c.ID
	if id == "" {
		id, rec.Action = model.NewID(), audit.ActionCreate
	}
	rec.EntityID, rec.Detail = id, fmt.Sprintf("%s coverage from %s", c.Priority, c.From)
	var verifier any
	if !c.VerifiedOn.IsZero() {
		verifier, rec.Detail = byID, rec.Detail+"; benefits verified "+c.VerifiedOn.String()
	}
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := clientAndPayerExist(ctx, tx, op, c.ClientID, c.PayerID); err != nil {
			return err
		}
		now := db.Now()
		if rec.Action == audit.ActionCreate {
			_, err := tx.ExecContext(ctx, `INSERT INTO coverages (id, client_id, payer_id, plan, member_id, group_id, subscriber, subscriber_birth,
					relationship, priority, starts_on, ends_on, verified_on, verified_by, notes, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
				id, c.ClientID, c.PayerID, c.Plan, c.MemberID, c.GroupID, c.Subscriber, c.SubscriberBirth, string(c.Relationship),
				string(c.Priority), c.From, c.To, c.VerifiedOn, verifier, c.Notes, byID, now)
			return err
		}
		// An unchanged verification date keeps who verified it.
		return updateOnce(ctx, tx, model.NotFound(op, "coverage"), `UPDATE coverages SET payer_id = $1, plan = $2, member_id = $3, group_id = $4,
				subscriber = $5, subscriber_birth = $6, relationship = $7, priority = $8, starts_on = $9, ends_on = $10,
				verified_by = CASE WHEN $11 IS NULL THEN NULL WHEN verified_on = $11 THEN verified_by ELSE $12 END, verified_on = $11,
				notes = $13, updated_at = $14 WHERE id = $15 AND client_id = $16`,
			c.PayerID, c.Plan, c.MemberID, c.GroupID, c.Subscriber, c.SubscriberBirth, string(c.Relationship), string(c.Priority),
			c.From, c.To, c.VerifiedOn, verifier, c.Notes, now, c.ID, c.ClientID)
	}, &rec)
	if err == nil {
		c.ID = id
	}
	return err
}

func clientAndPayerExist(ctx context.Context, tx *sql.Tx, op, clientID, payerID string) error {
	var client, payer bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM clients WHERE id = $1), EXISTS (SELECT 1 FROM payers WHERE id = $2)`,
		clientID, payerID).Scan(&client, &payer); err != nil {
		return err
	}
	if !client {
		return model.NotFound(op, "client")
	}
	if !payer {
		return model.Invalid(op, map[string]string{"payer": "Choose a payer from the list."})
	}
	return nil
}

const authorizationColumns = `a.id, a.client_id, a.payer_id, p.name, a.number, a.level, a.unit, a.units, a.starts_on, a.ends_on, a.contact, a.notes
	FROM authorizations a JOIN payers p ON p.id = a.payer_id`

func scanAuthorization(s scanner) (billing.Authorization, error) {
	var a billing.Authorization
	var level, unit string
	err := s.Scan(&a.ID, &a.ClientID, &a.PayerID, &a.PayerName, &a.Number, &level, &unit, &a.Units, &a.From, &a.To, &a.Contact, &a.Notes)
	a.Level, a.Unit = model.LevelOfCare(level), billing.Unit(unit)
	return a, err
}

// Authorizations lists a client's authorizations, the latest first.
func (db *DB) Authorizations(ctx context.Context, clientID string) ([]billing.Authorization, error) {
	rows, err := db.query(ctx, `SELECT `+authorizationColumns+` WHERE a.client_id = $1 ORDER BY a.starts_on DESC, a.id`, clientID)
	out, err := collect(rows, err, scanAuthorization)
	return out, model.Wrap("store.Authorizations", model.KindInternal, err)
}

// AuthorizationsEndingFrom lists the authorizations that end on or after a
// date, by end date: every client's for the biller's list, or only those of
// clientIDs when given (a caseload), so that a counselor's page does not
// read the whole center's.
func (db *DB) AuthorizationsEndingFrom(ctx context.Context, from model.Date, clientIDs ...string) ([]billing.Authorization, error) {
	args, only := []any{from}, ""
	if len(clientIDs) > 0 {
		in, ids := inList(clientIDs, 1)
		only, args = " AND a.client_id IN ("+in+")", append(args, ids...)
	}
	rows, err := db.query(ctx, `SELECT `+authorizationColumns+` WHERE a.ends_on >= $1`+only+` ORDER BY a.ends_on, a.id`, args...)
	out, err := collect(rows, err, scanAuthorization)
	return out, model.Wrap("store.AuthorizationsEndingFrom", model.KindInternal, err)
}

// SaveAuthorization adds an authorization to a client (ID empty) or
// changes one of theirs. It refuses one whose dates overlap another of the
// same payer and level: the two would count the same services.
func (db *DB) SaveAuthorization(ctx context.Context, a *billing.Authorization, byID string, rec audit.Record) error {
	const op = "store.SaveAuthorization"
	if err := model.Invalid(op, a.Problems()); err != nil {
		return err
	}
	a.Number = strings.TrimSpace(a.Number)
	rec.Category, rec.Action, rec.ClientID = "client.authorization", audit.ActionUpdate, a.ClientID
	id := a.ID
	if id == "" {
		id, rec.Action = model.NewID(), audit.ActionCreate
	}
	rec.EntityID = id
	rec.Detail = fmt.Sprintf("authorization %s: %s of %s, %s to %s", a.Number, a.Unit.Noun(a.Units), a.Level, a.From, a.To)
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		// Two biller tabs saving overlapping authorizations: the second waits and sees the first.
		if err := lockResources(ctx, tx, "authorizations:"+a.ClientID); err != nil {
			return err
		}
		if err := clientAndPayerExist(ctx, tx, op, a.ClientID, a.PayerID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+authorizationColumns+` WHERE a.client_id = $1 AND a.payer_id = $2 AND a.level = $3`,
			a.ClientID, a.PayerID, string(a.Level))
		others, err := collect(rows, err, scanAuthorization)
		if err != nil {
			return err
		}
		x := *a
		x.ID = id
		if err := model.Invalid(op, x.OverlapProblem(others)); err != nil {
			return err
		}
		now := db.Now()
		if rec.Action == audit.ActionCreate {
			_, err := tx.ExecContext(ctx, `INSERT INTO authorizations (id, client_id, payer_id, number, level, unit, units, starts_on, ends_on,
					contact, notes, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
				id, a.ClientID, a.PayerID, a.Number, string(a.Level), string(a.Unit), a.Units, a.From, a.To, a.Contact, a.Notes, byID, now)
			return err
		}
		return updateOnce(ctx, tx, model.NotFound(op, "authorization"), `UPDATE authorizations SET payer_id = $1, number = $2, level = $3,
				unit = $4, units = $5, starts_on = $6, ends_on = $7, contact = $8, notes = $9, updated_at = $10 WHERE id = $11 AND client_id = $12`,
			a.PayerID, a.Number, string(a.Level), string(a.Unit), a.Units, a.From, a.To, a.Contact, a.Notes, now, a.ID, a.ClientID)
	}, &rec)
	if err == nil {
		a.ID = id
	}
	return err
}

// BillingFiles gathers, for the clients named, their coverage,
// authorizations and episodes as billing needs them.
func (db *DB) BillingFiles(ctx context.Context, clientIDs []string) (map[string]billing.ClientFile, error) {
	const op = "store.BillingFiles"
	out := map[string]billing.ClientFile{}
	if len(clientIDs) == 0 {
		return out, nil
	}
	in, args := inList(clientIDs, 0)
	rows, err := db.query(ctx, `SELECT `+coverageColumns+` WHERE v.client_id IN (`+in+`) ORDER BY v.starts_on, v.id`, args...)
	covs, err := collect(rows, err, scanCoverage)
	if err != nil {
		return nil, model.Wrap(op, model.KindInternal, err)
	}
	rows, err = db.query(ctx, `SELECT `+authorizationColumns+` WHERE a.client_id IN (`+in+`) ORDER BY a.starts_on, a.id`, args...)
	auths, err := collect(rows, err, scanAuthorization)
	if err != nil {
		return nil, model.Wrap(op, model.KindInternal, err)
	}
	type stay struct {
		client string
		s      billing.Stay
	}
	rows, err = db.query(ctx, `SELECT e.client_id, e.admission_date, e.discharge_date, e.level_of_care, e.diagnoses, e.primary_counselor_id
		FROM episodes e WHERE e.client_id IN (`+in+`) ORDER BY e.admission_date, e.id`, args...)
	stays, err := collect(rows, err, func(s scanner) (stay, error) {
		var x stay
		var level, dx string
		err := s.Scan(&x.client, &x.s.From, &x.s.To, &level, &dx, nullString{&x.s.CounselorID})
		x.s.Level, x.s.Diagnoses = model.LevelOfCare(level), strings.Fields(dx)
		return x, err
	})
	if err != nil {
		return nil, model.Wrap(op, model.KindInternal, err)
	}
	for _, c := range covs {
		f := out[c.ClientID]
		f.Coverage = append(f.Coverage, c)
		out[c.ClientID] = f
	}
	for _, a := range auths {
		f := out[a.ClientID]
		f.Auths = append(f.Auths, a)
		out[a.ClientID] = f
	}
	for _, x := range stays {
		f := out[x.client]
		f.Stays = append(f.Stays, x.s)
		out[x.client] = f
	}
	return out, nil
}

// inList is "$k+1, $k+2, ..." for the values, with the values as arguments.
func inList(values []string, k int) (string, []any) {
	marks := make([]string, len(values))
	args := make([]any, len(values))
	for i, v := range values {
		marks[i], args[i] = fmt.Sprintf("$%d", k+i+1), v
	}
	return strings.Join(marks, ", "), args
}

// BilledServices maps the service keys billed on a batch with service
// dates in the range to the batch's label.
func (db *DB) BilledServices(ctx context.Context, from, to model.Date) (map[string]string, error) {
	rows, err := db.query(ctx, `SELECT l.service_key, b.control_number FROM claim_lines l JOIN claim_batches b ON b.id = l.batch_id
		WHERE l.service_date BETWEEN $1 AND $2`, from, to)
	type pair struct {
		key     string
		control int64
	}
	list, err := collect(rows, err, func(s scanner) (pair, error) {
		var p pair
		return p, s.Scan(&p.key, &p.control)
	})
	out := map[string]string{}
	for _, p := range list {
		out[p.key] = fmt.Sprintf("batch %d", p.control)
	}
	return out, model.Wrap("store.BilledServices", model.KindInternal, err)
}

// ClaimBatch is an exported set of claims for one payer and period.
type ClaimBatch struct {
	ID            string
	PayerID       string
	PayerName     string
	From, To      model.Date
	ControlNumber int64
	Claims, Lines int
	TotalCents    int64
	CreatedByName string
	CreatedAt     time.Time
}

// ClaimExport is one export of claims: to one payer, for a period, by a
// staff member, on a day (for the consents' state).
type ClaimExport struct {
	Payer        billing.Payer
	From, To     model.Date
	Claims       []billing.Claim
	Today        model.Date
	ByID, ByName string
	// Files makes the batch's 837P and CSV once its control number is
	// known; they are stored as made, so a download is what was recorded.
	Files func(control int64) (edi, csv []byte, err error)
}

// ClaimCategories is what a claim discloses of a client under Part 2:
// who they are, that they are in treatment with their diagnoses, and the
// dates of the services.
var ClaimCategories = []string{consent.CatDemographics, consent.CatEnrollment, consent.CatAttendance}

// CreateClaimBatch records the claims of one export and the lines on them
// under the next control number, and in the same transaction a disclosure
// to the payer for each client, under the consent that allows it. It fails
// whole when a line is already on another batch (a service is billed once)
// or a client's consent no longer allows the disclosure.
func (db *DB) CreateClaimBatch(ctx context.Context, x ClaimExport, rec audit.Record) (ClaimBatch, error) {
	const op = "store.CreateClaimBatch"
	b := ClaimBatch{ID: model.NewID(), PayerID: x.Payer.ID, PayerName: x.Payer.Name, From: x.From, To: x.To, Claims: len(x.Claims)}
	perClient := map[string][]string{}
	names := map[string]string{}
	for _, c := range x.Claims {
		b.Lines += len(c.Lines)
		b.TotalCents += c.TotalCents()
		for _, l := range c.Lines {
			perClient[c.ClientID] = append(perClient[c.ClientID], fmt.Sprintf("%s %s %s, %d unit(s), %s",
				l.Date, l.Code, strings.Join(l.Modifiers, ":"), l.Units, cost.FormatUSD(l.ChargeCents)))
			names[c.ClientID] = l.Name
		}
	}
	if b.Lines == 0 {
		return b, model.Invalid(op, map[string]string{"payer": "No claim lines are ready for this payer and period."})
	}
	clients := slices.Sorted(maps.Keys(perClient))
	recs := []*audit.Record{&rec}
	for range clients {
		r := rec
		recs = append(recs, &r)
	}
	rec.Category, rec.Action, rec.EntityID = "billing.claims", audit.ActionExport, b.ID
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "claim_batches"); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(control_number), 0) + 1 FROM claim_batches`).Scan(&b.ControlNumber); err != nil {
			return err
		}
		for i, id := range clients {
			d := consent.Disclosure{ClientID: id, Channel: consent.ChannelExport, ByID: x.ByID, ByName: x.ByName,
				Description: fmt.Sprintf("claims (837P batch %d) to %s for %s to %s", b.ControlNumber, x.Payer.Name, x.From, x.To),
				Packet:      consent.Packet{Sections: []consent.Section{{Code: consent.CatAttendance, Title: "Claim lines", Lines: perClient[id]}}}}
			dec, err := db.discloseTx(ctx, tx, &d, consent.Request{Recipient: x.Payer.Name, TPO: true, Categories: ClaimCategories}, x.Today, recs[i+1])
			if err != nil {
				return err
			}
			if !dec.Allowed {
				return model.Errorf(op, model.KindForbidden, "%s: %s Nothing was exported.", names[id], dec.Reason)
			}
		}
		edi, csv, err := x.Files(b.ControlNumber)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO claim_batches (id, payer_id, period_from, period_to, control_number, claims, lines,
				total_cents, created_by, created_at, edi, csv) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			b.ID, x.Payer.ID, x.From, x.To, b.ControlNumber, b.Claims, b.Lines, b.TotalCents, x.ByID, db.Now(), string(edi), string(csv)); err != nil {
			return err
		}
		for _, c := range x.Claims {
			for _, l := range c.Lines {
				_, err := tx.ExecContext(ctx, `INSERT INTO claim_lines (service_key, batch_id, client_id, service_date, code, modifiers, units,
						charge_cents, authorization_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
					l.Key, b.ID, l.ClientID, l.Date, l.Code, strings.Join(l.Modifiers, ":"), l.Units, l.ChargeCents, nullable(l.AuthID))
				if isUniqueViolation(err) {
					return model.Errorf(op, model.KindConflict, "The %s service of %s is already on another batch: reload the page.", l.Date, l.Name)
				}
				if err != nil {
					return err
				}
			}
		}
		rec.Detail = fmt.Sprintf("batch %d to %s: %d claims, %d lines, %s; clients=%s", b.ControlNumber, x.Payer.Name, b.Claims, b.Lines,
			cost.FormatUSD(b.TotalCents), strings.Join(clients, ","))
		return nil
	}, recs...)
	return b, err
}

// ClaimBatch is one stored export.
func (db *DB) ClaimBatch(ctx context.Context, id string) (ClaimBatch, []billing.Line, error) {
	const op = "store.ClaimBatch"
	var b ClaimBatch
	err := db.r.QueryRowContext(ctx, `SELECT b.id, b.payer_id, p.name, b.period_from, b.period_to, b.control_number, b.claims, b.lines,
			b.total_cents, u.name, b.created_at FROM claim_batches b JOIN payers p ON p.id = b.payer_id JOIN users u ON u.id = b.created_by
		WHERE b.id = $1`, id).Scan(&b.ID, &b.PayerID, &b.PayerName, &b.From, &b.To, &b.ControlNumber, &b.Claims, &b.Lines, &b.TotalCents,
		&b.CreatedByName, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil, model.NotFound(op, "claim batch")
	}
	if err != nil {
		return b, nil, model.Wrap(op, model.KindInternal, err)
	}
	rows, err := db.query(ctx, `SELECT l.service_key, l.client_id, c.first_name, c.last_name, c.mrn, l.service_date, l.code, l.modifiers,
			l.units, l.charge_cents, COALESCE(a.number, '') FROM claim_lines l JOIN clients c ON c.id = l.client_id
			LEFT JOIN authorizations a ON a.id = l.authorization_id WHERE l.batch_id = $1 ORDER BY c.last_name, c.first_name, l.client_id, l.service_date`, id)
	lines, err := collect(rows, err, func(s scanner) (billing.Line, error) {
		var l billing.Line
		var first, last, mods string
		err := s.Scan(&l.Key, &l.ClientID, &first, &last, &l.MRN, &l.Date, &l.Code, &mods, &l.Units, &l.ChargeCents, &l.AuthNumber)
		l.Name = first + " " + last
		if mods != "" {
			l.Modifiers = strings.Split(mods, ":")
		}
		return l, err
	})
	return b, lines, model.Wrap(op, model.KindInternal, err)
}

// ClaimBatchFile is a stored batch's 837P ("edi") or CSV ("csv") as made.
func (db *DB) ClaimBatchFile(ctx context.Context, id, kind string) ([]byte, error) {
	const op = "store.ClaimBatchFile"
	col := map[string]string{"edi": "edi", "csv": "csv"}[kind]
	if col == "" {
		return nil, model.NotFound(op, "file")
	}
	var body string
	err := db.r.QueryRowContext(ctx, `SELECT `+col+` FROM claim_batches WHERE id = $1`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, model.NotFound(op, "claim batch")
	}
	return []byte(body), model.Wrap(op, model.KindInternal, err)
}

// ClaimBatches lists the exported batches, the latest first.
func (db *DB) ClaimBatches(ctx context.Context, limit int) ([]ClaimBatch, error) {
	rows, err := db.query(ctx, `SELECT b.id, b.payer_id, p.name, b.period_from, b.period_to, b.control_number, b.claims, b.lines, b.total_cents,
			u.name, b.created_at FROM claim_batches b JOIN payers p ON p.id = b.payer_id JOIN users u ON u.id = b.created_by
		ORDER BY b.control_number DESC LIMIT $1`, limit)
	out, err := collect(rows, err, func(s scanner) (ClaimBatch, error) {
		var b ClaimBatch
		return b, s.Scan(&b.ID, &b.PayerID, &b.PayerName, &b.From, &b.To, &b.ControlNumber, &b.Claims, &b.Lines, &b.TotalCents,
			&b.CreatedByName, &b.CreatedAt)
	})
	return out, model.Wrap("store.ClaimBatches", model.KindInternal, err)
}

// BillingProfile is who bills, as the billing settings hold it.
func (db *DB) BillingProfile(ctx context.Context) (billing.Profile, error) {
	var p billing.Profile
	err := db.r.QueryRowContext(ctx, `SELECT name, npi, tax_id, taxonomy, address, city, state, zip, submitter_id, contact_name,
		contact_phone, receiver_name, receiver_id, production FROM billing_profile WHERE id = 1`).Scan(&p.Name, &p.NPI, &p.TaxID, &p.Taxonomy,
		&p.Address, &p.City, &p.State, &p.ZIP, &p.SubmitterID, &p.ContactName, &p.ContactPhone, &p.ReceiverName, &p.ReceiverID, &p.Production)
	return p, model.Wrap("store.BillingProfile", model.KindInternal, err)
}

// SaveBillingProfile changes who bills, after checking it is complete.
func (db *DB) SaveBillingProfile(ctx context.Context, p billing.Profile, rec audit.Record) error {
	const op = "store.SaveBillingProfile"
	if err := model.Invalid(op, p.Problems()); err != nil {
		return err
	}
	rec.Category, rec.Action, rec.Detail = "billing.profile", audit.ActionUpdate, fmt.Sprintf("%s, NPI %s, production %t", p.Name, p.NPI, p.Production)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE billing_profile SET name = $1, npi = $2, tax_id = $3, taxonomy = $4, address = $5, city = $6,
			state = $7, zip = $8, submitter_id = $9, contact_name = $10, contact_phone = $11, receiver_name = $12, receiver_id = $13,
			production = $14, updated_at = $15 WHERE id = 1`, p.Name, p.NPI, p.TaxID, p.Taxonomy, p.Address, p.City, p.State, p.ZIP,
			p.SubmitterID, p.ContactName, p.ContactPhone, p.ReceiverName, p.ReceiverID, p.Production, db.Now())
		return err
	}, &rec)
}

// Clinicians are the staff as claims name them, by id: name and NPI (empty
// for staff who do not bill).
func (db *DB) Clinicians(ctx context.Context) (map[string]billing.Rendering, error) {
	rows, err := db.query(ctx, `SELECT id, name, npi FROM users`)
	type row struct {
		id string
		r  billing.Rendering
	}
	list, err := collect(rows, err, func(s scanner) (row, error) {
		var x row
		var name string
		err := s.Scan(&x.id, &name, &x.r.NPI)
		f := strings.Fields(name)
		if len(f) > 0 {
			x.r.First, x.r.Last = strings.Join(f[:len(f)-1], " "), f[len(f)-1]
		}
		return x, err
	})
	out := map[string]billing.Rendering{}
	for _, x := range list {
		out[x.id] = x.r
	}
	return out, model.Wrap("store.Clinicians", model.KindInternal, err)
}

// SetNPI records a staff member's NPI, the rendering provider on claims.
func (db *DB) SetNPI(ctx context.Context, userID, npi string, rec audit.Record) error {
	const op = "store.SetNPI"
	if npi != "" && !x837.ValidNPI(npi) {
		return model.Invalid(op, map[string]string{"npi": "An NPI is 10 digits with a valid check digit."})
	}
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "admin.user", audit.ActionUpdate, userID, "NPI "+npi
	return db.write(ctx, op, func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound(op, "user"), `UPDATE users SET npi = $1 WHERE id = $2`, npi, userID)
	}, &rec)
}

// BillingImport is the money side written by the demo generator or a
// migration from another system: payers (with ids set), who bills, staff
// NPIs, and clients' coverage and authorizations.
type BillingImport struct {
	Payers         []billing.Payer
	Profile        billing.Profile
	NPIs           map[string]string // user id -> NPI
	Coverage       []billing.Coverage
	Authorizations []billing.Authorization
	ByID           string // who entered the coverage and authorizations
}

// ImportBilling writes a BillingImport in one transaction, each record
// checked as the forms check it, with an audit record per client record.
func (db *DB) ImportBilling(ctx context.Context, x BillingImport, rec audit.Record) error {
	const op = "store.ImportBilling"
	for _, p := range x.Payers {
		if err := model.Invalid(op, p.Problems()); err != nil {
			return err
		}
	}
	if err := model.Invalid(op, x.Profile.Problems()); err != nil {
		return err
	}
	var recs []*audit.Record
	for i := range x.Coverage {
		c := &x.Coverage[i]
		if err := model.Invalid(op, c.Problems(c.VerifiedOn)); err != nil {
			return err
		}
		c.ID = model.NewID()
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = "client.coverage", audit.ActionCreate, c.ClientID, c.ID, "coverage imported"
		recs = append(recs, &r)
	}
	earlier := map[string][]billing.Authorization{} // by client
	for i := range x.Authorizations {
		a := &x.Authorizations[i]
		if err := model.Invalid(op, a.Problems()); err != nil {
			return err
		}
		if err := model.Invalid(op, a.OverlapProblem(earlier[a.ClientID])); err != nil {
			return err
		}
		a.ID = model.NewID()
		earlier[a.ClientID] = append(earlier[a.ClientID], *a)
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = "client.authorization", audit.ActionCreate, a.ClientID, a.ID, "authorization imported"
		recs = append(recs, &r)
	}
	profile := rec
	profile.Category, profile.Action, profile.Detail = "billing.profile", audit.ActionUpdate, "payers and billing profile imported"
	recs = append(recs, &profile)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		now := db.Now()
		for _, p := range x.Payers {
			codes, _ := json.Marshal(p.Codes)
			if _, err := tx.ExecContext(ctx, `INSERT INTO payers (id, name, type, electronic_id, requires_auth, codes, active, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, p.Name, string(p.Type), p.ElectronicID, p.RequiresAuth, string(codes), p.Active, now); err != nil {
				return err
			}
		}
		p := x.Profile
		if _, err := tx.ExecContext(ctx, `UPDATE billing_profile SET name = $1, npi = $2, tax_id = $3, taxonomy = $4, address = $5, city = $6,
			state = $7, zip = $8, submitter_id = $9, contact_name = $10, contact_phone = $11, receiver_name = $12, receiver_id = $13,
			production = $14, updated_at = $15 WHERE id = 1`, p.Name, p.NPI, p.TaxID, p.Taxonomy, p.Address, p.City, p.State, p.ZIP,
			p.SubmitterID, p.ContactName, p.ContactPhone, p.ReceiverName, p.ReceiverID, p.Production, now); err != nil {
			return err
		}
		for id, npi := range x.NPIs {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET npi = $1 WHERE id = $2`, npi, id); err != nil {
				return err
			}
		}
		for _, c := range x.Coverage {
			var verifier any
			if !c.VerifiedOn.IsZero() {
				verifier = x.ByID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO coverages (id, client_id, payer_id, plan, member_id, group_id, subscriber, subscriber_birth,
					relationship, priority, starts_on, ends_on, verified_on, verified_by, notes, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
				c.ID, c.ClientID, c.PayerID, c.Plan, c.MemberID, c.GroupID, c.Subscriber, c.SubscriberBirth, string(c.Relationship),
				string(c.Priority), c.From, c.To, c.VerifiedOn, verifier, c.Notes, x.ByID, now); err != nil {
				return err
			}
		}
		for _, a := range x.Authorizations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO authorizations (id, client_id, payer_id, number, level, unit, units, starts_on, ends_on,
					contact, notes, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
				a.ID, a.ClientID, a.PayerID, a.Number, string(a.Level), string(a.Unit), a.Units, a.From, a.To, a.Contact, a.Notes, x.ByID, now); err != nil {
				return err
			}
		}
		return nil
	}, recs...)
}

// RecordDecision stores a payer's decision on a utilization review. An
// approval also adds the authorization it grants, in the same transaction,
// refused like any other when it overlaps one on file.
func (db *DB) RecordDecision(ctx context.Context, d *billing.Decision, today model.Date, byID string, rec audit.Record) error {
	const op = "store.RecordDecision"
	if err := model.Invalid(op, d.Problems(today)); err != nil {
		return err
	}
	id := model.NewID()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.authorization", audit.ActionCreate, d.ClientID, id
	rec.Detail = "utilization review decision: " + string(d.Outcome)
	recs := []*audit.Record{&rec}
	var authID any
	var auth audit.Record
	if d.Outcome.Grants() {
		d.Auth.ID, d.Auth.ClientID, d.Auth.PayerID = "", d.ClientID, d.PayerID
		aid := model.NewID()
		authID = aid
		auth = rec
		auth.EntityID = aid
		auth.Detail = fmt.Sprintf("authorization %s from a utilization review: %s of %s, %s to %s", d.Auth.Number, d.Auth.Unit.Noun(d.Auth.Units),
			d.Auth.Level, d.Auth.From, d.Auth.To)
		recs = append(recs, &auth)
	}
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "authorizations:"+d.ClientID); err != nil {
			return err
		}
		if err := clientAndPayerExist(ctx, tx, op, d.ClientID, d.PayerID); err != nil {
			return err
		}
		now := db.Now()
		if authID != nil {
			rows, err := tx.QueryContext(ctx, `SELECT `+authorizationColumns+` WHERE a.client_id = $1 AND a.payer_id = $2 AND a.level = $3`,
				d.ClientID, d.PayerID, string(d.Auth.Level))
			others, err := collect(rows, err, scanAuthorization)
			if err != nil {
				return err
			}
			if err := model.Invalid(op, d.Auth.OverlapProblem(others)); err != nil {
				return err
			}
			a := d.Auth
			if _, err := tx.ExecContext(ctx, `INSERT INTO authorizations (id, client_id, payer_id, number, level, unit, units, starts_on, ends_on,
					contact, notes, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
				authID, a.ClientID, a.PayerID, strings.TrimSpace(a.Number), string(a.Level), string(a.Unit), a.Units, a.From, a.To, a.Contact,
				"granted on utilization review", byID, now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ur_decisions (id, client_id, payer_id, outcome, requested, authorization_id, reason,
				next_review, decided_on, decided_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, d.ClientID, d.PayerID, string(d.Outcome), d.Requested, authID, d.Reason, d.NextReview, d.DecidedOn, byID, now)
		return err
	}, recs...)
	if err == nil {
		d.ID = id
		if s, ok := authID.(string); ok {
			d.Auth.ID = s
		}
	}
	return err
}

// Decisions lists a client's utilization review decisions, the latest first.
func (db *DB) Decisions(ctx context.Context, clientID string) ([]billing.Decision, error) {
	rows, err := db.query(ctx, `SELECT d.id, d.client_id, d.payer_id, p.name, d.outcome, d.requested, d.reason, d.next_review, d.decided_on, u.name,
			COALESCE(a.number, ''), COALESCE(a.units, 0), COALESCE(a.unit, ''), a.starts_on, a.ends_on
		FROM ur_decisions d JOIN payers p ON p.id = d.payer_id JOIN users u ON u.id = d.decided_by
		LEFT JOIN authorizations a ON a.id = d.authorization_id
		WHERE d.client_id = $1 ORDER BY d.decided_on DESC, d.recorded_at DESC`, clientID)
	out, err := collect(rows, err, func(s scanner) (billing.Decision, error) {
		var d billing.Decision
		var outcome, unit string
		err := s.Scan(&d.ID, &d.ClientID, &d.PayerID, &d.PayerName, &outcome, &d.Requested, &d.Reason, &d.NextReview, &d.DecidedOn, &d.ByName,
			&d.Auth.Number, &d.Auth.Units, &unit, &d.Auth.From, &d.Auth.To)
		d.Outcome, d.Auth.Unit = billing.Outcome(outcome), billing.Unit(unit)
		return d, err
	})
	return out, model.Wrap("store.Decisions", model.KindInternal, err)
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
)

const consentSelect = `SELECT c.id, c.client_id, c.client_name, c.discloser, c.recipient_kind, c.recipient_name, c.recipient_detail,
	c.purpose, c.purpose_detail, c.categories, c.expiry, c.expires_on, c.signer_name, c.signer_authority, c.signed_on,
	c.statements_given, r.name, c.recorded_at, c.revoked_at, COALESCE(v.name, ''), c.revocation_note
	FROM consents c JOIN users r ON r.id = c.recorded_by LEFT JOIN users v ON v.id = c.revoked_by`

func scanConsent(s scanner) (consent.Consent, error) {
	var c consent.Consent
	var purpose, categories string
	var revoked sql.NullTime
	err := s.Scan(&c.ID, &c.ClientID, &c.ClientName, &c.Discloser, &c.Recipient.Kind, &c.Recipient.Name, &c.Recipient.Detail,
		&purpose, &c.PurposeDetail, &categories, &c.Expiry, &c.ExpiresOn, &c.SignerName, &c.SignerAuthority, &c.SignedOn,
		&c.StatementsGiven, &c.RecordedByName, &c.RecordedAt, &revoked, &c.RevokedByName, &c.RevocationNote)
	c.Purpose, c.Categories = consent.Purpose(purpose), splitList(categories)
	if revoked.Valid {
		c.RevokedAt = revoked.Time
	}
	return c, err
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func consentsOf(ctx context.Context, q querier, clientID string) ([]consent.Consent, error) {
	rows, err := q.QueryContext(ctx, consentSelect+` WHERE c.client_id = $1 ORDER BY c.signed_on DESC, c.recorded_at DESC`, clientID)
	return collect(rows, err, scanConsent)
}

// Consents lists a client's consents, newest first, revoked and expired
// ones included (they stay on file).
func (db *DB) Consents(ctx context.Context, clientID string) ([]consent.Consent, error) {
	out, err := consentsOf(ctx, db.r, clientID)
	return out, model.Wrap("store.Consents", model.KindInternal, err)
}

// Consent is one of a client's consents; another client's id is not found.
func (db *DB) Consent(ctx context.Context, clientID, id string) (consent.Consent, error) {
	c, err := scanConsent(db.queryRow(ctx, consentSelect+` WHERE c.client_id = $1 AND c.id = $2`, clientID, id))
	if err == sql.ErrNoRows {
		return c, model.NotFound("store.Consent", "consent")
	}
	return c, model.Wrap("store.Consent", model.KindInternal, err)
}

// ConsentCare is what decides whether "end of treatment" has come for a
// client's consents: an open episode, and the last discharge date.
func (db *DB) ConsentCare(ctx context.Context, clientID string) (consent.Care, error) {
	care, err := consentCare(ctx, db.r, clientID)
	return care, model.Wrap("store.ConsentCare", model.KindInternal, err)
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func consentCare(ctx context.Context, q rowQuerier, clientID string) (consent.Care, error) {
	var care consent.Care
	var open int
	err := q.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN status = 'active' THEN 1 END), MAX(discharge_date) FROM episodes WHERE client_id = $1`,
		clientID).Scan(&open, &care.LastDischarge)
	care.Active = open > 0
	return care, err
}

// SaveConsent records a signed consent after checking every element the
// rule requires; a consent lacking one is refused naming it, and nothing is
// stored.
func (db *DB) SaveConsent(ctx context.Context, c *consent.Consent, today model.Date, byID string, rec audit.Record) error {
	const op = "store.SaveConsent"
	if err := model.Invalid(op, c.Check(today)); err != nil {
		return err
	}
	c.ID, c.RecordedAt = model.NewID(), db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.consent", audit.ActionCreate, c.ClientID, c.ID
	rec.Detail = "consent for " + c.Recipient.Name + " (" + string(c.Purpose) + "): " + strings.Join(c.Categories, ",")
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "consent:"+c.ClientID); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM clients WHERE id = $1)`, c.ClientID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return model.NotFound(op, "client")
		}
		return insertConsent(ctx, tx, c, byID)
	}, &rec)
}

func insertConsent(ctx context.Context, tx *sql.Tx, c *consent.Consent, byID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consents (id, client_id, client_name, discloser, recipient_kind, recipient_name,
		recipient_detail, purpose, purpose_detail, categories, expiry, expires_on, signer_name, signer_authority, signed_on,
		statements_given, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		c.ID, c.ClientID, c.ClientName, c.Discloser, c.Recipient.Kind, c.Recipient.Name, c.Recipient.Detail, string(c.Purpose),
		c.PurposeDetail, strings.Join(c.Categories, ","), c.Expiry, c.ExpiresOn, c.SignerName, c.SignerAuthority, c.SignedOn,
		c.StatementsGiven, byID, c.RecordedAt)
	return err
}

// ConsentImport is a consent written by the demo generator or a migration
// from another system: recorded by RecordedBy at Consent.RecordedAt and,
// when Consent.RevokedAt is set, revoked by RevokedBy.
type ConsentImport struct {
	Consent    consent.Consent
	RecordedBy string
	RevokedBy  string
}

// ImportConsents writes consents in one transaction with an audit record
// each. Every consent is checked as the form checks it, on the day it was
// recorded.
func (db *DB) ImportConsents(ctx context.Context, list []ConsentImport, rec audit.Record) error {
	const op = "store.ImportConsents"
	var recs []*audit.Record
	for i := range list {
		c := &list[i].Consent
		if err := model.Invalid(op, c.Check(model.DateOf(c.RecordedAt))); err != nil {
			return err
		}
		if c.ID == "" {
			c.ID = model.NewID()
		}
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = "client.consent", audit.ActionCreate, c.ClientID, c.ID, "consent imported"
		recs = append(recs, &r)
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for _, ci := range list {
			c := ci.Consent
			if err := insertConsent(ctx, tx, &c, ci.RecordedBy); err != nil {
				return err
			}
			if !c.RevokedAt.IsZero() {
				if _, err := tx.ExecContext(ctx, `UPDATE consents SET revoked_at = $1, revoked_by = $2, revocation_note = $3 WHERE id = $4`,
					c.RevokedAt.UTC(), ci.RevokedBy, c.RevocationNote, c.ID); err != nil {
					return err
				}
			}
		}
		return nil
	}, recs...)
}

// RevokeConsent records a written revocation, effective at once: a
// disclosure that has not yet been recorded is refused from this moment;
// earlier disclosures stay in the accounting. Revoking twice is a conflict.
func (db *DB) RevokeConsent(ctx context.Context, clientID, id, note, byID string, rec audit.Record) error {
	const op = "store.RevokeConsent"
	if strings.TrimSpace(note) == "" {
		return model.Invalid(op, map[string]string{"note": "Say how the written revocation was received (a letter, a signed form, a portal message)."})
	}
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.consent", audit.ActionUpdate, clientID, id, "consent revoked"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "consent:"+clientID); err != nil {
			return err
		}
		var revoked sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM consents WHERE client_id = $1 AND id = $2`, clientID, id).Scan(&revoked)
		if err == sql.ErrNoRows {
			return model.NotFound(op, "consent")
		} else if err != nil {
			return err
		}
		if revoked.Valid {
			return model.Errorf(op, model.KindConflict, "This consent was already revoked on %s.", revoked.Time.Format("January 2, 2006"))
		}
		return updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "This consent was revoked meanwhile."),
			`UPDATE consents SET revoked_at = $1, revoked_by = $2, revocation_note = $3 WHERE id = $4 AND revoked_at IS NULL`,
			db.Now(), byID, note, id)
	}, &rec)
}

// Disclose decides, inside one transaction with the client's consents
// locked, whether the consents on file allow req, and if so records the
// disclosure d (its consent, recipient, purpose and notice are filled in
// from the decision) with an audit record of the disclosure. A refusal is
// audited too, as a denied disclosure, and comes back as a forbidden error
// carrying the reason; nothing is recorded as disclosed. Because
// revocation takes the same lock, a disclosure is either recorded before a
// revocation or refused after it.
func (db *DB) Disclose(ctx context.Context, d *consent.Disclosure, req consent.Request, today model.Date, rec audit.Record) (consent.Decision, error) {
	const op = "store.Disclose"
	var dec consent.Decision
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		var err error
		dec, err = db.discloseTx(ctx, tx, d, req, today, &rec)
		return err
	}, &rec)
	if err != nil {
		return dec, err
	}
	if !dec.Allowed {
		return dec, model.Errorf(op, model.KindForbidden, "%s", dec.Reason)
	}
	return dec, nil
}

// discloseTx decides a disclosure under the client's consents and, when a
// consent allows it, records it, inside the caller's transaction. rec is
// filled in for the caller to append: a refusal is audited as denied.
func (db *DB) discloseTx(ctx context.Context, tx *sql.Tx, d *consent.Disclosure, req consent.Request, today model.Date, rec *audit.Record) (consent.Decision, error) {
	var dec consent.Decision
	d.ID, d.At, d.Notice, d.Recipient, d.Categories = model.NewID(), db.Now(), consent.NoticeVersion, strings.TrimSpace(req.Recipient), req.Categories
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.disclosure", audit.ActionDisclose, d.ClientID, d.ID
	if err := lockResources(ctx, tx, "consent:"+d.ClientID); err != nil {
		return dec, err
	}
	consents, err := consentsOf(ctx, tx, d.ClientID)
	if err != nil {
		return dec, err
	}
	care, err := consentCare(ctx, tx, d.ClientID)
	if err != nil {
		return dec, err
	}
	dec = consent.Decide(consents, req, today, care)
	if !dec.Allowed {
		rec.Outcome, rec.EntityID = audit.OutcomeDenied, ""
		rec.Detail = "disclosure refused (" + d.Channel + ") to " + d.Recipient + ": " + dec.Reason
		return dec, nil
	}
	d.ConsentID, d.Purpose = dec.Consent.ID, dec.Consent.PurposeLabel()
	rec.Detail = "disclosed (" + d.Channel + ") to " + d.Recipient + " under consent " + d.ConsentID + ": " + strings.Join(d.Categories, ",")
	packet, err := json.Marshal(d.Packet)
	if err != nil {
		return dec, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO disclosures (id, client_id, consent_id, recipient, purpose, categories, channel, description,
		notice, packet, by_id, by_name, disclosed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		d.ID, d.ClientID, d.ConsentID, d.Recipient, d.Purpose, strings.Join(d.Categories, ","), d.Channel, d.Description,
		d.Notice, string(packet), d.ByID, d.ByName, d.At)
	return dec, err
}

const disclosureSelect = `SELECT id, client_id, consent_id, recipient, purpose, categories, channel, description, notice,
	packet, by_id, by_name, disclosed_at FROM disclosures`

func scanDisclosure(s scanner) (consent.Disclosure, error) {
	var d consent.Disclosure
	var cats, packet string
	err := s.Scan(&d.ID, &d.ClientID, &d.ConsentID, &d.Recipient, &d.Purpose, &cats, &d.Channel, &d.Description, &d.Notice,
		&packet, &d.ByID, &d.ByName, &d.At)
	d.Categories = splitList(cats)
	if err == nil && packet != "" {
		err = json.Unmarshal([]byte(packet), &d.Packet)
	}
	return d, err
}

// Disclosures is the accounting of a client's disclosures, newest first.
func (db *DB) Disclosures(ctx context.Context, clientID string) ([]consent.Disclosure, error) {
	rows, err := db.query(ctx, disclosureSelect+` WHERE client_id = $1 ORDER BY disclosed_at DESC, id DESC`, clientID)
	out, err := collect(rows, err, scanDisclosure)
	return out, model.Wrap("store.Disclosures", model.KindInternal, err)
}

// Disclosure is one of a client's disclosures with the packet sent; another
// client's id is not found.
func (db *DB) Disclosure(ctx context.Context, clientID, id string) (consent.Disclosure, error) {
	d, err := scanDisclosure(db.queryRow(ctx, disclosureSelect+` WHERE client_id = $1 AND id = $2`, clientID, id))
	if err == sql.ErrNoRows {
		return d, model.NotFound("store.Disclosure", "disclosure")
	}
	return d, model.Wrap("store.Disclosure", model.KindInternal, err)
}

// DisclosureRow is a disclosure with the client it was of, for the privacy
// officer's report.
type DisclosureRow struct {
	consent.Disclosure
	ClientName, MRN string
}

// DisclosuresBetween lists every client's disclosures in [from, to), newest
// first.
func (db *DB) DisclosuresBetween(ctx context.Context, from, to time.Time) ([]DisclosureRow, error) {
	rows, err := db.query(ctx, `SELECT d.id, d.client_id, d.consent_id, d.recipient, d.purpose, d.categories, d.channel, d.description, d.notice,
		'', d.by_id, d.by_name, d.disclosed_at, c.first_name || ' ' || c.last_name, c.mrn
		FROM disclosures d JOIN clients c ON c.id = d.client_id
		WHERE d.disclosed_at >= $1 AND d.disclosed_at < $2 ORDER BY d.disclosed_at DESC LIMIT 500`, from.UTC(), to.UTC())
	out, err := collect(rows, err, func(s scanner) (DisclosureRow, error) {
		var r DisclosureRow
		var cats, packet string
		err := s.Scan(&r.ID, &r.ClientID, &r.ConsentID, &r.Recipient, &r.Purpose, &cats, &r.Channel, &r.Description, &r.Notice,
			&packet, &r.ByID, &r.ByName, &r.At, &r.ClientName, &r.MRN)
		r.Categories = splitList(cats)
		return r, err
	})
	return out, model.Wrap("store.DisclosuresBetween", model.KindInternal, err)
}

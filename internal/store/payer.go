package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
)

// CostSettings returns the center's explanations per payer type, its fee
// schedule (zero when none is set) and its sliding scale, ordered by
// household size and income.
func (db *DB) CostSettings(ctx context.Context) (cost.Settings, error) {
	const op = "store.CostSettings"
	s := cost.Settings{Texts: cost.Texts{}}
	rows, err := db.query(ctx, `SELECT payer, body FROM payer_texts`)
	texts, err := collect(rows, err, func(sc scanner) ([2]string, error) {
		var t [2]string
		return t, sc.Scan(&t[0], &t[1])
	})
	if err != nil {
		return s, model.Wrap(op, model.KindInternal, err)
	}
	for _, t := range texts {
		s.Texts[cost.Payer(t[0])] = t[1]
	}
	var unit string
	err = db.queryRow(ctx, `SELECT amount_cents, unit, days_per_week, weeks, note FROM fee_schedule WHERE id = 1`).
		Scan(&s.Fees.AmountCents, &unit, &s.Fees.DaysPerWeek, &s.Fees.Weeks, &s.Fees.Note)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, model.Wrap(op, model.KindInternal, err)
	}
	s.Fees.Unit = cost.Unit(unit)
	rows, err = db.query(ctx, `SELECT household_size, income_from_cents, income_under_cents, percent FROM sliding_scale
		ORDER BY household_size, income_from_cents`)
	s.Scale, err = collect(rows, err, func(sc scanner) (cost.Bracket, error) {
		var b cost.Bracket
		var under sql.NullInt64
		err := sc.Scan(&b.Size, &b.FromCents, &under, &b.Percent)
		b.UnderCents = under.Int64
		return b, err
	})
	return s, model.Wrap(op, model.KindInternal, err)
}

// SavePayerTexts replaces the explanations per payer type; every type
// needs one.
func (db *DB) SavePayerTexts(ctx context.Context, t cost.Texts, rec audit.Record) error {
	const op = "store.SavePayerTexts"
	if err := model.Invalid(op, t.Problems()); err != nil {
		return err
	}
	rec.Category, rec.Action, rec.Detail = "settings.cost", audit.ActionUpdate, "what each way of paying means, for the public result"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM payer_texts`); err != nil {
			return err
		}
		for _, p := range cost.Payers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO payer_texts (payer, body) VALUES ($1, $2)`, string(p), strings.TrimSpace(t[p])); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

// SaveFees replaces the fee schedule and the sliding scale together, both
// checked first: a bad row stores nothing.
func (db *DB) SaveFees(ctx context.Context, f cost.Fees, s cost.Scale, rec audit.Record) error {
	const op = "store.SaveFees"
	problems := f.Problems()
	for k, v := range s.Problems() {
		problems[k] = v
	}
	if err := model.Invalid(op, problems); err != nil {
		return err
	}
	rec.Category, rec.Action = "settings.cost", audit.ActionUpdate
	rec.Detail = fmt.Sprintf("fee %s per %s, %d days a week for %d weeks; sliding scale of %d rows",
		cost.FormatUSD(f.AmountCents), f.Unit, f.DaysPerWeek, f.Weeks, len(s))
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM fee_schedule`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO fee_schedule (id, amount_cents, unit, days_per_week, weeks, note)
			VALUES (1, $1, $2, $3, $4, $5)`, f.AmountCents, string(f.Unit), f.DaysPerWeek, f.Weeks, f.Note); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sliding_scale`); err != nil {
			return err
		}
		for _, b := range s {
			var under any
			if b.UnderCents != 0 {
				under = b.UnderCents
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sliding_scale (household_size, income_from_cents, income_under_cents, percent)
				VALUES ($1, $2, $3, $4)`, b.Size, b.FromCents, under, b.Percent); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

// InquiryChecklist returns an inquiry's payer checklist: each item as last
// set, with who set it and when.
func (db *DB) InquiryChecklist(ctx context.Context, inquiryID string) (admissions.Checklist, error) {
	rows, err := db.query(ctx, `SELECT c.item, c.value, c.checked_by, u.name, c.checked_at FROM inquiry_checks c
		JOIN users u ON u.id = c.checked_by WHERE c.inquiry_id = $1`, inquiryID)
	list, err := collect(rows, err, func(s scanner) (struct {
		item  string
		check admissions.Check
	}, error) {
		var x struct {
			item  string
			check admissions.Check
		}
		return x, s.Scan(&x.item, &x.check.Value, &x.check.ByID, &x.check.ByName, &x.check.At)
	})
	out := admissions.Checklist{}
	for _, x := range list {
		out[x.item] = x.check
	}
	return out, model.Wrap("store.InquiryChecklist", model.KindInternal, err)
}

// SetInquiryChecklist stores the checklist items an update changes, each
// with who and when, and audits them in the same transaction. It reports
// whether anything changed; an unchanged checklist writes nothing.
func (db *DB) SetInquiryChecklist(ctx context.Context, inquiryID string, u admissions.ChecklistUpdate, byID string, rec audit.Record) (bool, error) {
	const op = "store.SetInquiryChecklist"
	if err := model.Invalid(op, u.Problems()); err != nil {
		return false, err
	}
	changed := false
	rec.Category, rec.Action, rec.EntityID = "inquiry", audit.ActionUpdate, inquiryID
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM inquiries WHERE id = $1`, inquiryID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.NotFound(op, "inquiry")
		}
		// Read inside the transaction, so two people saving at once each
		// record only what they changed.
		current := admissions.Checklist{}
		rows, err := tx.QueryContext(ctx, `SELECT item, value FROM inquiry_checks WHERE inquiry_id = $1`, inquiryID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var item, value string
			if err := rows.Scan(&item, &value); err != nil {
				rows.Close()
				return err
			}
			current[item] = admissions.Check{Value: value}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		changes := current.Changes(u)
		if len(changes) == 0 {
			return errUnchanged
		}
		now := db.Now()
		var detail []string
		for _, item := range admissions.CheckItems {
			v, ok := changes[item]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inquiry_checks (inquiry_id, item, value, checked_by, checked_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (inquiry_id, item) DO UPDATE SET value = $3, checked_by = $4, checked_at = $5`,
				inquiryID, item, v, byID, now); err != nil {
				return err
			}
			if v == "" {
				v = "no"
			}
			detail = append(detail, item+"="+v)
		}
		slices.Sort(detail)
		rec.Detail = "checklist " + strings.Join(detail, " ")
		changed = true
		return nil
	}, &rec)
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	return changed, err
}

// errUnchanged rolls back a write that turned out to change nothing.
var errUnchanged = errors.New("nothing changed")

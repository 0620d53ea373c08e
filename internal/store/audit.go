package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
)

// appendAudit links recs to the chain and inserts them inside tx. Moving the
// head with UPDATE ... RETURNING first takes the head row's lock on
// PostgreSQL, so concurrent transactions append one after another and the
// chain never forks; SQLite's single writer does the same by itself.
func appendAudit(ctx context.Context, tx *sql.Tx, recs []audit.Record) error {
	if len(recs) == 0 {
		return nil
	}
	var last int64
	var prev string
	if err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`,
		len(recs)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("moving the audit head: %w", err)
	}
	audit.Chain(last-int64(len(recs)), prev, recs)
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_log
		(seq, at, actor_id, actor_role, action, category, client_id, entity_id, outcome, ip, request_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range recs {
		if _, err := stmt.ExecContext(ctx, r.Seq, r.At, r.ActorID, r.ActorRole, r.Action, r.Category, r.ClientID,
			r.EntityID, r.Outcome, r.IP, r.RequestID, r.Detail, r.PrevHash, r.Hash); err != nil {
			return fmt.Errorf("appending audit record %d: %w", r.Seq, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, recs[len(recs)-1].Hash); err != nil {
		return fmt.Errorf("moving the audit head: %w", err)
	}
	return nil
}

// AppendAudit appends records in one transaction of their own. It is the
// audit.Sink used by the batching writer for reads, and by callers whose
// event changes nothing else (a refused request, a failed sign-in).
func (db *DB) AppendAudit(ctx context.Context, recs []audit.Record) error {
	return db.write(ctx, "store.AppendAudit", func(tx *sql.Tx) error { return appendAudit(ctx, tx, recs) })
}

// AuditHead returns the chain's head as stored.
func (db *DB) AuditHead(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := db.r.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash)
	return h, err
}

const auditColumns = `seq, at, actor_id, actor_role, action, category, client_id, entity_id, outcome, ip, request_id, detail, prev_hash, hash`

func scanAudit(s scanner) (audit.Record, error) {
	var r audit.Record
	err := s.Scan(&r.Seq, &r.At, &r.ActorID, &r.ActorRole, &r.Action, &r.Category, &r.ClientID, &r.EntityID,
		&r.Outcome, &r.IP, &r.RequestID, &r.Detail, &r.PrevHash, &r.Hash)
	r.At = r.At.UTC()
	return r, err
}

// AuditRecords yields every audit record in sequence order, a page at a time
// so that verifying millions of records uses constant memory.
func (db *DB) AuditRecords(ctx context.Context) iter.Seq2[audit.Record, error] {
	return func(yield func(audit.Record, error) bool) {
		const page = 5000
		after := int64(0)
		for {
			rows, err := db.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, after, page)
			if err != nil {
				yield(audit.Record{}, err)
				return
			}
			n := 0
			for rows.Next() {
				r, err := scanAudit(rows)
				if err != nil {
					rows.Close()
					yield(audit.Record{}, err)
					return
				}
				n++
				after = r.Seq
				if !yield(r, nil) {
					rows.Close()
					return
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(audit.Record{}, err)
				return
			}
			if n < page {
				return
			}
		}
	}
}

// AuditFilter selects audit records for the audit report.
type AuditFilter struct {
	From, To time.Time // half-open [From, To); zero means unbounded
	ActorID  string
	ClientID string
	Action   string
	Outcome  string
	UpTo     int64  // only records with seq <= UpTo; 0 means no limit (pins a multi-page export)
	Sort     string // a column name from AuditSortColumns
	Desc     bool
	Limit    int
	Offset   int
}

// AuditSortColumns are the columns the report may sort by. ORDER BY cannot
// take a bound parameter, so only these names ever reach the SQL.
var AuditSortColumns = map[string]string{
	"seq": "seq", "at": "at", "actor": "actor_id", "role": "actor_role", "action": "action",
	"category": "category", "client": "client_id", "outcome": "outcome", "ip": "ip",
}

// ListAudit returns audit records matching f, and how many match in all.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Record, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	if f.ActorID != "" {
		add("actor_id = $%d", f.ActorID)
	}
	if f.ClientID != "" {
		add("client_id = $%d", f.ClientID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.Outcome != "" {
		add("outcome = $%d", f.Outcome)
	}
	if f.UpTo > 0 {
		add("seq <= $%d", f.UpTo)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+cond, args...).Scan(&total); err != nil {
		return nil, 0, model.Wrap("store.ListAudit", model.KindInternal, err)
	}
	col, ok := AuditSortColumns[f.Sort]
	if !ok {
		col = "seq"
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	// #nosec G202 -- col comes from the AuditSortColumns allowlist; values are bound parameters
	q := `SELECT ` + auditColumns + ` FROM audit_log` + cond + ` ORDER BY ` + col + dir + `, seq` + dir +
		fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(f.Offset, 0))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, model.Wrap("store.ListAudit", model.KindInternal, err)
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// SaveAuditAnchor stores a signed anchor of the chain's head and reports
// whether it was new: an anchor of the same record already stored (by another
// replica, or an earlier run with the chain idle) is kept as it was.
//
// Saving an anchor is deliberately not itself audited. An audit record would
// extend the chain it anchors, so the head would move with every anchor and
// the chain would never be idle; and the anchor is its own record, signed and
// kept outside the database as well.
func (db *DB) SaveAuditAnchor(ctx context.Context, a audit.Anchor) (bool, error) {
	var n int64
	err := db.write(ctx, "store.SaveAuditAnchor", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO audit_anchors (seq, hash, at, signature) VALUES ($1, $2, $3, $4)
			ON CONFLICT (seq) DO NOTHING`, a.Seq, a.Hash, a.At.UTC(), a.Signature)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// AuditAnchors returns every stored anchor in sequence order. They are
// returned as stored: checking their signatures is the verifier's work.
func (db *DB) AuditAnchors(ctx context.Context) ([]audit.Anchor, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seq, hash, at, signature FROM audit_anchors ORDER BY seq`)
	if err != nil {
		return nil, model.Wrap("store.AuditAnchors", model.KindInternal, err)
	}
	defer rows.Close()
	var out []audit.Anchor
	for rows.Next() {
		var a audit.Anchor
		if err := rows.Scan(&a.Seq, &a.Hash, &a.At, &a.Signature); err != nil {
			return nil, model.Wrap("store.AuditAnchors", model.KindInternal, err)
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

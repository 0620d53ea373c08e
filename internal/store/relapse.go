package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/relapse"
)

// RelapsePlans lists every version of a client's relapse-prevention plan,
// newest first.
func (db *DB) RelapsePlans(ctx context.Context, clientID string) ([]relapse.Plan, error) {
	rows, err := db.query(ctx, `SELECT id, client_id, version, content, author_kind, author_name, created_at FROM relapse_plans
		WHERE client_id = $1 ORDER BY version DESC`, clientID)
	out, err := collect(rows, err, func(s scanner) (relapse.Plan, error) {
		var p relapse.Plan
		var content string
		var id, client, kind, name string
		var version int
		if err := s.Scan(&id, &client, &version, &content, &kind, &name, &p.At); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(content), &p); err != nil {
			return p, err
		}
		p.ID, p.ClientID, p.Version, p.AuthorKind, p.AuthorName = id, client, version, kind, name
		return p, nil
	})
	return out, model.Wrap("store.RelapsePlans", model.KindInternal, err)
}

// SaveRelapsePlan stores a new version of a client's relapse-prevention
// plan, written by a staff member or by the client (authorKind), after the
// version the writer saw (baseVersion; 0 for the first). If someone saved
// another version meanwhile, it is refused as a conflict rather than
// silently replacing their words.
func (db *DB) SaveRelapsePlan(ctx context.Context, p *relapse.Plan, baseVersion int, authorKind, authorID, authorName string, rec audit.Record) error {
	const op = "store.SaveRelapsePlan"
	if err := model.Invalid(op, p.Check()); err != nil {
		return err
	}
	if authorKind != relapse.AuthorStaff && authorKind != relapse.AuthorClient {
		return model.Errorf(op, model.KindInvalid, "unknown author kind %q", authorKind)
	}
	content, err := json.Marshal(p)
	if err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	p.ID, p.AuthorKind, p.AuthorName, p.At = model.NewID(), authorKind, authorName, db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.relapse_plan", audit.ActionUpdate, p.ClientID, p.ID
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "relapse:"+p.ClientID); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM clients WHERE id = $1)`, p.ClientID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return model.NotFound(op, "client")
		}
		var latest int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM relapse_plans WHERE client_id = $1`, p.ClientID).Scan(&latest); err != nil {
			return err
		}
		if latest != baseVersion {
			return model.Errorf(op, model.KindConflict, "the plan was changed (version %d) since you opened version %d; reload it and make your change again", latest, baseVersion)
		}
		p.Version = latest + 1
		rec.Detail = "relapse-prevention plan version " + strconv.Itoa(p.Version) + " by " + authorKind
		_, err := tx.ExecContext(ctx, `INSERT INTO relapse_plans (id, client_id, version, content, author_kind, author_id, author_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, p.ClientID, p.Version, string(content), authorKind, authorID, authorName, p.At)
		return err
	}, &rec)
}

// RelapseImport is a relapse-prevention plan version written as it
// happened (the demo, or records moved from another system).
type RelapseImport struct {
	Plan     relapse.Plan // with Version, AuthorKind, AuthorName and At set
	AuthorID string
}

// ImportRelapsePlans writes versions with their own authors and times, in
// one transaction; each is checked as a save would be.
func (db *DB) ImportRelapsePlans(ctx context.Context, plans []RelapseImport, rec audit.Record) error {
	const op = "store.ImportRelapsePlans"
	var recs []*audit.Record
	for _, pi := range plans {
		if err := model.Invalid(op, pi.Plan.Check()); err != nil {
			return err
		}
		r := rec
		r.Category, r.Action, r.ClientID, r.Detail = "client.relapse_plan", audit.ActionCreate, pi.Plan.ClientID, "relapse-prevention plan imported"
		recs = append(recs, &r)
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for _, pi := range plans {
			p := pi.Plan
			content, err := json.Marshal(p)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO relapse_plans (id, client_id, version, content, author_kind, author_id, author_name, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, model.NewID(), p.ClientID, p.Version, string(content), p.AuthorKind, pi.AuthorID,
				p.AuthorName, p.At.UTC()); err != nil {
				return err
			}
		}
		return nil
	}, recs...)
}

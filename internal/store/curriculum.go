package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/model"
)

// CurriculumTopics lists a track's curriculum in order.
func (db *DB) CurriculumTopics(ctx context.Context, trackID string) ([]curriculum.Topic, error) {
	rows, err := db.query(ctx, `SELECT id, track_id, position, title, summary FROM curriculum_topics WHERE track_id = $1 ORDER BY position`, trackID)
	out, err := collect(rows, err, func(s scanner) (curriculum.Topic, error) {
		var t curriculum.Topic
		return t, s.Scan(&t.ID, &t.TrackID, &t.Position, &t.Title, &t.Summary)
	})
	return out, model.Wrap("store.CurriculumTopics", model.KindInternal, err)
}

// AddCurriculumTopic puts a topic at the end of a track's curriculum.
func (db *DB) AddCurriculumTopic(ctx context.Context, t *curriculum.Topic, byID string, rec audit.Record) error {
	const op = "store.AddCurriculumTopic"
	t.Title, t.Summary = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary)
	if err := model.Invalid(op, t.Problems()); err != nil {
		return err
	}
	id := model.NewID()
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.curriculum", audit.ActionCreate, id, "track "+t.TrackID+": "+t.Title
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "curriculum:"+t.TrackID); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tracks WHERE id = $1)`, t.TrackID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return model.NotFound(op, "track")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM curriculum_topics WHERE track_id = $1`, t.TrackID).Scan(&t.Position); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO curriculum_topics (id, track_id, position, title, summary, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, t.TrackID, t.Position, t.Title, t.Summary, nullable(byID), db.Now())
		return err
	}, &rec)
	if err == nil {
		t.ID = id
	}
	return err
}

// RemoveCurriculumTopic takes a topic out of a track's curriculum; the ones
// after it move up. Group notes written on it keep their topic.
func (db *DB) RemoveCurriculumTopic(ctx context.Context, trackID, id string, rec audit.Record) error {
	const op = "store.RemoveCurriculumTopic"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.curriculum", audit.ActionDelete, id, "track "+trackID
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "curriculum:"+trackID); err != nil {
			return err
		}
		var position int
		err := tx.QueryRowContext(ctx, `SELECT position FROM curriculum_topics WHERE id = $1 AND track_id = $2`, id, trackID).Scan(&position)
		if err == sql.ErrNoRows {
			return model.NotFound(op, "topic")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM curriculum_topics WHERE id = $1`, id); err != nil {
			return err
		}
		// Move the later ones up one by one, in order, so the unique position never collides.
		rows, err := tx.QueryContext(ctx, `SELECT id FROM curriculum_topics WHERE track_id = $1 AND position > $2 ORDER BY position`, trackID, position)
		later, err := collect(rows, err, func(s scanner) (string, error) {
			var x string
			return x, s.Scan(&x)
		})
		if err != nil {
			return err
		}
		for i, x := range later {
			if _, err := tx.ExecContext(ctx, `UPDATE curriculum_topics SET position = $1 WHERE id = $2`, position+i, x); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

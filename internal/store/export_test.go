package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/openiop/openiop/internal/auth"
)

// ExecForTest runs a statement on the write connection. Tests use it to
// play an attacker with direct database access; the application never
// does.
func (db *DB) ExecForTest(ctx context.Context, stmt string) error {
	_, err := db.w.ExecContext(ctx, stmt)
	return err
}

// SchemaForTest returns each table's column names in order.
func (db *DB) SchemaForTest(ctx context.Context) (map[string][]string, error) {
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`
	if db.Engine == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`
	}
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, err
		}
		out[table] = append(out[table], col)
	}
	return out, rows.Err()
}

// StringForTest reads one text value straight from the database.
func (db *DB) StringForTest(ctx context.Context, query string, args ...any) (string, error) {
	var s string
	err := db.r.QueryRowContext(ctx, query, args...).Scan(&s)
	return s, err
}

// WithSecretKeyForTest makes the store seal with key from now on (nil: as
// a server without a key).
func (db *DB) WithSecretKeyForTest(key []byte) error {
	if key == nil {
		db.box = nil
		return nil
	}
	box, err := auth.NewSecretBox(key)
	db.box = box
	return err
}

// SearchByScanForTest is client search as it was before the trigram index:
// every word matched with LIKE against every client's search text. Tests
// compare the indexed search with it.
func (db *DB) SearchByScanForTest(ctx context.Context, text string) ([]string, error) {
	q, args := `SELECT c.id FROM clients c WHERE 1 = 1`, []any{}
	for _, word := range strings.Fields(strings.ToLower(text)) {
		args = append(args, "%"+likeEscape.Replace(word)+"%")
		q += fmt.Sprintf(` AND c.search_text LIKE $%d ESCAPE '\'`, len(args))
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY c.last_name, c.first_name, c.id`, args...)
	return collect(rows, err, func(s scanner) (string, error) {
		var id string
		return id, s.Scan(&id)
	})
}

package store

import "context"

// ExecForTest runs a statement on the write connection. Tests use it to
// play an attacker with direct database access; the application never
// does.
func (db *DB) ExecForTest(ctx context.Context, stmt string) error {
	_, err := db.w.ExecContext(ctx, stmt)
	return err
}

package store

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
)

// maxCachedStatements bounds the cache: queries are built from a few
// fixed shapes, so anything past this is unexpected and simply not cached.
const maxCachedStatements = 256

// stmtCache keeps prepared read statements, so that a query's SQL is parsed
// once per connection rather than on every request (on SQLite, parsing was
// a quarter of a list query's cost).
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// query runs a read query through a cached prepared statement.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, q, args...)
}

// queryRow is query for a single row.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, q, args...)
}

// prepared returns the cached statement for q, preparing it on first use;
// nil if it cannot be prepared or the cache is full (the caller then runs
// the query unprepared, and any error shows there).
func (db *DB) prepared(ctx context.Context, q string) *sql.Stmt {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	if st, ok := db.stmts.stmts[q]; ok {
		return st
	}
	if len(db.stmts.stmts) >= maxCachedStatements {
		return nil
	}
	st, err := db.r.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if db.stmts.stmts == nil {
		db.stmts.stmts = map[string]*sql.Stmt{}
	}
	db.stmts.stmts[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// placeholder is the nth query parameter ($1, $2, ...), which both engines read.
func placeholder(n int) string { return "$" + strconv.Itoa(n) }

package testutil

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/store"
)

// Main runs a package's tests and then stops the PostgreSQL cluster they
// started, if any. Use it from TestMain: func TestMain(m *testing.M) { testutil.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	StopPostgres()
	os.Exit(code)
}

// Engines returns the engines tests should run on: SQLite always, and
// PostgreSQL when a server is available. Where none is, PostgreSQL cases
// are skipped with the reason, unless IOP_REQUIRE_POSTGRES is set, which
// fails them (CI sets it).
func Engines() []store.Engine { return []store.Engine{store.SQLite, store.Postgres} }

// ForEachEngine runs fn as a subtest per engine with a fresh, migrated
// database on it.
func ForEachEngine(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, OpenDB(t, e))
		})
	}
}

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Options describe a test database.
type Options struct {
	Now func() time.Time
}

// OpenDB returns a fresh, migrated database on engine e, closed and removed
// when the test ends. Without a PostgreSQL server, PostgreSQL tests skip
// (or fail under IOP_REQUIRE_POSTGRES).
func OpenDB(t testing.TB, e store.Engine, opts ...Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	var o store.Options
	if len(opts) > 0 {
		o.Now = opts[0].Now
	}
	switch e {
	case store.SQLite:
		o.DataDir = t.TempDir()
	case store.Postgres:
		u, drop, err := CreateDatabase(ctx)
		if err != nil {
			if requirePostgres() {
				t.Fatalf("PostgreSQL is required (IOP_REQUIRE_POSTGRES) but unavailable: %v", err)
			}
			t.Skipf("PostgreSQL unavailable, skipping: %v", err)
		}
		t.Cleanup(drop)
		o.DatabaseURL = u
	}
	o.MaxConns = 4
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatalf("opening %s test database: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating %s test database: %v", e, err)
	}
	return db
}

// DatabaseOptions returns store options for a fresh database on engine e
// without opening it, for tests that start the whole server.
func DatabaseOptions(t testing.TB, e store.Engine) (dataDir, databaseURL string) {
	t.Helper()
	if e == store.SQLite {
		return t.TempDir(), ""
	}
	u, drop, err := CreateDatabase(context.Background())
	if err != nil {
		if requirePostgres() {
			t.Fatalf("PostgreSQL is required (IOP_REQUIRE_POSTGRES) but unavailable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable, skipping: %v", err)
	}
	t.Cleanup(drop)
	return t.TempDir(), u
}

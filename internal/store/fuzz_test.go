package store_test

import (
	"context"
	"testing"

	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// FuzzSearchClients: whatever a person types into the search box, the query
// runs (no SQL error, no injection) and the page it returns fits the total.
func FuzzSearchClients(f *testing.F) {
	for _, seed := range []string{"", "lopez", "%", "_", `\`, "' OR 1=1 --", "Ma ri a", "1988-04-12", "５５５", "\x00", "a\"b"} {
		f.Add(seed)
	}
	db := testutil.OpenDB(f, store.SQLite)
	ctx := context.Background()
	for _, name := range [][2]string{{"Maria", "Lopez"}, {"Percent", "100%"}, {"Back", `Sla\sh`}} {
		if err := db.CreateClient(ctx, newClient(name[0], name[1]), rec("fuzz")); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		list, total, err := db.SearchClients(ctx, store.ClientQuery{Text: text, Limit: 10})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		if len(list) > total || total > 3 {
			t.Fatalf("search %q: %d shown of %d, with 3 clients", text, len(list), total)
		}
	})
}

package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestBothEnginesHaveTheSameSchema: the two migration folders must end in
// the same tables with the same columns, or a feature works on one engine
// and fails on the other.
func TestBothEnginesHaveTheSameSchema(t *testing.T) {
	schemas := map[store.Engine]map[string][]string{}
	for _, e := range testutil.Engines() {
		db := testutil.OpenDB(t, e)
		s, err := db.SchemaForTest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		schemas[e] = s
	}
	lite, pg := schemas[store.SQLite], schemas[store.Postgres]
	if len(lite) == 0 || len(pg) == 0 {
		t.Fatalf("empty schema: sqlite %d tables, postgres %d tables", len(lite), len(pg))
	}
	if !reflect.DeepEqual(lite, pg) {
		for table, cols := range lite {
			if !reflect.DeepEqual(cols, pg[table]) {
				t.Errorf("table %s: sqlite %v, postgres %v", table, cols, pg[table])
			}
		}
		for table := range pg {
			if _, ok := lite[table]; !ok {
				t.Errorf("table %s exists only on postgres", table)
			}
		}
	}
}

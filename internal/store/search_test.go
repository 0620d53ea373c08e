package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestClientSearchIndexMatchesScan checks that search through the trigram
// index finds exactly what the full scan of every client's text finds, on
// both engines, including after a client's names change and for words too
// short to have a trigram, wildcards and accented letters.
func TestClientSearchIndexMatchesScan(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		names := [][2]string{{"Maria", "Lopez"}, {"Mario", "López"}, {"Ana", "Lopezian"}, {"José", "Núñez"}, {"Li", "Wu"},
			{"James", "O'Connor"}, {"Percent", "Under_score%"}, {"Zoë", "Ångström"}, {"Pe", "Zlo"}, {"Lo", "Pez"}}
		var clients []*model.Client
		for _, n := range names {
			c := newClient(n[0], n[1])
			if err := db.CreateClient(ctx, c, rec("u1")); err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
		}
		// Renamed after creation: found by the new name only.
		renamed := clients[4]
		renamed.FirstName, renamed.LastName, renamed.PreferredName = "Lucía", "Fernández", "Lu"
		if err := db.UpdateClient(ctx, renamed, rec("u1")); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"lopez", "LOPEZ", "lópez", "lop", "pez", "lo", "l", "maria lopez", "mar lo", "núñez", "nunez",
			"wu", "li", "fernández", "lucía", "lu", "o'connor", "under_score%", "_", "%", "ångström", "zoë", "pezlo", "zlo",
			"555", "3125550142", "1988-04-12", clients[0].MRN, "example.org", "maria@example", "nobody", "a b c"} {
			want, err := db.SearchByScanForTest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			list, total, err := db.SearchClients(ctx, store.ClientQuery{Text: q, Status: store.StatusAny, Limit: 200})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			var got []string
			for _, c := range list {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("search %q: index found %v (total %d), the scan %v", q, got, total, want)
			}
		}
		// The old names are gone from the index.
		if list, _, _ := db.SearchClients(ctx, store.ClientQuery{Text: "wu", Status: store.StatusAny}); len(list) != 0 {
			t.Errorf("renamed client still found by the old name: %v", list)
		}
	})
}

// TestClientListPageSize: a list holds 50 clients unless asked for more, and
// at most 200 however many are asked for.
func TestClientListPageSize(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clients := make([]model.Client, 205)
		for i := range clients {
			clients[i] = *newClient(fmt.Sprintf("Client%03d", i), "Page")
			clients[i].ID = model.NewID()
		}
		if err := db.ImportClients(ctx, clients, nil, rec("u1")); err != nil {
			t.Fatal(err)
		}
		for limit, want := range map[int]int{0: 50, 60: 60, 200: 200, 1000: 200} {
			list, _, err := db.SearchClients(ctx, store.ClientQuery{Limit: limit})
			if err != nil || len(list) != want {
				t.Errorf("limit %d: %d clients (%v), want %d", limit, len(list), err, want)
			}
		}
	})
}

package store_test

import (
	"context"
	"testing"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestRelapsePlanVersionsByStaffAndClient(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		p := relapse.Plan{ClientID: c.ID, Triggers: []relapse.Cue{{Text: "Payday", Coping: "Card to my sister"}}}
		if err := db.SaveRelapsePlan(ctx, &relapse.Plan{ClientID: c.ID}, 0, relapse.AuthorStaff, u.ID, u.Name, rec(u.ID)); model.FieldsOf(err)["plan"] == "" {
			t.Fatalf("an empty plan: %v", err)
		}
		if err := db.SaveRelapsePlan(ctx, &p, 0, relapse.AuthorStaff, u.ID, u.Name, rec(u.ID)); err != nil || p.Version != 1 {
			t.Fatalf("first version: %v (version %d)", err, p.Version)
		}
		// The client adds a reason, from version 1: a first-class author.
		q := p
		q.Reasons = []string{"My kids"}
		if err := db.SaveRelapsePlan(ctx, &q, 1, relapse.AuthorClient, c.ID, "Ana Ruiz", rec(u.ID)); err != nil || q.Version != 2 {
			t.Fatalf("the client's version: %v", err)
		}
		// A save from the stale version 1 is refused, not merged over the client's words.
		stale := p
		stale.Reasons = []string{"Something else"}
		if err := db.SaveRelapsePlan(ctx, &stale, 1, relapse.AuthorStaff, u.ID, u.Name, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("a stale save: %v, want a conflict", err)
		}
		if err := db.SaveRelapsePlan(ctx, &relapse.Plan{ClientID: model.NewID(), Reasons: []string{"x"}}, 0, relapse.AuthorStaff, u.ID, u.Name, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a plan for no client: %v", err)
		}
		list, err := db.RelapsePlans(ctx, c.ID)
		if err != nil || len(list) != 2 || list[0].Version != 2 || list[0].AuthorKind != relapse.AuthorClient || list[1].AuthorName != u.Name {
			t.Fatalf("versions: %+v, %v", list, err)
		}
		if ch := relapse.Diff(list[1], list[0]); len(ch) != 1 || ch[0].Text != "My kids" {
			t.Fatalf("diff: %+v", ch)
		}
	})
}

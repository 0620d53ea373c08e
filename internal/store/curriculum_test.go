package store_test

import (
	"context"
	"testing"

	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestCurriculumKeepsItsOrderOnBothEngines(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		var ids []string
		for _, title := range []string{"Triggers", "Coping with cravings", "Sleep"} {
			x := curriculum.Topic{TrackID: track.ID, Title: title}
			if err := db.AddCurriculumTopic(ctx, &x, u.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}
		bad := curriculum.Topic{TrackID: track.ID, Title: "x"}
		if err := db.AddCurriculumTopic(ctx, &bad, u.ID, rec(u.ID)); model.FieldsOf(err)["title"] == "" {
			t.Fatalf("a one-letter topic: %v", err)
		}
		ghost := curriculum.Topic{TrackID: model.NewID(), Title: "Triggers"}
		if err := db.AddCurriculumTopic(ctx, &ghost, u.ID, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a topic for no track: %v", err)
		}
		if err := db.RemoveCurriculumTopic(ctx, track.ID, ids[0], rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		list, err := db.CurriculumTopics(ctx, track.ID)
		if err != nil || len(list) != 2 || list[0].Title != "Coping with cravings" || list[0].Position != 1 || list[1].Position != 2 {
			t.Fatalf("after removing the first: %+v, %v", list, err)
		}
		if err := db.RemoveCurriculumTopic(ctx, model.NewID(), ids[1], rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("removing through another track: %v", err)
		}
	})
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestGroupNoteSignedLockedAndCopiedPerClient(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, track, u := fixture(t, db)
		if err := db.SetCoSignRequired(ctx, prog.ID, true, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		director := model.User{Email: "director@example.org", Name: "Renee W", Role: model.RoleClinicalDirector, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &director, rec("system:test")); err != nil {
			t.Fatal(err)
		}
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		a, b := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		for _, c := range []*model.Client{a, b} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Enrol(ctx, mon.ID, c.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		day := model.Date{Year: 2026, Month: 11, Day: 9}
		if err := db.SaveAttendance(ctx, mon.ID, day, []intensity.Mark{{ClientID: a.ID, Status: intensity.Present}, {ClientID: b.ID, Status: intensity.Present}}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if pending, _ := db.PendingNotes(ctx, u.ID, day); len(pending) != 1 {
			t.Fatalf("pending notes %+v, want the meeting", pending)
		}
		attended := []string{a.ID, b.ID}
		n := notes.GroupNote{SeriesID: mon.ID, Date: day, Topic: "Triggers", Interventions: "Chain analysis", Sections: map[string]notes.Section{
			a.ID: {Participation: "Shared", Response: "Engaged", Progress: "Named triggers", Plan: "Practice"},
		}}
		if err := db.SaveGroupNote(ctx, &n, attended, true, u.ID, rec(u.ID)); model.FieldsOf(err)["section_"+b.ID] == "" {
			t.Fatalf("signing without Ben's section: %v", err)
		}
		if err := db.SaveGroupNote(ctx, &n, attended, false, u.ID, rec(u.ID)); err != nil {
			t.Fatalf("draft: %v", err)
		}
		n.Sections[b.ID] = notes.Section{Participation: "Quiet", Response: "Listened", Progress: "Attended all week", Plan: "Check in"}
		if err := db.SaveGroupNote(ctx, &n, attended, true, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveGroupNote(ctx, &n, attended, false, u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("editing a signed note: %v, want conflict", err)
		}
		if err := db.CoSign(ctx, n.ID, u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Errorf("the author co-signing: %v", err)
		}
		if err := db.CoSign(ctx, n.ID, director.ID, rec(director.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAddendum(ctx, n.ID, "Ana called after group; no concerns.", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GroupNote(ctx, mon.ID, day)
		if !got.Signed() || got.CoSignedName != "Renee W" || len(got.Addenda) != 1 || len(got.Sections) != 2 {
			t.Fatalf("note read back: %+v", got)
		}
		copies, _ := db.ClientGroupNotes(ctx, a.ID)
		if len(copies) != 1 || copies[0].Section.Participation != "Shared" || copies[0].Note.Topic != "Triggers" {
			t.Fatalf("Ana's copy: %+v", copies)
		}
		if pending, _ := db.PendingNotes(ctx, u.ID, day); len(pending) != 0 {
			t.Errorf("a signed note is still pending: %+v", pending)
		}
	})
}

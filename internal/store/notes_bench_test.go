package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// benchGroup makes a weekly group with ten clients enrolled.
func benchGroup(b *testing.B, db *store.DB) (schedule.Series, []string, string) {
	b.Helper()
	ctx := context.Background()
	_, track, u := fixture(b, db)
	s := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
	s.MaxCapacity = 12
	s.Recurrence.From = model.Date{Year: 2020, Month: 1, Day: 6}
	if err := db.CreateSeries(ctx, &s, rec(u.ID)); err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range 10 {
		c := newClient(fmt.Sprintf("Client%d", i), "Bench")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Enrol(ctx, s.ID, c.ID, rec(u.ID)); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return s, ids, u.ID
}

// BenchmarkSaveAttendance saves a group of ten's attendance, each
// iteration a different meeting, from parallel goroutines (the load of
// several facilitators at once). Reports ns per save.
func BenchmarkSaveAttendance(b *testing.B) {
	for _, e := range testutil.Engines() {
		b.Run(string(e), func(b *testing.B) {
			db := testutil.OpenDB(b, e)
			s, ids, by := benchGroup(b, db)
			var week atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					day := s.Recurrence.From.AddDays(7 * int(week.Add(1)))
					marks := make([]intensity.Mark, len(ids))
					for i, id := range ids {
						marks[i] = intensity.Mark{ClientID: id, Status: intensity.Present}
					}
					if err := db.SaveAttendance(context.Background(), s.ID, day, marks, by, rec(by)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkSaveGroupNote signs a group note with ten individual sections,
// each iteration a different meeting, from parallel goroutines.
func BenchmarkSaveGroupNote(b *testing.B) {
	for _, e := range testutil.Engines() {
		b.Run(string(e), func(b *testing.B) {
			db := testutil.OpenDB(b, e)
			s, ids, by := benchGroup(b, db)
			var week atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					day := s.Recurrence.From.AddDays(7 * int(week.Add(1)))
					n := notes.GroupNote{SeriesID: s.ID, Date: day, Topic: "Triggers", Interventions: "CBT chain analysis",
						Sections: map[string]notes.Section{}}
					for i, id := range ids {
						n.Sections[id] = notes.Section{Participation: fmt.Sprintf("Shared example %d", i), Response: "Engaged",
							Progress: "Objective 1", Plan: "Practice"}
					}
					if err := db.SaveGroupNote(context.Background(), &n, ids, true, by, rec(by)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

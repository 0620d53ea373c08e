package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestScheduleCommandProposesAndApplies(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args := dbArgs(t, e)
			if _, _, err := iop(t, "", append([]string{"demo", "--clients", "24", "--today", "2026-11-23"}, args...)...); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			o := store.Options{}
			if args[0] == "--data-dir" {
				o.DataDir = args[1]
			} else {
				o.DatabaseURL = args[1]
			}
			db, err := store.Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			sites, _ := db.Sites(ctx)
			monday, _ := builder.ParseWeek("2026-W49")
			cal, err := db.WeekCalendar(ctx, sites[0].ID, monday)
			if err != nil || len(cal.Clients) == 0 {
				t.Fatalf("%v %d", err, len(cal.Clients))
			}
			// One client with groups now works every weekday evening and weekend morning.
			var who builder.CalendarClient
			for _, c := range cal.Clients {
				if len(c.Enrolled) > 0 {
					who = c
					break
				}
			}
			var busy []schedule.Busy
			for d := time.Sunday; d <= time.Saturday; d++ {
				busy = append(busy, schedule.Busy{Day: d, From: 17 * 60, To: 22 * 60, Label: "Work"}, schedule.Busy{Day: d, From: 7 * 60, To: 13 * 60, Label: "Work"})
			}
			if err := db.SetAvailability(ctx, who.ID, schedule.Availability{Busy: busy}, audit.Record{At: time.Now(), ActorID: "system:test", ActorRole: "system"}); err != nil {
				t.Fatal(err)
			}
			before, _ := db.Enrolments(ctx, who.ID)

			out, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", "2026-W49"}, args...)...)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Week 2026-W49 at " + sites[0].Name, "Meeting their weekly minimum:", "Current enrolments kept:", "- leaves ", ", because it meets (", who.Name, "Short of their weekly minimum", "why: ", "Nothing was changed"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) != len(before) {
				t.Fatalf("without --apply the enrolments changed")
			}
			again, _, _ := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", "2026-W49"}, args...)...)
			if again != out {
				t.Errorf("two runs differ:\n%s\n---\n%s", out, again)
			}
			out, _, err = iop(t, "", append([]string{"schedule", "--site", sites[0].ID, "--week", "2026-W49", "--apply"}, args...)...)
			if err != nil || !strings.Contains(out, "Applied:") {
				t.Fatalf("%v\n%s", err, out)
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) == len(before) {
				t.Errorf("--apply left %s's %d enrolments as they were", who.Name, len(after))
			}
			for _, bad := range [][]string{{"--site", "Nowhere", "--week", "2026-W49"}, {"--site", sites[0].Name, "--week", "49"}, {"--week", "2026-W49"}} {
				if _, _, err := iop(t, "", append(append([]string{"schedule"}, bad...), args...)...); err == nil {
					t.Errorf("%v accepted", bad)
				}
			}
		})
	}
}

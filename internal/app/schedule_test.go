package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestScheduleCommandProposesAndApplies(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args := dbArgs(t, e)
			// The command plans on the real clock (no session in the past), so
			// the demo is of today and the week planned is next week.
			today := model.DateOf(time.Now())
			week := builder.WeekOf(today.AddDays(7))
			if _, _, err := iop(t, "", append([]string{"demo", "--clients", "24", "--today", today.String()}, args...)...); err != nil {
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
			monday, _ := builder.ParseWeek(week)
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

			out, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week}, args...)...)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Week " + week + " at " + sites[0].Name, "Meeting their weekly minimum:", "Current enrolments kept:", "- leaves ", ", because it meets (", who.Name, "Short of their weekly minimum", "why: ", "Nothing was changed",
				"* individual session with "} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) != len(before) {
				t.Fatalf("without --apply the enrolments changed")
			}
			loc, _ := time.LoadLocation(sites[0].TimeZone)
			inWeek := store.AppointmentFilter{From: time.Date(monday.Year, monday.Month, monday.Day, 0, 0, 0, 0, loc), To: time.Date(monday.Year, monday.Month, monday.Day+7, 0, 0, 0, 0, loc)}
			individual := func() map[string]string {
				list, err := db.Appointments(ctx, inWeek)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]string{}
				for _, a := range list {
					if a.Kind == "individual" && a.Note == "Planned by the schedule builder" {
						st := a.Start.In(loc)
						out[a.ClientName] = a.ClinicianName + ": " + builder.Span{Day: builder.Day((int(st.Weekday()) + 6) % 7), Start: st.Hour()*60 + st.Minute(), End: st.Hour()*60 + st.Minute() + 60}.String()
					}
				}
				return out
			}
			if n := len(individual()); n != 0 {
				t.Fatalf("without --apply %d sessions were booked", n)
			}
			// What if they were free again at those times: shown, not stored.
			var windows []string
			for _, d := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
				windows = append(windows, d+" 17:00-22:00", d+" 7:00 am-1:00 pm")
			}
			widen := who.Name + ": " + strings.Join(windows, "; ")
			whatIf, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--what-if-widen", widen}, args...)...)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"What if " + who.Name + " were also free Mon 5:00 pm-10:00 pm, Mon 7:00 am-1:00 pm", "meeting their weekly minimum:", who.Name + " would meet their weekly minimum.", "Nothing was changed: this only shows the effect."} {
				if !strings.Contains(whatIf, want) {
					t.Errorf("what-if output lacks %q:\n%s", want, whatIf)
				}
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) != len(before) {
				t.Fatalf("a what-if changed the enrolments")
			}
			for bad, want := range map[string]string{"Nobody Here: Tue 18:00-21:00": `no client "Nobody Here"`, who.Name + ": Tue 21:00-18:00": "ends before it starts",
				who.Name: "give a client and windows", who.Name + ": Tuesday evening": "is not a window"} {
				if _, stderr, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--what-if-widen", bad}, args...)...); err == nil || !strings.Contains(stderr+err.Error(), want) {
					t.Errorf("--what-if-widen %q: %v %s, want %q", bad, err, stderr, want)
				}
			}
			// What if a process group met at three times a client left short
			// is free: the command says what the engine says, and who gains.
			now, _ := db.WeekCalendar(ctx, sites[0].ID, monday)
			in := builder.FromCalendar(now)
			base, _ := builder.Solve(ctx, in, builder.WeekOptions(1))
			var track model.Track
			var meets []builder.Span
			for _, sh := range base.Short {
				i := slices.IndexFunc(in.Clients, func(c builder.Client) bool { return c.ID == sh.Client })
				for start := 7 * 60; start+180 <= 22*60 && len(meets) < 3; start += 60 {
					meets = meets[:0]
					for d := builder.Day(0); d < 7 && len(meets) < 3; d++ {
						sp := builder.Span{Day: d, Start: start, End: start + 180}
						if slices.ContainsFunc(in.Clients[i].Available, func(a builder.Span) bool { return sp.Within(a) }) {
							meets = append(meets, sp)
						}
					}
				}
				if len(meets) == 3 {
					track = now.Tracks[now.Clients[slices.IndexFunc(now.Clients, func(c builder.CalendarClient) bool { return c.ID == sh.Client })].TrackID]
					break
				}
			}
			if track.ID == "" {
				t.Fatalf("no client left short has three 3-hour windows to try a group in: %+v", base.Short)
			}
			g, _ := now.WhatIfGroup(track.ID, true, 10, meets)
			effect, err := builder.WhatIf(ctx, in, base, builder.Change{AddGroup: &g}, builder.WeekOptions(1))
			if err != nil || effect.Gained <= 0 {
				t.Fatalf("the group %s gains %d clients (%v): the test needs one that helps", g.When(), effect.Gained, err)
			}
			var times []string
			for _, m := range meets {
				times = append(times, m.Day.String()+" "+model.ClockTime(m.Start).String()+"-"+model.ClockTime(m.End).String())
			}
			group := track.Name + ", process, 10 seats: " + strings.Join(times, "; ")
			added, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--what-if-add-group", group}, args...)...)
			if err != nil {
				t.Fatal(err)
			}
			wants := []string{"What if a new " + track.Name + " process group with 10 seats met " + g.When() + ":",
				fmt.Sprintf("meeting their weekly minimum: %d of %d (now %d, %+d).", effect.Met, effect.Clients, base.Objective.Met, effect.Gained), "Nothing was changed: this only shows the effect."}
			for _, c := range in.Clients {
				if slices.Contains(effect.Newly, c.ID) {
					wants = append(wants, "would newly meet it: ", c.Name)
				}
			}
			for _, want := range wants {
				if !strings.Contains(added, want) {
					t.Errorf("add-group output lacks %q:\n%s", want, added)
				}
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) != len(before) {
				t.Fatalf("an add-group what-if changed the enrolments")
			}
			for bad, want := range map[string]string{"Nowhere, process: Mon 13:00-16:00": `no track "Nowhere" at this site (the tracks are: `,
				track.Name + ", twelve seats: Mon 13:00-16:00": `"twelve seats" is neither "process" nor a number of seats`,
				track.Name + ", -3 seats: Mon 13:00-16:00":     `"-3 seats" is neither`,
				track.Name:                       "give a track and meeting times",
				track.Name + ": Mon 16:00-13:00": "ends before it starts"} {
				if _, stderr, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--what-if-add-group", bad}, args...)...); err == nil || !strings.Contains(stderr+err.Error(), want) {
					t.Errorf("--what-if-add-group %q: %v %s, want %q", bad, err, stderr, want)
				}
			}
			if _, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--apply", "--what-if-add-group", group}, args...)...); err == nil || !strings.Contains(err.Error(), "run --apply without it") {
				t.Errorf("--apply with an add-group what-if: %v", err)
			}
			if _, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--apply", "--what-if-widen", widen}, args...)...); err == nil || !strings.Contains(err.Error(), "run --apply without it") {
				t.Errorf("--apply with a what-if: %v", err)
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) != len(before) {
				t.Fatalf("a refused what-if changed the enrolments")
			}
			again, _, _ := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week}, args...)...)
			if again != out {
				t.Errorf("two runs differ:\n%s\n---\n%s", out, again)
			}
			out, _, err = iop(t, "", append([]string{"schedule", "--site", sites[0].ID, "--week", week, "--apply"}, args...)...)
			if err != nil || !strings.Contains(out, "Applied:") {
				t.Fatalf("%v\n%s", err, out)
			}
			// Every session printed is booked, as printed.
			booked := individual()
			printed := 0
			var client string
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "    ") {
					client = strings.TrimSpace(line)
				}
				if counselor, when, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "* individual session with "), ": "); ok && strings.HasPrefix(strings.TrimSpace(line), "* individual session with ") {
					printed++
					when, _, _ = strings.Cut(when, " (")
					if got := booked[client]; got != counselor+": "+when {
						t.Errorf("%s: booked %q, printed %q", client, got, counselor+": "+when)
					}
				}
			}
			if printed == 0 || len(booked) != printed || !strings.Contains(out, fmt.Sprintf("%d individual sessions booked", printed)) {
				t.Errorf("printed %d sessions, booked %d:\n%s", printed, len(booked), out)
			}
			if after, _ := db.Enrolments(ctx, who.ID); len(after) == len(before) {
				t.Errorf("--apply left %s's %d enrolments as they were", who.Name, len(after))
			}
			// A second client with the same name: the name no longer says who.
			first, last, _ := strings.Cut(who.Name, " ")
			twin := &model.Client{FirstName: first, LastName: last, DateOfBirth: model.Date{Year: 1990, Month: 2, Day: 3}}
			sys := audit.Record{At: time.Now(), ActorID: "system:test", ActorRole: "system"}
			if err := db.CreateClient(ctx, twin, sys); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Admit(ctx, twin.ID, care.Admit{ProgramID: who.ProgramID, Level: model.IntensiveOutpatient, Date: today, CounselorID: who.CounselorID}, who.CounselorID, sys); err != nil {
				t.Fatal(err)
			}
			if _, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--what-if-widen", widen}, args...)...); err == nil || !strings.Contains(err.Error(), "2 clients this week are named") {
				t.Errorf("a what-if naming two clients: %v", err)
			}
			if _, _, err := iop(t, "", append([]string{"schedule", "--site", sites[0].Name, "--week", week, "--what-if-widen", who.ID + ": Mon 17:00-22:00"}, args...)...); err != nil {
				t.Errorf("a what-if by id: %v", err)
			}
			for _, bad := range [][]string{{"--site", "Nowhere", "--week", week}, {"--site", sites[0].Name, "--week", "49"}, {"--week", week}} {
				if _, _, err := iop(t, "", append(append([]string{"schedule"}, bad...), args...)...); err == nil {
					t.Errorf("%v accepted", bad)
				}
			}
		})
	}
}

package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/ical/icaltest"
	"github.com/openiop/openiop/internal/testutil"
)

// TestDirectorBuildsAnEveningTrack is the calendar's whole path: a director
// adds an evening track with three groups, a client who works days is
// enrolled and reaches 9 planned hours, an individual session is booked, a
// double booking of its room is refused with a message naming the clash,
// and the client's calendar feed parses in ical.js with the right events.
func TestDirectorBuildsAnEveningTrack(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
			chicago, _ := time.LoadLocation(demo.Organization.TimeZone)
			now := time.Now().In(chicago)
			nextTuesday := now.AddDate(0, 0, (int(time.Tuesday)-int(now.Weekday())+7)%7+7).Format("2006-01-02")

			// The track.
			do(t, ctx, chromedp.Navigate(base+"/program"), chromedp.WaitVisible(chromedp.CSS("h1")))
			adult := `[...document.querySelectorAll('details.add-track')].find(d => d.innerText.includes('Adult IOP'))`
			do(t, ctx, chromedp.Evaluate[chromedp.Void](adult+`.open = true`))
			form := adult + `.querySelector('form')`
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => { const f = `+form+`;
				f.name.value = 'Evening B'; f.kind.value = 'evening'; f.start.value = '18:00'; f.end.value = '21:00'; f.room.value = 'Group Room C';
				for (const d of ['1', '3', '4']) f.querySelector('input[name=days][value="' + d + '"]').checked = true; })()`))
			do(t, ctx, chromedp.Evaluate[chromedp.Void](adult+`.querySelector('form').id = 'add-adult-track'`))
			submit(t, ctx, `#add-adult-track button[type=submit]`)
			mustContain(t, ctx, "Evening B track", "The track was created", "Mon, Wed, Thu")

			// Three groups, one a day; a fourth that overlaps is refused by name.
			for _, g := range []struct{ title, typ, day string }{
				{"Process group", "process", "1"}, {"Relapse prevention", "relapse_prevention", "3"}, {"DBT skills", "skills", "4"}, {"Clash", "other", "3"},
			} {
				typeInto(t, ctx, "#title", g.title)
				selectText(t, ctx, "#type", map[string]string{"process": "Process group", "relapse_prevention": "Relapse-prevention group", "skills": "Skills group", "other": "Other"}[g.typ])
				check(t, ctx, `input[name="days"][value="`+g.day+`"]`)
				typeInto(t, ctx, "#start", "18:00")
				selectText(t, ctx, "#facilitator_id", "Jordan Lee")
				typeInto(t, ctx, "#room", "Group Room C")
				submit(t, ctx, `form[action$="/groups"] button[type=submit]`)
				if g.title == "Clash" {
					mustContain(t, ctx, `overlaps "Relapse prevention" (Wed 6:00 pm-9:00 pm) in the same track`)
					break
				}
				mustContain(t, ctx, "The group was added", g.title)
			}
			shot(t, ctx, string(e)+"-track")

			// A client in treatment who works days.
			chart := run(t, ctx, chromedp.Evaluate[string](`(async () => {
				const list = await (await fetch('/clients?status=active')).text();
				for (const m of list.matchAll(/href="(\/clients\/[0-9a-f-]{36})"/g)) {
					if ((await (await fetch(m[1])).text()).includes('Adult IOP')) return m[1];
				}
				return '';
			})()`, chromedp.EvalAwaitPromise))
			if chart == "" {
				t.Fatal("no adult client in treatment in the demo")
			}
			do(t, ctx, chromedp.Navigate(base+chart+"/schedule"), chromedp.WaitVisible(chromedp.ID("hours-title")))
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#avail-title').parentElement.querySelector('details').open = true`))
			for _, d := range []string{"1", "2", "3", "4", "5"} {
				check(t, ctx, `input[name="busy_days"][value="`+d+`"]`)
			}
			typeInto(t, ctx, "#busy_from", "08:00")
			typeInto(t, ctx, "#busy_to", "17:00")
			typeInto(t, ctx, "#busy_label", "Work")
			submit(t, ctx, `form[action$="/availability"] button[type=submit]`)
			mustContain(t, ctx, "Availability saved", "Mon 8:00 am-5:00 pm (Work)")
			// The client took a day job: out of their daytime groups, into Evening B.
			for run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('form[action$="/remove"]') !== null`)) {
				submit(t, ctx, `form[action$="/remove"] button`)
			}
			if h := run(t, ctx, chromedp.Text(chromedp.ID("planned-hours"))); h != "0" {
				t.Fatalf("planned hours after leaving every group: %q", h)
			}
			for _, g := range []string{"Process group", "Relapse prevention", "DBT skills"} {
				selectText(t, ctx, "#series_id", "Evening B · "+g)
				submit(t, ctx, `form[action$="/enrolments"] button[type=submit]`)
				mustContain(t, ctx, "The client was enrolled")
			}
			if h := run(t, ctx, chromedp.Text(chromedp.ID("planned-hours"))); h != "9" {
				t.Fatalf("planned hours %q, want 9", h)
			}
			mustContain(t, ctx, "meets the program minimum")

			// An individual session after work; then a clash in its room.
			book := func(start string) {
				selectText(t, ctx, "#kind", "Individual counseling")
				selectText(t, ctx, "#clinician_id", "Jordan Lee")
				do(t, ctx, chromedp.SetValue(chromedp.ID("date"), nextTuesday))
				typeInto(t, ctx, "#start", start)
				typeInto(t, ctx, "#room", "Office 2")
				submit(t, ctx, `form[action$="/appointments"] button[type=submit]`)
			}
			book("17:30")
			mustContain(t, ctx, "The appointment was booked", "Individual counseling with Jordan Lee")
			book("17:45")
			mustContain(t, ctx, "This cannot be booked", "is already booked then: Individual counseling 5:30 pm-6:20 pm")
			shot(t, ctx, string(e)+"-booking-refused")

			// The client's feed, read by a real iCalendar parser.
			submit(t, ctx, `form[action$="/calendar"] button[type=submit]`)
			feed := run(t, ctx, chromedp.Text(chromedp.ID("feed-url")))
			if !strings.HasSuffix(feed, ".ics") {
				t.Fatalf("feed address %q", feed)
			}
			resp, err := http.Get(base + feed[strings.Index(feed, "/calendar/"):])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			events := icaltest.Parse(t, body)
			seen := map[string]int{}
			booked := 0
			for _, ev := range events {
				seen[ev.Summary]++
				if ev.Summary == "Individual counseling with Jordan Lee" && ev.Start.In(chicago).Format("2006-01-02 15:04") == nextTuesday+" 17:30" {
					booked++
				}
			}
			if booked != 1 {
				t.Errorf("the feed has %d individual sessions with Jordan Lee on %s at 17:30, want the one booked", booked, nextTuesday)
			}
			for _, want := range []string{"Process group", "Relapse prevention", "DBT skills", "Individual counseling with Jordan Lee"} {
				if seen[want] == 0 {
					t.Errorf("the feed lacks %q (it has %v)", want, seen)
				}
			}
			if seen["Clash"] > 0 {
				t.Error("the refused group is in the feed")
			}
		})
	}
}

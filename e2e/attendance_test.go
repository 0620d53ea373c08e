package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestAttendanceOnAPhone takes attendance for a demo group of ten from a
// phone (one client late, one on telehealth, the rest present), writes the
// group's note with ten individual sections at a desk, is warned about two
// near-identical sections, signs, and checks that a chart shows only its own
// section. Then one client misses their two latest meetings: their week and
// an alert say so.
func TestAttendanceOnAPhone(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))

	// Last week's meetings, which have surely taken place.
	chicago, _ := time.LoadLocation(demo.Organization.TimeZone)
	now := time.Now().In(chicago)
	monday := now.AddDate(0, 0, -((int(now.Weekday())+6)%7)-7)
	do(t, ctx, chromedp.Navigate(base+"/schedule?date="+monday.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(".week")))
	links := func(day int) []string {
		return run(t, ctx, chromedp.Evaluate[[]string](`[...[...document.querySelectorAll('.day')][`+itoa(day)+`].querySelectorAll('a[href*="/attendance?date="]')].map(a => a.getAttribute('href'))`))
	}
	mondays := links(0)
	if len(mondays) == 0 {
		t.Fatal("the week view offers no attendance link for Monday's group")
	}
	do(t, ctx, chromedp.Navigate(base+mondays[0]), chromedp.WaitVisible(chromedp.CSS(".roster")))
	ids := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input[name=client]')].map(i => i.value)`))
	if len(ids) < 10 {
		t.Fatalf("the group has %d clients, want 10 or more", len(ids))
	}
	ids = ids[:10]
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-attendance")
	for _, id := range ids {
		check(t, ctx, `input[name="status_`+id+`"][value="present"]`)
	}
	check(t, ctx, `input[name="status_`+ids[0]+`"][value="late"]`)
	typeInto(t, ctx, `input[name="late_`+ids[0]+`"]`, "20")
	check(t, ctx, `input[name="tele_`+ids[2]+`"]`)
	submit(t, ctx, `.sticky-actions button`)
	mustContain(t, ctx, "Attendance saved")
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name="late_`+ids[0]+`"]').value`)); v != "20" {
		t.Errorf("the late client's minutes read back %q", v)
	}
	// Minutes late beyond the session are refused, and nothing changes.
	check(t, ctx, `input[name="status_`+ids[3]+`"][value="late"]`)
	typeInto(t, ctx, `input[name="late_`+ids[3]+`"]`, "900")
	submit(t, ctx, `.sticky-actions button`)
	mustContain(t, ctx, "Please correct 1 field", "minutes late, from 1 to")
	if !strings.Contains(run(t, ctx, chromedp.Location()), "/attendance?date=") {
		t.Error("the refused form left the attendance screen")
	}

	// The group note, at a desk: written once, a section for each of the ten.
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	submit(t, ctx, `a[href*="/note?date="]`)
	names := map[string]string{}
	for _, id := range ids {
		names[id] = run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#section_`+id+` h2').firstChild.textContent.trim()`))
	}
	setValue(t, ctx, "#topic", "Handling cravings at work")
	setValue(t, ctx, "#interventions", "Urge surfing; CBT chain analysis of a recent craving")
	setValue(t, ctx, "#dynamics", "Cohesive; two members welcomed a newcomer.")
	moods := []string{"calm", "tired", "animated", "guarded", "hopeful", "restless", "quiet", "talkative", "tearful", "focused"}
	wrote := map[string]string{} // each client's participation, to find on their chart
	for i, id := range ids {
		wrote[id] = fmt.Sprintf("Arrived %s; spoke %d times about %s.", moods[i], i+1, []string{"a craving at work", "a weekend party", "a conflict at home", "boredom in the evenings", "payday", "an old friend calling", "a job interview", "poor sleep", "a family visit", "a court date"}[i])
		setValue(t, ctx, "#participation_"+id, wrote[id])
		setValue(t, ctx, "#response_"+id, fmt.Sprintf("Practised urge surfing; rated the craving %d then %d out of 10.", 8-i%4, 4-i%3))
		setValue(t, ctx, "#progress_"+id, fmt.Sprintf("Objective %d of the plan: named %d triggers so far.", 1+i%3, 2+i))
		setValue(t, ctx, "#plan_"+id, fmt.Sprintf("Log cravings daily; review with counselor on day %d.", i+2))
	}
	// Two sections copied from one client to another.
	same := "Participated actively and described a craving at work, then practiced urge surfing with the group and said it helped."
	for _, id := range ids[3:5] {
		wrote[id] = same
		setValue(t, ctx, "#participation_"+id, same)
		setValue(t, ctx, "#response_"+id, "Engaged throughout and asked for the handout.")
		setValue(t, ctx, "#progress_"+id, "Objective 2 of the plan: progressing.")
		setValue(t, ctx, "#plan_"+id, "Practice urge surfing daily.")
	}
	shot(t, ctx, "desktop-group-note")
	submit(t, ctx, `button[value="sign"]`)
	mustContain(t, ctx, "Some individual sections are nearly the same")
	warned := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#similar').innerText`))
	if !strings.Contains(warned, names[ids[3]]) || !strings.Contains(warned, names[ids[4]]) || strings.Contains(warned, names[ids[0]]) {
		t.Fatalf("the warning should name the two copied sections:\n%s", warned)
	}
	wrote[ids[4]] = "Said little until the chain analysis, then traced Friday's craving to an argument with a supervisor."
	setValue(t, ctx, "#participation_"+ids[4], wrote[ids[4]])
	setValue(t, ctx, "#plan_"+ids[4], "Rehearse asking the supervisor for a short break; role-play next group.")
	submit(t, ctx, `button[value="sign"]`)
	mustContain(t, ctx, "The note is signed and locked")

	// Each chart shows its client's copy: the shared part and their own section only.
	for _, id := range ids {
		do(t, ctx, chromedp.Navigate(base+"/clients/"+id), chromedp.WaitVisible(chromedp.CSS(".note-copy")))
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details.note-copy').forEach(d => d.open = true)`))
		chart := text(t, ctx)
		if !strings.Contains(chart, "Handling cravings at work") || !strings.Contains(chart, wrote[id]) {
			t.Errorf("the chart of %s lacks its own copy of the note", names[id])
		}
		for _, other := range ids {
			if other == id {
				continue
			}
			if strings.Contains(chart, names[other]) {
				t.Errorf("the chart of %s shows %s", names[id], names[other])
			}
			if wrote[other] != wrote[id] && strings.Contains(chart, wrote[other]) {
				t.Errorf("the chart of %s shows %s's section", names[id], names[other])
			}
		}
	}

	// The second client misses their two latest meetings, unexcused (the
	// demo has recorded everything before today).
	missed := ids[1]
	var misses []time.Time
	for back := 1; back <= 14 && len(misses) < 2; back++ {
		day := now.AddDate(0, 0, -back)
		weekStart := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		do(t, ctx, chromedp.Navigate(base+"/schedule?date="+weekStart.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(".week")))
		for _, link := range links((int(day.Weekday()) + 6) % 7) {
			do(t, ctx, chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.CSS(".roster")))
			if run(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector('input[name="status_`+missed+`"]')`)) {
				check(t, ctx, `input[name="status_`+missed+`"][value="absent_unexcused"]`)
				submit(t, ctx, `.sticky-actions button`)
				mustContain(t, ctx, "Attendance saved")
				misses = append(misses, day)
				break
			}
		}
	}
	if len(misses) < 2 {
		t.Fatalf("%s has %d meetings in the last two weeks", names[missed], len(misses))
	}
	// The week of the latest miss: at least those hours are lost, and the alert says so.
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	do(t, ctx, chromedp.Navigate(base+"/clients/"+missed+"/schedule?week="+misses[0].Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS("#week-title")))
	mustContain(t, ctx, "unexcused absences in a row")
	lost := 3.0
	if misses[0].AddDate(0, 0, -((int(misses[0].Weekday()) + 6) % 7)).Equal(misses[1].AddDate(0, 0, -((int(misses[1].Weekday()) + 6) % 7))) {
		lost = 6
	}
	attended, err := strconv.ParseFloat(run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#attended-hours').textContent`)), 64)
	if err != nil || attended > 9-lost {
		t.Errorf("the week of the misses shows %v hours attended, want at most %v", attended, 9-lost)
	}
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-client-week")
}

// setValue fills a field the way a paste would, quicker than typing.
func setValue(t *testing.T, ctx context.Context, sel, v string) {
	t.Helper()
	ok := run(t, ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector(`+jsString(sel)+`); if (!el) return false; el.value = `+jsString(v)+`; return true; })()`))
	if !ok {
		failShot(t, ctx)
		t.Fatalf("no field %s", sel)
	}
}

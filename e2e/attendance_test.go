package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestAttendanceOnAPhone takes attendance for a demo group of ten from a
// phone: one client late, one absent, the rest present, then checks what
// was saved.
func TestAttendanceOnAPhone(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))

	// The clinician's Monday morning group this week.
	chicago, _ := time.LoadLocation(demo.Organization.TimeZone)
	now := time.Now().In(chicago)
	monday := now.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7)).Format("2006-01-02")
	do(t, ctx, chromedp.Navigate(base+"/schedule?date="+monday), chromedp.WaitVisible(chromedp.CSS(".week")))
	link := run(t, ctx, chromedp.Evaluate[string](`(() => { const a = [...document.querySelectorAll('.day')][0].querySelector('a[href*="/attendance?date="]'); return a ? a.getAttribute('href') : ''; })()`))
	if link == "" {
		t.Fatal("the week view offers no attendance link for Monday's group")
	}
	do(t, ctx, chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.CSS(".roster")))
	ids := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input[name=client]')].map(i => i.value)`))
	if len(ids) < 10 {
		t.Fatalf("the group has %d clients, want 10 or more", len(ids))
	}
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-attendance")
	check(t, ctx, `input[name="status_`+ids[0]+`"][value="late"]`)
	typeInto(t, ctx, `input[name="late_`+ids[0]+`"]`, "20")
	check(t, ctx, `input[name="status_`+ids[1]+`"][value="absent_unexcused"]`)
	check(t, ctx, `input[name="tele_`+ids[2]+`"]`)
	submit(t, ctx, `.sticky-actions button`)
	mustContain(t, ctx, "Attendance saved")
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.badge-ok').length`)); n != len(ids) {
		t.Errorf("%d of %d clients marked taken", n, len(ids))
	}
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name="late_`+ids[0]+`"]').value`)); v != "20" {
		t.Errorf("the late client's minutes read back %q", v)
	}
	if !run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="status_`+ids[1]+`"][value="absent_unexcused"]').checked`)) {
		t.Error("the absent client is not marked absent after saving")
	}
	// Minutes late beyond the session are refused, and nothing changes.
	check(t, ctx, `input[name="status_`+ids[3]+`"][value="late"]`)
	typeInto(t, ctx, `input[name="late_`+ids[3]+`"]`, "900")
	submit(t, ctx, `.sticky-actions button`)
	mustContain(t, ctx, "Please correct 1 field", "minutes late, from 1 to")
	if !strings.Contains(run(t, ctx, chromedp.Location()), "/attendance?date=") {
		t.Error("the refused form left the attendance screen")
	}
}

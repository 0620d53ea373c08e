package web_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/testutil"
)

func TestCounselingHoursPage(t *testing.T) {
	for _, engine := range testutil.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			me, err := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
			if err != nil {
				t.Fatal(err)
			}
			users, _ := e.db.Users(ctx)
			var other model.User
			for _, u := range users {
				if u.Role == model.RoleClinician && u.ID != me.ID {
					other = u
					break
				}
			}
			sites, _ := e.db.Sites(ctx)
			site := sites[0].ID
			hoursOf := func(id string) schedule.CounselingHours {
				h, err := e.db.CounselingHours(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return h
			}
			mine, theirs := hoursOf(me.ID), hoursOf(other.ID)
			if len(mine.Windows) == 0 || len(theirs.Windows) == 0 {
				t.Fatalf("the demo clinicians have no counseling hours: %+v %+v", mine, theirs)
			}
			rows := func(user string, caseload string, windows ...[4]string) url.Values {
				v := url.Values{"user": {user}, "caseload": {caseload}, "rows": {"4"}}
				for i, w := range windows {
					n := string(rune('1' + i))
					v.Set("day_"+n, w[0])
					v.Set("from_"+n, w[1])
					v.Set("to_"+n, w[2])
					v.Set("room_"+n, w[3])
					v.Set("site_"+n, site)
				}
				return v
			}

			// Front desk: not theirs to see or change.
			desk := e.signIn(model.RoleFrontDesk)
			if r := e.get(desk, "/account/counseling-hours"); r.StatusCode != http.StatusForbidden {
				t.Errorf("front desk opened counseling hours: %d", r.StatusCode)
			}
			if r := e.post(desk, "/account/counseling-hours", rows(me.ID, "5", [4]string{"1", "09:00", "12:00", "Office 1"})); r.StatusCode != http.StatusForbidden {
				t.Errorf("front desk saved counseling hours: %d", r.StatusCode)
			}

			c := e.signIn(model.RoleClinician)
			page := e.get(c, "/account/counseling-hours")
			if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Your counseling hours") || !strings.Contains(page.Body, `value="`+mine.Windows[0].Room+`"`) {
				t.Fatalf("own hours page: %d\n%s", page.StatusCode, page.Body)
			}
			// Bad times: named, nothing saved.
			head := e.auditHead()
			for name, c2 := range map[string]struct {
				form url.Values
				says string
			}{
				"end before start": {rows(me.ID, "12", [4]string{"2", "15:00", "13:00", "Office 7"}), "the end time must be after the start time"},
				"overlap": {rows(me.ID, "12", [4]string{"2", "13:00", "16:00", "Office 7"}, [4]string{"2", "15:00", "17:00", "Office 7"}),
					"Tue 3:00 pm-5:00 pm overlaps Tue 1:00 pm-4:00 pm"},
				"not a time": {rows(me.ID, "12", [4]string{"2", "1pm", "16:00", "Office 7"}), "Enter the times as HH:MM"},
				"caseload":   {rows(me.ID, "lots", [4]string{"2", "13:00", "16:00", "Office 7"}), "as a whole number"},
				"unknown site": {func() url.Values {
					v := rows(me.ID, "12", [4]string{"", "", "", ""}, [4]string{"2", "13:00", "16:00", "Office 7"})
					v.Set("site_2", "01aaaaaa-0000-7000-8000-000000000000")
					return v
				}(), `<span class="error" id="window_1-error">Tue 1:00 pm-4:00 pm: choose one of the sites.</span>`},
			} {
				r := e.post(c, "/account/counseling-hours", c2.form)
				if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c2.says) {
					t.Errorf("%s: %d, want 422 saying %q", name, r.StatusCode, c2.says)
				}
			}
			if got := hoursOf(me.ID); !reflect.DeepEqual(got, mine) {
				t.Errorf("refused hours were saved: %+v", got)
			}
			if n := len(e.auditSince(head)); n != 0 {
				t.Errorf("refused hours left %d audit records", n)
			}
			// Good hours: saved, audited as a staff change.
			r := e.post(c, "/account/counseling-hours", rows(me.ID, "12", [4]string{"2", "13:00", "16:00", "Office 7"}, [4]string{"4", "09:00", "11:30", "Office 7"}))
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("saving: %d %s", r.StatusCode, r.Body)
			}
			want := schedule.CounselingHours{Caseload: 12, Windows: []schedule.CounselingWindow{
				{SiteID: site, Day: time.Tuesday, From: 13 * 60, To: 16 * 60, Room: "Office 7"},
				{SiteID: site, Day: time.Thursday, From: 9 * 60, To: 11*60 + 30, Room: "Office 7"}}}
			if got := hoursOf(me.ID); !reflect.DeepEqual(got, want) {
				t.Errorf("saved %+v, want %+v", got, want)
			}
			recs := e.auditSince(head)
			if len(recs) != 1 || recs[0].Category != "user.counseling_hours" || recs[0].EntityID != me.ID || recs[0].ClientID != "" || recs[0].ActorID != me.ID {
				t.Errorf("audit of the change: %+v", recs)
			}
			// Another clinician's hours: neither shown nor changed.
			if r := e.get(c, "/account/counseling-hours?user="+other.ID); r.StatusCode != http.StatusForbidden {
				t.Errorf("a clinician opened another's hours: %d", r.StatusCode)
			}
			if r := e.post(c, "/account/counseling-hours", rows(other.ID, "1", [4]string{"1", "09:00", "10:00", "Office 7"})); r.StatusCode != http.StatusForbidden {
				t.Errorf("a clinician changed another's hours: %d", r.StatusCode)
			}
			if got := hoursOf(other.ID); !reflect.DeepEqual(got, theirs) {
				t.Errorf("another clinician's hours changed: %+v", got)
			}
			// The clinical director may edit anyone's.
			director := e.signIn(model.RoleClinicalDirector)
			if r := e.get(director, "/account/counseling-hours?user="+other.ID); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Counseling hours of "+other.Name) {
				t.Errorf("the director opening a clinician's hours: %d", r.StatusCode)
			}
			if r := e.post(director, "/account/counseling-hours", rows(other.ID, "9", [4]string{"5", "09:00", "12:00", "Office 3"})); r.StatusCode != http.StatusSeeOther ||
				!strings.Contains(r.Header.Get("Location"), "user="+other.ID) {
				t.Errorf("the director saving a clinician's hours: %d", r.StatusCode)
			}
			if got := hoursOf(other.ID); got.Caseload != 9 || len(got.Windows) != 1 || got.Windows[0].Day != time.Friday {
				t.Errorf("after the director's change: %+v", got)
			}
			// The program's individual sessions a week, on the accountability form.
			progs, _ := e.db.Programs(ctx)
			p := progs[0]
			settings := url.Values{"min_weekly_hours": {"9"}, "absence_alerts": {"2"}, "idle_alert_days": {"7"}, "per_diem_hours": {"3"}, "auth_alert_units": {"3"}, "auth_alert_days": {"5"}}
			settings.Set("individual_sessions", "8")
			if r := e.post(director, "/program/"+p.ID+"/accountability", settings); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "from 0 (none) to 7") {
				t.Errorf("8 sessions a week: %d", r.StatusCode)
			}
			settings.Set("individual_sessions", "2")
			if r := e.post(director, "/program/"+p.ID+"/accountability", settings); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("saving 2 sessions a week: %d", r.StatusCode)
			}
			if got, _ := e.db.Program(ctx, p.ID); got.IndividualSessions != 2 {
				t.Errorf("individual sessions %d, want 2", got.IndividualSessions)
			}
			if page := e.get(director, "/program").Body; !strings.Contains(page, "2 individual sessions a week") {
				t.Error("the program page does not show the sessions a week")
			}
		})
	}
}

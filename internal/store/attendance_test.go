package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestAttendanceIsAllOrNothing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		in, out := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		for _, c := range []*model.Client{in, out} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Enrol(ctx, mon.ID, in.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.Date{Year: 2026, Month: 11, Day: 9}
		bad := []intensity.Mark{{ClientID: in.ID, Status: intensity.Late, Late: 200}, {ClientID: out.ID, Status: intensity.Present}}
		err := db.SaveAttendance(ctx, mon.ID, day, bad, u.ID, rec(u.ID))
		p := model.FieldsOf(err)
		if !strings.Contains(p[in.ID], "from 1 to 179") || !strings.Contains(p[out.ID], "not enrolled") {
			t.Fatalf("problems %v", p)
		}
		if got, _ := db.Attendance(ctx, mon.ID, day); len(got) != 0 {
			t.Fatalf("a refused save stored %v", got)
		}
		if err := db.SaveAttendance(ctx, mon.ID, model.Date{Year: 2026, Month: 11, Day: 10}, []intensity.Mark{{ClientID: in.ID, Status: intensity.Present}}, u.ID, rec(u.ID)); model.FieldsOf(err)["date"] == "" {
			t.Errorf("attendance on a day the group does not meet: %v", err)
		}
		for _, s := range []intensity.Status{intensity.Late, intensity.Present} { // a correction replaces the first mark
			m := []intensity.Mark{{ClientID: in.ID, Status: s, Late: 15, Telehealth: true}}
			if err := db.SaveAttendance(ctx, mon.ID, day, m, u.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := db.Attendance(ctx, mon.ID, day)
		if m := got[in.ID]; m.Status != intensity.Present || m.Minutes != 180 || !m.Telehealth || m.Late != 0 {
			t.Fatalf("attendance read back %+v", m)
		}
		services, _ := db.GroupServices(ctx, day, day)
		if len(services) != 1 || services[0].Minutes != 180 || services[0].What != "group:process (telehealth)" {
			t.Fatalf("services %+v", services)
		}
	})
}

func TestCheckInsByCodeAndAtTheDesk(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		a, b, outsider := newClient("Ana", "Ruiz"), newClient("Ben", "Cole"), newClient("Cara", "Ruiz")
		for _, c := range []*model.Client{a, b, outsider} {
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []*model.Client{a, b} {
			if _, err := db.Enrol(ctx, mon.ID, c.ID, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		day := model.Date{Year: 2026, Month: 11, Day: 9}
		code, err := db.MeetingCode(ctx, mon.ID, day)
		if err != nil || len(code) != intensity.CodeLength {
			t.Fatalf("code %q: %v", code, err)
		}
		if again, _ := db.MeetingCode(ctx, mon.ID, day); again != code {
			t.Fatalf("the meeting's code changed: %q then %q", code, again)
		}
		if got, err := db.MeetingsForCode(ctx, code, day.AddDays(-3), day.AddDays(3)); err != nil || len(got) != 1 || got[0].SeriesID != mon.ID || got[0].Date != day {
			t.Fatalf("meeting for the code: %+v %v", got, err)
		}
		if got, _ := db.MeetingsForCode(ctx, code, day.AddDays(1), day.AddDays(7)); len(got) != 0 {
			t.Fatalf("the code outside its dates: %+v", got)
		}
		born := a.DateOfBirth
		// Cara has the same name and birthday but is not in the group.
		if err := db.KioskCheckIn(ctx, mon.ID, day, "ruiz ", born, rec("kiosk")); err != nil {
			t.Fatalf("Ana at the kiosk: %v", err)
		}
		if err := db.KioskCheckIn(ctx, mon.ID, day, "Ruiz", born.AddDays(1), rec("kiosk")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a wrong birthday: %v", err)
		}
		if err := db.DeskCheckIn(ctx, mon.ID, day, outsider.ID, u.ID, rec(u.ID)); model.FieldsOf(err)["client_id"] == "" {
			t.Fatalf("checking in someone not in the group: %v", err)
		}
		if err := db.DeskCheckIn(ctx, mon.ID, day, b.ID, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		first, _ := db.CheckIns(ctx, mon.ID, day)
		if err := db.KioskCheckIn(ctx, mon.ID, day, "Ruiz", born, rec("kiosk")); err != nil {
			t.Fatalf("checking in twice: %v", err)
		}
		got, err := db.CheckIns(ctx, mon.ID, day)
		if err != nil || len(got) != 2 || got[a.ID].Via != intensity.ViaKiosk || got[b.ID].Via != intensity.ViaDesk || got[b.ID].ByName != "Dana Reyes" ||
			!got[a.ID].At.Equal(first[a.ID].At) {
			t.Fatalf("check-ins %+v %v", got, err)
		}
	})
}

func TestProgramAccountabilityReadsBackAndDrivesThePerDiem(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		if prog.Accountability != model.DefaultAccountability {
			t.Fatalf("a new program's accountability %+v, want the defaults", prog.Accountability)
		}
		bad := model.Accountability{AbsenceAlerts: 0, IdleAlertDays: 7, PerDiemMinutes: 180}
		if err := db.SetAccountability(ctx, prog.ID, 540, bad, rec(u.ID)); model.FieldsOf(err)["absence_alerts"] == "" {
			t.Fatalf("0 absences: %v", err)
		}
		want := model.Accountability{AbsenceAlerts: 3, IdleAlertDays: 10, PerDiemMinutes: 150, CoSignRequired: true}
		if err := db.SetAccountability(ctx, prog.ID, 600, want, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Program(ctx, prog.ID)
		if err != nil || got.Accountability != want || got.MinWeeklyMinutes != 600 {
			t.Fatalf("program read back %+v %v", got, err)
		}
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.Date{Year: 2026, Month: 11, Day: 2}
		if _, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day, CounselorID: u.ID}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		spans, err := db.PerDiemSpans(ctx, day.AddDays(7), day.AddDays(13))
		if err != nil || intensity.PerDiemOn(spans[c.ID], day.AddDays(8)) != 150 || intensity.PerDiemOn(spans[c.ID], day.AddDays(-1)) != 0 {
			t.Fatalf("per-diem rules %v %v", spans, err)
		}
		if before, _ := db.PerDiemSpans(ctx, day.AddDays(-14), day.AddDays(-1)); len(before) != 0 {
			t.Fatalf("rules before the admission: %v", before)
		}
	})
}

func TestPerDiemFollowsTheEpisodeInCareThatDay(t *testing.T) {
	d := func(day int) model.Date { return model.Date{Year: 2026, Month: 11, Day: day} }
	// Discharged from a 3-hour program on the 10th, readmitted to a 2-hour one on the 12th.
	spans := []intensity.PerDiemSpan{{From: d(1), To: d(10), Minutes: 180}, {From: d(12), Minutes: 120}}
	for day, want := range map[int]int{1: 180, 10: 180, 11: 0, 12: 120, 30: 120} {
		if got := intensity.PerDiemOn(spans, d(day)); got != want {
			t.Errorf("the %dth: %d, want %d", day, got, want)
		}
	}
}

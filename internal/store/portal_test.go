package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestPortalInvitationOpensOneAccountOnce(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		c, other := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		for _, cl := range []*model.Client{c, other} {
			if err := db.CreateClient(ctx, cl, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		expires := time.Now().Add(portal.InviteLifetime)
		first := auth.HashToken("FIRST")
		if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: c.ID, ByID: u.ID, CodeHash: first, Expires: expires}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		// Inviting again before acceptance replaces the code.
		second := auth.HashToken("SECOND")
		a, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: c.ID, ByID: u.ID, CodeHash: second, Expires: expires}, rec(u.ID))
		if err != nil || a.Status(time.Now()) != "invited" {
			t.Fatalf("second invitation: %+v, %v", a, err)
		}
		if _, err := db.PortalInvitation(ctx, first); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("the replaced code still opens an invitation: %v", err)
		}
		if _, err := db.AcceptPortalInvite(ctx, first, "ana", "hash", rec("anonymous")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("accepting with the replaced code: %v, want not found", err)
		}
		got, err := db.AcceptPortalInvite(ctx, second, " Ana.Ruiz ", "hash-1", rec("anonymous"))
		if err != nil || got.ClientID != c.ID || got.Login != "ana.ruiz" || got.Status(time.Now()) != "active" {
			t.Fatalf("accept: %+v, %v", got, err)
		}
		if _, err := db.AcceptPortalInvite(ctx, second, "ana2", "hash-2", rec("anonymous")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a spent code was accepted again: %v", err)
		}
		// The sign-in name is the client's alone.
		code := auth.HashToken("OTHER")
		if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: other.ID, ByID: u.ID, CodeHash: code, Expires: expires}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AcceptPortalInvite(ctx, code, "ANA.RUIZ", "h", rec("anonymous")); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("a taken sign-in name: %v, want invalid", err)
		}
		// In use, only a reset issues a new code; it ends sessions and the password.
		if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: c.ID, ByID: u.ID, CodeHash: auth.HashToken("X"), Expires: expires}, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("inviting a client already in the portal: %v, want conflict", err)
		}
		acct, hash, err := db.PortalAccountByLogin(ctx, "ana.ruiz")
		if err != nil || hash != "hash-1" || acct.ID != got.ID {
			t.Fatalf("by login: %+v %q %v", acct, hash, err)
		}
		now := time.Now()
		if err := db.CreatePortalSession(ctx, store.PortalSession{TokenHash: "tok", Account: acct, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, "", rec("portal:"+acct.ID)); err != nil {
			t.Fatal(err)
		}
		if s, err := db.PortalSessionByToken(ctx, "tok"); err != nil || s.Account.ClientID != c.ID {
			t.Fatalf("session: %+v, %v", s, err)
		}
		if _, err := db.Session(ctx, "tok"); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a portal token was found as a staff session: %v", err)
		}
		reset := auth.HashToken("RESET")
		if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: c.ID, ByID: u.ID, CodeHash: reset, Expires: expires, Reset: true}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PortalSessionByToken(ctx, "tok"); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("the session outlived a reset: %v", err)
		}
		if _, _, err := db.PortalAccountByLogin(ctx, "ana.ruiz"); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("the old password still signs in after a reset: %v", err)
		}
		if _, err := db.AcceptPortalInvite(ctx, reset, "ana.ruiz", "hash-3", rec("anonymous")); err != nil {
			t.Fatalf("the client keeps their sign-in name across a reset: %v", err)
		}
		if err := db.ClosePortalAccess(ctx, c.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClientPortalAccount(ctx, c.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a closed account is still open: %v", err)
		}
		// A new invitation after closing opens a new account.
		if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: c.ID, ByID: u.ID, CodeHash: auth.HashToken("NEW"), Expires: expires}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		// An expired code opens nothing.
		late := auth.HashToken("LATE")
		if _, err := db.InviteToPortal(ctx, store.PortalInvite{ClientID: other.ID, ByID: u.ID, CodeHash: late, Expires: time.Now().Add(-time.Minute)}, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AcceptPortalInvite(ctx, late, "ben", "h", rec("anonymous")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("an expired code was accepted: %v", err)
		}
	})
}

func TestDailyCheckInOncePerDay(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.Date{Year: 2026, Month: 11, Day: 23}
		bad := &portal.CheckIn{ClientID: c.ID, Day: day, Craving: 11, Mood: 5}
		if err := db.SaveDailyCheckIn(ctx, bad, rec("portal:x")); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("craving 11: %v, want invalid", err)
		}
		ci := &portal.CheckIn{ClientID: c.ID, Day: day, Craving: 7, Mood: 4, Used: true, Note: " a hard evening "}
		if err := db.SaveDailyCheckIn(ctx, ci, rec("portal:x")); err != nil {
			t.Fatal(err)
		}
		again := &portal.CheckIn{ClientID: c.ID, Day: day, Craving: 1, Mood: 9}
		if err := db.SaveDailyCheckIn(ctx, again, rec("portal:x")); model.KindOf(err) != model.KindConflict {
			t.Fatalf("a second check-in the same day: %v, want conflict", err)
		}
		got, err := db.DailyCheckIns(ctx, c.ID, day.AddDays(-7))
		if err != nil || len(got) != 1 || got[0].Craving != 7 || !got[0].Used || got[0].Note != "a hard evening" {
			t.Fatalf("check-ins: %+v, %v", got, err)
		}
	})
}

func TestAbsenceAcceptedMarksTheMeetingExcused(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, track, u := fixture(t, db)
		mon := groupOn(track.ID, u.ID, time.Monday, 18*60, "Process group", "Group Room A")
		if err := db.CreateSeries(ctx, &mon, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		c, stranger := newClient("Ana", "Ruiz"), newClient("Ben", "Cole")
		for _, cl := range []*model.Client{c, stranger} {
			if err := db.CreateClient(ctx, cl, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Enrol(ctx, mon.ID, c.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.Date{Year: 2026, Month: 11, Day: 30}
		if err := db.ReportAbsence(ctx, &portal.Absence{ClientID: stranger.ID, SeriesID: mon.ID, Date: day, Reason: "work"}, rec("portal:y")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("an absence from a group the client is not in: %v, want not found", err)
		}
		a := &portal.Absence{ClientID: c.ID, SeriesID: mon.ID, Date: day, Reason: "Shift at work"}
		if err := db.ReportAbsence(ctx, a, rec("portal:x")); err != nil {
			t.Fatal(err)
		}
		if err := db.ReportAbsence(ctx, &portal.Absence{ClientID: c.ID, SeriesID: mon.ID, Date: day, Reason: "again"}, rec("portal:x")); model.KindOf(err) != model.KindConflict {
			t.Fatalf("a second notice for one meeting: %v, want conflict", err)
		}
		pending, err := db.Absences(ctx, store.AbsenceQuery{PendingOnly: true})
		if err != nil || len(pending) != 1 || pending[0].SeriesName != "Process group" || pending[0].ClientName != "Ana Ruiz" {
			t.Fatalf("pending: %+v, %v", pending, err)
		}
		if err := db.DecideAbsence(ctx, stranger.ID, a.ID, true, "", u.ID, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("deciding under another client's id: %v, want not found", err)
		}
		if err := db.DecideAbsence(ctx, c.ID, a.ID, true, "Thanks for telling us", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.DecideAbsence(ctx, c.ID, a.ID, false, "", u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("a second decision: %v, want conflict", err)
		}
		marks, err := db.Attendance(ctx, mon.ID, day)
		if err != nil || marks[c.ID].Status != intensity.AbsentExcused {
			t.Fatalf("attendance after acceptance: %+v, %v", marks, err)
		}
		// Withdrawing only works while pending.
		if err := db.WithdrawAbsence(ctx, c.ID, a.ID, rec("portal:x")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("withdrawing an accepted notice: %v, want not found", err)
		}
	})
}

func TestSelfReportedMeasureRaisesTheSameAlert(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		day := model.DateOf(time.Now())
		if _, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: day, CounselorID: u.ID}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		m := phq9(t, c.ID, "", day, 1, 2)
		m.SelfReported = true
		if err := db.CreateMeasure(ctx, m, rec("portal:x")); err != nil {
			t.Fatal(err)
		}
		got, err := db.Measure(ctx, c.ID, m.ID)
		if err != nil || !got.SelfReported || got.ByID != "" || got.ByName != care.SelfReportedBy {
			t.Fatalf("self-reported measure: %+v, %v", got, err)
		}
		if a, raised, err := db.SafetyAlertForMeasure(ctx, c.ID, m.ID); !raised || err != nil || a.CounselorID != u.ID {
			t.Fatalf("no alert for the counselor from a portal PHQ-9 with item 9 at 2: %+v %v %v", a, raised, err)
		}
		// A staff measure still needs its administrator.
		staff := phq9(t, c.ID, "", day, 0, 0)
		if err := db.CreateMeasure(ctx, staff, rec(u.ID)); err == nil {
			t.Fatal("a measure with neither an administrator nor self_reported was stored")
		}
	})
}

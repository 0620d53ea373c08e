package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func rec(actor string) audit.Record {
	return audit.Record{At: time.Now(), ActorID: actor, ActorRole: "admissions", IP: "127.0.0.1", RequestID: "test"}
}

// fixture creates a site, program, track and counselor to hang clients on.
func fixture(t testing.TB, db *store.DB) (model.Program, model.Track, model.User) {
	t.Helper()
	ctx := context.Background()
	site := model.Site{Name: "Main", TimeZone: "America/Chicago"}
	if err := db.CreateSite(ctx, &site, rec("system:test")); err != nil {
		t.Fatal(err)
	}
	prog := model.Program{SiteID: site.ID, Name: "Adult IOP", Population: model.Adults,
		LevelOfCare: model.IntensiveOutpatient, MinWeeklyMinutes: 540}
	if err := db.CreateProgram(ctx, &prog, rec("system:test")); err != nil {
		t.Fatal(err)
	}
	track := model.Track{ProgramID: prog.ID, Name: "Evening", Kind: model.Evening,
		Days: []time.Weekday{time.Monday, time.Wednesday, time.Thursday}, Start: 18 * 60, End: 21 * 60, Capacity: 12}
	if err := db.CreateTrack(ctx, &track, rec("system:test")); err != nil {
		t.Fatal(err)
	}
	u := model.User{Email: "Counselor@Example.org", Name: "Dana Reyes", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
	if err := db.CreateUser(ctx, &u, rec("system:test")); err != nil {
		t.Fatal(err)
	}
	return prog, track, u
}

func newClient(first, last string) *model.Client {
	return &model.Client{FirstName: first, LastName: last, DateOfBirth: model.Date{Year: 1988, Month: 4, Day: 12},
		Phone: "(312) 555-0142", Email: strings.ToLower(first) + "@example.org"}
}

func verifyChain(t *testing.T, db *store.DB) audit.Report {
	t.Helper()
	ctx := context.Background()
	head, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(db.AuditRecords(ctx), head, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestMigrateIsIdempotent(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		n, err := db.Migrate(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second Migrate applied %d, err %v; want 0, nil", n, err)
		}
		if p, err := db.Pending(context.Background()); err != nil || p != 0 {
			t.Fatalf("Pending = %d, %v; want 0", p, err)
		}
	})
}

func TestClientLifecycleAndSearch(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog, track, counselor := fixture(t, db)

		a := newClient("Maria", "Lopez")
		a.PreferredName = "Mari"
		if err := db.CreateClient(ctx, a, rec("u1")); err != nil {
			t.Fatal(err)
		}
		b := newClient("James", "O'Connor")
		if err := db.CreateClient(ctx, b, rec("u1")); err != nil {
			t.Fatal(err)
		}
		c := newClient("Percent", "Under_score%")
		if err := db.CreateClient(ctx, c, rec("u1")); err != nil {
			t.Fatal(err)
		}
		if a.MRN == "" || a.MRN == b.MRN {
			t.Fatalf("record numbers not unique: %q %q", a.MRN, b.MRN)
		}
		ep := model.Episode{ClientID: a.ID, ProgramID: prog.ID, TrackID: track.ID, LevelOfCare: model.IntensiveOutpatient,
			AdmissionDate: model.Date{Year: 2026, Month: 11, Day: 2}, PrimaryCounselorID: counselor.ID}
		if err := db.CreateEpisode(ctx, &ep, rec("u1")); err != nil {
			t.Fatal(err)
		}
		// A second open episode in the same program is refused and stores nothing.
		dup := ep
		err := db.CreateEpisode(ctx, &dup, rec("u1"))
		if model.KindOf(err) != model.KindConflict {
			t.Fatalf("second open episode: got %v, want conflict", err)
		}
		if eps, _ := db.Episodes(ctx, a.ID); len(eps) != 1 {
			t.Fatalf("episodes after refused duplicate = %d, want 1", len(eps))
		}

		got, err := db.Client(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DisplayName() != "Mari Lopez" || got.Current == nil || got.Current.TrackName != "Evening" ||
			got.Current.CounselorName != "Dana Reyes" || got.Current.MinWeeklyMinutes != 540 {
			t.Fatalf("client read back wrong: %+v current %+v", got, got.Current)
		}
		if got.DateOfBirth != a.DateOfBirth {
			t.Fatalf("date of birth %v, want %v", got.DateOfBirth, a.DateOfBirth)
		}

		cases := []struct {
			q    store.ClientQuery
			want []string
		}{
			{store.ClientQuery{Text: "lopez"}, []string{a.ID}},
			{store.ClientQuery{Text: "MARI"}, []string{a.ID}},
			{store.ClientQuery{Text: "5550142"}, []string{a.ID, b.ID, c.ID}},
			{store.ClientQuery{Text: "o'connor"}, []string{b.ID}},
			{store.ClientQuery{Text: "%"}, []string{c.ID}}, // a literal percent, not a wildcard
			{store.ClientQuery{Text: "o_c"}, nil},          // underscore is literal too (o'connor)
			{store.ClientQuery{Text: "maria lopez"}, []string{a.ID}},
			{store.ClientQuery{Text: "maria connor"}, nil},
			{store.ClientQuery{Text: a.MRN}, []string{a.ID}},
			{store.ClientQuery{Status: store.StatusActive}, []string{a.ID}},
			{store.ClientQuery{Status: store.StatusNotAdmitted}, []string{b.ID, c.ID}},
			{store.ClientQuery{CounselorID: counselor.ID}, []string{a.ID}},
		}
		for _, tc := range cases {
			list, total, err := db.SearchClients(ctx, tc.q)
			if err != nil {
				t.Fatalf("%+v: %v", tc.q, err)
			}
			ids := map[string]bool{}
			for _, x := range list {
				ids[x.ID] = true
			}
			if total != len(tc.want) || len(list) != len(tc.want) {
				t.Errorf("%+v: got %d (total %d), want %d", tc.q, len(list), total, len(tc.want))
				continue
			}
			for _, id := range tc.want {
				if !ids[id] {
					t.Errorf("%+v: missing %s", tc.q, id)
				}
			}
		}

		// A full page counts the rest; a page past the end still knows the total.
		for _, off := range []int{0, 1, 2, 5} {
			list, total, err := db.SearchClients(ctx, store.ClientQuery{Text: "5550142", Limit: 1, Offset: off})
			want := min(1, max(0, 3-off))
			if err != nil || total != 3 || len(list) != want {
				t.Errorf("page at offset %d of 1: %d shown, total %d (%v); want %d of 3", off, len(list), total, err, want)
			}
		}

		// Invalid updates change nothing.
		bad := got
		bad.DateOfBirth = model.Date{Year: 2999, Month: 1, Day: 1}
		bad.Email = "not-an-email"
		err = db.UpdateClient(ctx, &bad, rec("u1"))
		if model.KindOf(err) != model.KindInvalid || model.FieldsOf(err)["date_of_birth"] == "" || model.FieldsOf(err)["email"] == "" {
			t.Fatalf("invalid update: got %v", err)
		}
		again, _ := db.Client(ctx, a.ID)
		if again.DateOfBirth != a.DateOfBirth || again.Email != a.Email {
			t.Fatal("an invalid update changed the client")
		}
		missing := *newClient("No", "One")
		missing.ID = model.NewID()
		if err := db.UpdateClient(ctx, &missing, rec("u1")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("update of unknown client: %v, want not found", err)
		}
		if rep := verifyChain(t, db); !rep.OK() {
			t.Fatalf("audit chain broken: %+v", rep)
		}
	})
}

func TestEveryWriteIsAuditedInItsTransaction(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before, _ := db.AuditHead(ctx)
		c := newClient("Ana", "Silva")
		if err := db.CreateClient(ctx, c, rec("u-7")); err != nil {
			t.Fatal(err)
		}
		recs, _, err := db.ListAudit(ctx, store.AuditFilter{ClientID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Action != audit.ActionCreate || recs[0].ActorID != "u-7" || recs[0].Category != "client.demographics" {
			t.Fatalf("audit for create: %+v", recs)
		}
		// A refused write leaves no audit record and no client.
		bad := newClient("", "")
		if err := db.CreateClient(ctx, bad, rec("u-7")); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("got %v, want invalid", err)
		}
		after, _ := db.AuditHead(ctx)
		if after.Seq != before.Seq+1 {
			t.Fatalf("audit head moved %d, want 1", after.Seq-before.Seq)
		}
		if n, _ := db.CountClients(ctx); n != 1 {
			t.Fatalf("clients = %d, want 1", n)
		}
	})
}

func TestAuditChainUnderConcurrentWriters(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const writers, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					var err error
					if i%2 == 0 {
						err = db.CreateClient(ctx, newClient(fmt.Sprintf("W%d", w), fmt.Sprintf("N%d", i)), rec("w"))
					} else {
						err = db.AppendAudit(ctx, []audit.Record{rec("reader"), rec("reader")})
					}
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rep := verifyChain(t, db)
		want := int64(writers * ((each+1)/2 + 2*(each/2)))
		if !rep.OK() || rep.Checked != want {
			t.Fatalf("chain after concurrent writers: %+v, want %d records", rep, want)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.AppendAudit(ctx, []audit.Record{rec("a"), rec("b")}); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 1`,
			`DELETE FROM audit_log WHERE seq = 2`,
		} {
			if err := db.ExecForTest(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: got %v, want append-only refusal", stmt, err)
			}
		}
		if rep := verifyChain(t, db); !rep.OK() || rep.Checked != 2 {
			t.Fatalf("chain after refused tampering: %+v", rep)
		}
	})
}

func TestSessionsAndThrottle(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		if _, err := db.UserByEmail(ctx, "COUNSELOR@example.org "); err != nil {
			t.Fatalf("lookup by email ignores case and spaces: %v", err)
		}
		dup := model.User{Email: "counselor@example.org", Name: "X", Role: model.RoleBiller, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &dup, rec("admin")); model.KindOf(err) != model.KindConflict {
			t.Fatalf("duplicate email: %v, want conflict", err)
		}
		now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
		s := model.Session{TokenHash: "h1", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour)}
		if err := db.CreateSession(ctx, s, "", rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		s2 := s
		s2.TokenHash = "h2"
		if err := db.CreateSession(ctx, s2, "h1", rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, "h1"); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("replaced session still found: %v", err)
		}
		got, err := db.Session(ctx, "h2")
		if err != nil || got.User.Email != "counselor@example.org" || !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("session: %+v %v", got, err)
		}
		if err := db.SetUserActive(ctx, u.ID, false, rec("admin")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, "h2"); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("deactivating a user must end their sessions: %v", err)
		}

		delay := func(n int) time.Duration { return time.Duration(n) * time.Minute }
		for range 3 {
			if err := db.RecordLoginFailure(ctx, []store.ThrottleKey{{Key: "account:x", Delay: delay}, {Key: "ip:1", Delay: delay}}, now, time.Hour, rec("")); err != nil {
				t.Fatal(err)
			}
		}
		n, until, err := db.LoginFailures(ctx, "account:x")
		if err != nil || n != 3 || !until.Equal(now.Add(3*time.Minute)) {
			t.Fatalf("failures = %d until %v (%v); want 3 until +3m", n, until, err)
		}
		// Failures older than the window are forgotten.
		later := now.Add(2 * time.Hour)
		if err := db.RecordLoginFailure(ctx, []store.ThrottleKey{{Key: "account:x", Delay: delay}}, later, time.Hour, rec("")); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := db.LoginFailures(ctx, "account:x"); n != 1 {
			t.Fatalf("failures after window = %d, want 1", n)
		}
		if err := db.ClearLoginFailures(ctx, "account:x", "ip:1"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := db.LoginFailures(ctx, "ip:1"); n != 0 {
			t.Fatalf("failures after clear = %d", n)
		}
	})
}

func TestOpenReportsBadLocations(t *testing.T) {
	ctx := context.Background()
	_, err := store.Open(ctx, store.Options{DataDir: "/proc/openiop-not-writable"})
	if err == nil || !strings.Contains(err.Error(), "data directory") {
		t.Fatalf("unwritable data dir: %v", err)
	}
	_, err = store.Open(ctx, store.Options{DatabaseURL: "mysql://x"})
	if model.KindOf(err) != model.KindInvalid {
		t.Fatalf("bad URL scheme: %v", err)
	}
	_, err = store.Open(ctx, store.Options{DatabaseURL: "postgres://iop:secret@127.0.0.1:1/iop?connect_timeout=2"})
	if model.KindOf(err) != model.KindUnavailable || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unreachable PostgreSQL: %v (must be unavailable and hide the password)", err)
	}
	var me *model.Error
	if !errors.As(err, &me) || !strings.Contains(me.Msg, "127.0.0.1:1") {
		t.Fatalf("message should name the server: %v", err)
	}
}

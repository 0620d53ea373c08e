package notify_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notify"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// sink is an in-process SMTP server that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	msgs []string
	to   []string
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s  *sink
	to []string
}

func (x *session) AuthPlain(string, string) error            { return nil }
func (x *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = append(x.to, to); return nil }
func (x *session) Reset()                                    {}
func (x *session) Logout() error                             { return nil }
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.msgs, x.s.to = append(x.s.msgs, string(b)), append(x.s.to, x.to...)
	x.s.mu.Unlock()
	return err
}

func TestNoticesAreEmailedOnceWithoutClientInformation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rec := audit.Record{At: time.Now(), ActorID: "system:test", ActorRole: "system", Outcome: audit.OutcomeSuccess}
		u := model.User{Email: "dana@example.org", Name: "Dana Reyes", Role: model.RoleClinician, Active: true, PasswordHash: "x"}
		if err := db.CreateUser(ctx, &u, rec); err != nil {
			t.Fatal(err)
		}
		rec.ActorID = u.ID
		c := model.Client{FirstName: "Ana", LastName: "Ruiz", DateOfBirth: model.Date{Year: 1990, Month: 1, Day: 2}}
		if err := db.CreateClient(ctx, &c, rec); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("America/Chicago")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		a := schedule.Appointment{ClientID: c.ID, ClinicianID: u.ID, Kind: "individual", Room: "Office 1", Start: start, End: start.Add(time.Hour)}
		if err := db.BookAppointment(ctx, &a, loc, true, rec); err != nil {
			t.Fatal(err)
		}
		if err := db.CancelAppointment(ctx, c.ID, a.ID, "Client ill", rec); err != nil {
			t.Fatal(err)
		}

		s := &sink{}
		srv := smtp.NewServer(s)
		srv.Domain, srv.AllowInsecureAuth = "localhost", true
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		m, err := notify.NewMailer("smtp://"+ln.Addr().String(), "iop@riverbend.example.org", "https://iop.example.org", true)
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		for range 2 { // the second pass finds nothing new
			if err := notify.Once(ctx, db, m, log); err != nil {
				t.Fatal(err)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.msgs) != 1 || len(s.to) != 1 || s.to[0] != "dana@example.org" {
			t.Fatalf("%d messages to %v, want 1 to Dana", len(s.msgs), s.to)
		}
		msg := s.msgs[0]
		for _, want := range []string{"Subject: OpenIOP: a change to your schedule", "was cancelled: Client ill", "https://iop.example.org/clients/"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the email lacks %q:\n%s", want, msg)
			}
		}
		for _, never := range []string{"Ana", "Ruiz"} {
			if strings.Contains(msg, never) {
				t.Errorf("the email names the client (%q)", never)
			}
		}
	})
}

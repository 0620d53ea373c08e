package testutil

import (
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// SMTPSink is an in-process SMTP server on loopback that keeps every
// message it receives, for tests of what OpenIOP emails.
type SMTPSink struct {
	Addr string // host:port to send to

	mu   sync.Mutex
	msgs []SunkMail
}

// SunkMail is one received message: its recipients and raw text.
type SunkMail struct {
	To   []string
	Data string
}

// NewSMTPSink starts a sink; it stops when the test ends.
func NewSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	s := &SMTPSink{}
	srv := smtp.NewServer(s)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns what the sink has received so far.
func (s *SMTPSink) Messages() []SunkMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SunkMail(nil), s.msgs...)
}

// NewSession is go-smtp's hook for a connection.
func (s *SMTPSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct {
	s  *SMTPSink
	to []string
}

func (x *sinkSession) AuthPlain(string, string) error            { return nil }
func (x *sinkSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = append(x.to, to); return nil }
func (x *sinkSession) Reset()                                    { x.to = nil }
func (x *sinkSession) Logout() error                             { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, SunkMail{To: x.to, Data: string(b)})
	x.s.mu.Unlock()
	return err
}

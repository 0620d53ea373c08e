// Package notify emails staff the in-app notices the store leaves (schedule
// changes), and sends the portal's reminders to clients. Emails carry no
// clinical information: a notice's words (a group and a date, never a
// client's name) and a link into OpenIOP; a reminder's day and times.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/openiop/openiop/internal/store"
)

// Source is where notices to send come from.
type Source interface {
	ClaimNoticesToEmail(ctx context.Context, limit int) ([]store.NoticeMail, error)
}

// Mailer sends notice emails through an SMTP server.
type Mailer struct {
	from    string
	baseURL string
	client  *mail.Client
}

// NewMailer reads an smtp:// (STARTTLS required) or smtps:// (TLS) URL with
// optional user and password. plainForTests allows an unencrypted server
// (loopback test sinks only).
func NewMailer(smtpURL, from, baseURL string, plainForTests bool) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		return nil, fmt.Errorf("notify: the SMTP URL cannot be read: %w", err)
	}
	opts := []mail.Option{mail.WithTimeout(20 * time.Second)}
	port, _ := strconv.Atoi(u.Port())
	switch u.Scheme {
	case "smtps":
		opts = append(opts, mail.WithSSL())
		if port == 0 {
			port = 465
		}
	case "smtp":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		if plainForTests {
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		}
		if port == 0 {
			port = 587
		}
	default:
		return nil, fmt.Errorf("notify: the SMTP URL must start smtp:// or smtps://")
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	c, err := mail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return &Mailer{from: from, baseURL: baseURL, client: c}, nil
}

// Send emails one notice.
func (m *Mailer) Send(ctx context.Context, n store.NoticeMail) error {
	msg := mail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return err
	}
	if err := msg.To(n.Email); err != nil {
		return err
	}
	msg.Subject("OpenIOP: a change to your schedule")
	body := fmt.Sprintf("Hello %s,\n\n%s.\n\nSee it in OpenIOP: %s%s\n\nThis message was sent by OpenIOP. It contains no client information.\n",
		n.Name, n.Text, m.baseURL, n.Link)
	msg.SetBodyString(mail.TypeTextPlain, body)
	return m.client.DialAndSendWithContext(ctx, msg)
}

// SendMessage emails a message composed elsewhere (the portal's reminders,
// which carry no clinical details by construction).
func (m *Mailer) SendMessage(ctx context.Context, to, subject, body string) error {
	msg := mail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return err
	}
	if err := msg.To(to); err != nil {
		return err
	}
	msg.Subject(subject)
	msg.SetBodyString(mail.TypeTextPlain, body)
	return m.client.DialAndSendWithContext(ctx, msg)
}

// Run sends claimed notices every interval until ctx ends.
func Run(ctx context.Context, src Source, m *Mailer, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := Once(ctx, src, m, log); err != nil && ctx.Err() == nil {
			log.Warn("emailing notices", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once claims and sends what is waiting.
func Once(ctx context.Context, src Source, m *Mailer, log *slog.Logger) error {
	list, err := src.ClaimNoticesToEmail(ctx, 50)
	if err != nil {
		return err
	}
	for _, n := range list {
		if err := m.Send(ctx, n); err != nil {
			log.Warn("a notice email was not sent; the notice is still shown in the app", "notice", n.ID, "error", err)
		}
	}
	return nil
}

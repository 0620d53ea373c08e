package jobs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// ReminderStore is what the portal reminder jobs read and write.
type ReminderStore interface {
	ReminderAccounts(ctx context.Context) ([]portal.Account, error)
	Occurrences(ctx context.Context, f store.SeriesFilter, from, to model.Date, loc *time.Location) ([]schedule.Occurrence, error)
	Appointments(ctx context.Context, f store.AppointmentFilter) ([]schedule.Appointment, error)
	OpenAssignments(ctx context.Context, clientID string) ([]care.Assignment, error)
	QueuePortalMessage(ctx context.Context, a portal.Account, m portal.Message, dedupe string, rec audit.Record) (bool, error)
	UnsentPortalMessages(ctx context.Context, limit int) ([]store.OutboxMessage, error)
	MarkPortalMessage(ctx context.Context, id string, sendErr error) error
}

// Center is what a reminder needs to know of the center at each run.
type Center struct {
	Name      string
	Location  *time.Location
	PortalURL string // where the reminder sends the client to sign in
}

// PortalRemindersJob queues the reminders clients opted into.
const PortalRemindersJob = "portal-reminders"

// remindFrom is the hour of the day at the center after which the next
// day's session reminders are queued: late enough that a change made that
// morning is in it, early enough to plan the evening.
const remindFrom = 12

// QueueReminders queues, once each, the day-before session reminders (after
// noon at the center) and the reminders for questionnaires due by
// tomorrow, for every account that asked for them. It returns how many it
// queued.
func QueueReminders(ctx context.Context, st ReminderStore, c Center, now time.Time) (int, error) {
	accounts, err := st.ReminderAccounts(ctx)
	if err != nil || len(accounts) == 0 {
		return 0, err
	}
	local := now.In(c.Location)
	today := model.DateOf(local)
	tomorrow := today.AddDays(1)
	rec := audit.Record{At: now, ActorID: "system:" + PortalRemindersJob, Outcome: audit.OutcomeSuccess}
	queued := 0
	queue := func(a portal.Account, m portal.Message, key string) error {
		ok, err := st.QueuePortalMessage(ctx, a, m, key, rec)
		if ok {
			queued++
		}
		return err
	}
	for _, a := range accounts {
		if a.Reminders.Sessions && local.Hour() >= remindFrom {
			starts, err := sessionStarts(ctx, st, a.ClientID, tomorrow, c.Location)
			if err != nil {
				return queued, err
			}
			if len(starts) > 0 {
				m := portal.SessionReminder(a.Reminders, c.Name, tomorrow, starts, c.PortalURL)
				if err := queue(a, m, "sessions:"+a.ID+":"+tomorrow.String()); err != nil {
					return queued, err
				}
			}
		}
		if a.Reminders.Measures {
			open, err := st.OpenAssignments(ctx, a.ClientID)
			if err != nil {
				return queued, err
			}
			for _, as := range open {
				if in := instrument.Get(as.Instrument); in == nil || in.ClinicianAdministered || tomorrow.Before(as.DueOn) {
					continue
				}
				m := portal.QuestionnaireReminder(a.Reminders, c.Name, as.DueOn, c.PortalURL)
				if err := queue(a, m, "questionnaire:"+as.ID); err != nil {
					return queued, err
				}
			}
		}
	}
	return queued, nil
}

// sessionStarts lists the start times, in the center's words, of a
// client's meetings and appointments on a day that are not cancelled.
func sessionStarts(ctx context.Context, st ReminderStore, clientID string, day model.Date, loc *time.Location) ([]string, error) {
	occ, err := st.Occurrences(ctx, store.SeriesFilter{ClientID: clientID}, day, day, loc)
	if err != nil {
		return nil, err
	}
	var starts []time.Time
	for _, o := range occ {
		if !o.Cancelled {
			starts = append(starts, o.Start)
		}
	}
	appts, err := st.Appointments(ctx, store.AppointmentFilter{ClientID: clientID, From: day.In(loc), To: day.AddDays(1).In(loc)})
	if err != nil {
		return nil, err
	}
	for _, a := range appts {
		if !a.Cancelled && model.DateOf(a.Start.In(loc)) == day {
			starts = append(starts, a.Start)
		}
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	out := make([]string, len(starts))
	for i, s := range starts {
		out[i] = s.In(loc).Format("3:04 pm")
	}
	return out, nil
}

// PortalReminders is the reminder job, run every 15 minutes; center gives
// the center's name, zone and portal address at each run.
func PortalReminders(st ReminderStore, center func(context.Context) Center) Job {
	return Job{Name: PortalRemindersJob, Every: 15 * time.Minute, Lease: 5 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (string, error) {
			n, err := QueueReminders(ctx, st, center(ctx), now)
			return fmt.Sprintf("%d reminders queued", n), err
		}}
}

// Sender sends one email.
type Sender interface {
	SendMessage(ctx context.Context, to, subject, body string) error
}

// PortalMailJob sends the queued portal emails.
const PortalMailJob = "portal-mail"

// SendQueued sends what waits in the portal outbox and records each
// attempt; it returns how many were sent.
func SendQueued(ctx context.Context, st ReminderStore, s Sender) (int, error) {
	list, err := st.UnsentPortalMessages(ctx, 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range list {
		sendErr := s.SendMessage(ctx, m.To, m.Subject, m.Body)
		if sendErr == nil {
			sent++
		}
		if err := st.MarkPortalMessage(context.WithoutCancel(ctx), m.ID, sendErr); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// PortalMail is the sending job, run every minute where SMTP is set up.
// Without it (demo mode) messages stay in the outbox, which a page shows.
func PortalMail(st ReminderStore, s Sender) Job {
	return Job{Name: PortalMailJob, Every: time.Minute, Lease: 5 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (string, error) {
			n, err := SendQueued(ctx, st, s)
			return fmt.Sprintf("%d emails sent", n), err
		}}
}

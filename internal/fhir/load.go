package fhir

import (
	"context"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// Source is the part of the store resources are made from (*store.DB).
type Source interface {
	Organization(ctx context.Context) (model.Organization, error)
	Sites(ctx context.Context) ([]model.Site, error)
	Users(ctx context.Context) ([]model.User, error)
	ListSeries(ctx context.Context, f store.SeriesFilter) ([]schedule.Series, error)
	Client(ctx context.Context, id string) (model.Client, error)
	Episodes(ctx context.Context, clientID string) ([]model.Episode, error)
	Measures(ctx context.Context, clientID string) ([]care.Measure, error)
	Screens(ctx context.Context, clientID string) ([]intensity.Screen, error)
	ClientMarks(ctx context.Context, clientID string, from model.Date) ([]intensity.Mark, error)
	Appointments(ctx context.Context, f store.AppointmentFilter) ([]schedule.Appointment, error)
	TreatmentPlans(ctx context.Context, clientID string) ([]plan.Plan, error)
	Consents(ctx context.Context, clientID string) ([]consent.Consent, error)
	ConsentCare(ctx context.Context, clientID string) (consent.Care, error)
}

// LoadCenter reads what resources about no client are made from.
func LoadCenter(ctx context.Context, src Source) (Center, error) {
	var c Center
	var err error
	if c.Org, err = src.Organization(ctx); err != nil {
		return c, err
	}
	if c.Sites, err = src.Sites(ctx); err != nil {
		return c, err
	}
	if c.Users, err = src.Users(ctx); err != nil {
		return c, err
	}
	series, err := src.ListSeries(ctx, store.SeriesFilter{})
	if err != nil {
		return c, err
	}
	c.Series = make(map[string]schedule.Series, len(series))
	for _, s := range series {
		c.Series[s.ID] = s
	}
	return c, nil
}

// appointmentSpan is wide enough for every appointment a center has.
var appointmentSpan = [2]time.Time{time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)}

// LoadRecord reads one client's record; a missing client is the store's
// not-found error.
func LoadRecord(ctx context.Context, src Source, clientID string, now time.Time, loc *time.Location) (Record, error) {
	r := Record{Now: now, Today: model.DateOf(now.In(loc))}
	var err error
	if r.Client, err = src.Client(ctx, clientID); err != nil {
		return r, err
	}
	if r.Episodes, err = src.Episodes(ctx, clientID); err != nil {
		return r, err
	}
	if r.Measures, err = src.Measures(ctx, clientID); err != nil {
		return r, err
	}
	if r.Screens, err = src.Screens(ctx, clientID); err != nil {
		return r, err
	}
	if r.Marks, err = src.ClientMarks(ctx, clientID, model.Date{Year: 1900, Month: 1, Day: 1}); err != nil {
		return r, err
	}
	if r.Appointments, err = src.Appointments(ctx, store.AppointmentFilter{From: appointmentSpan[0], To: appointmentSpan[1],
		ClientID: clientID, IncludeCancelled: true}); err != nil {
		return r, err
	}
	if r.Plans, err = src.TreatmentPlans(ctx, clientID); err != nil {
		return r, err
	}
	if r.Consents, err = src.Consents(ctx, clientID); err != nil {
		return r, err
	}
	r.Care, err = src.ConsentCare(ctx, clientID)
	return r, err
}

// ClientLister lists clients a page at a time (*store.DB).
type ClientLister interface {
	SearchClients(ctx context.Context, q store.ClientQuery) ([]model.Client, int, error)
}

// AllClientIDs is every client q matches, read in pages of the largest
// size SearchClients gives.
func AllClientIDs(ctx context.Context, db ClientLister, q store.ClientQuery) ([]string, error) {
	const page = 200
	var ids []string
	for q.Offset = 0; ; q.Offset += page {
		q.Limit = page
		list, total, err := db.SearchClients(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			ids = append(ids, c.ID)
		}
		if len(list) < page || len(ids) >= total {
			return ids, nil
		}
	}
}

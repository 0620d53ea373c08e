package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
)

// MeasureStore is what the measure schedule job reads and writes.
type MeasureStore interface {
	MeasureSchedules(ctx context.Context, programID string) ([]care.MeasureSchedule, error)
	ScheduledEpisodes(ctx context.Context) ([]care.ScheduledEpisode, error)
	DisabledInstruments(ctx context.Context) (map[string]bool, error)
	AddScheduledAssignments(ctx context.Context, list []care.Assignment, rec audit.Record) (int, error)
}

// MeasureScheduleJob is the name of the job that assigns scheduled measures.
const MeasureScheduleJob = "measure-schedule"

// AssignScheduledMeasures makes today's assignments from every program's
// measure schedule (care.DueAssignments) and returns how many were new.
// today is the date at the center.
func AssignScheduledMeasures(ctx context.Context, st MeasureStore, now time.Time, today model.Date) (int, error) {
	schedules, err := st.MeasureSchedules(ctx, "")
	if err != nil || len(schedules) == 0 {
		return 0, err
	}
	episodes, err := st.ScheduledEpisodes(ctx)
	if err != nil {
		return 0, err
	}
	disabled, err := st.DisabledInstruments(ctx)
	if err != nil {
		return 0, err
	}
	due := care.DueAssignments(schedules, episodes, disabled, today)
	if len(due) == 0 {
		return 0, nil
	}
	return st.AddScheduledAssignments(ctx, due, audit.Record{At: now, ActorID: "system:" + MeasureScheduleJob, Outcome: audit.OutcomeSuccess})
}

// MeasureSchedule is the job, run hourly (a measure becomes due at the start
// of its day at the center; an hour's delay is harmless). loc gives the
// center's time zone at each run.
func MeasureSchedule(st MeasureStore, loc func(context.Context) *time.Location) Job {
	return Job{Name: MeasureScheduleJob, Every: time.Hour, Lease: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (string, error) {
			n, err := AssignScheduledMeasures(ctx, st, now, model.DateOf(now.In(loc(ctx))))
			return fmt.Sprintf("%d assignments made", n), err
		}}
}

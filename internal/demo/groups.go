package demo

import (
	"context"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
)

// GroupStore is what the demo's group calendar is written through.
type GroupStore interface {
	CreateSeries(ctx context.Context, s *schedule.Series, rec audit.Record) error
	ImportEnrolments(ctx context.Context, enrolments map[string][]string, rec audit.Record) error
}

// groupPlan is the week of groups each track runs: one group a meeting day,
// the kinds an IOP week mixes.
var groupPlan = []struct {
	title string
	kind  schedule.GroupType
}{
	{"Process group", "process"},
	{"Relapse prevention", "relapse_prevention"},
	{"CBT and DBT skills", "skills"},
	{"Psychoeducation: how recovery works", "psychoeducation"},
	{"Family education", "family_education"},
	{"Life and work skills", "vocational"},
}

// groups gives every track its weekly groups, led by one clinician a track,
// and enrols each client in treatment in their track's groups. It returns
// the groups and who is enrolled in each.
func groups(ctx context.Context, db GroupStore, tracks []model.Track, clinicians []model.User, members map[string][]string,
	from model.Date, rec audit.Record) ([]schedule.Series, map[string][]string, error) {
	enrol := map[string][]string{}
	var all []schedule.Series
	for k, t := range tracks {
		lead := clinicians[k%len(clinicians)]
		for i, day := range t.Days {
			plan := groupPlan[(k+i)%len(groupPlan)]
			s := schedule.Series{TrackID: t.ID, Title: plan.title, Type: plan.kind, Start: t.Start, Minutes: int(t.End - t.Start),
				FacilitatorID: lead.ID, Room: t.Room, MinCapacity: 4, MaxCapacity: max(t.Capacity, 1), OpenCohort: true,
				Recurrence: schedule.Recurrence{Days: []time.Weekday{day}, From: from}}
			if err := db.CreateSeries(ctx, &s, rec); err != nil {
				return nil, nil, err
			}
			enrol[s.ID] = members[t.ID]
			all = append(all, s)
		}
	}
	return all, enrol, db.ImportEnrolments(ctx, enrol, rec)
}

// Curriculum is the demo's eight-week cycle of group topics, common ground
// of IOP curricula (SAMHSA TIP 47 ch. 4: relapse prevention, coping skills,
// psychoeducation, family and recovery support).
var Curriculum = []curriculum.Topic{
	{Title: "Triggers and high-risk situations", Summary: "Mapping personal triggers; the relapse-prevention plan's first page"},
	{Title: "Coping with cravings", Summary: "Urge surfing, delay and distraction, calling someone"},
	{Title: "Thinking traps", Summary: "CBT: catching and checking the thoughts that lead to use"},
	{Title: "Stress, sleep and the body", Summary: "Sleep routines, breathing, movement"},
	{Title: "Relationships and family in recovery", Summary: "Repair, boundaries, asking for support"},
	{Title: "Mood and anxiety alongside recovery", Summary: "Depression and anxiety skills; when to ask for more help"},
	{Title: "Work, school and a daily structure", Summary: "Planning the week; talking to an employer or teacher"},
	{Title: "After a lapse", Summary: "What to do in the first hours; learning from it without shame"},
}

// curriculumOf gives a track the demo curriculum.
func curriculumOf(ctx context.Context, db Store, t model.Track, rec audit.Record) error {
	for _, c := range Curriculum {
		topic := c
		topic.TrackID = t.ID
		if err := db.AddCurriculumTopic(ctx, &topic, "", rec); err != nil {
			return err
		}
	}
	return nil
}

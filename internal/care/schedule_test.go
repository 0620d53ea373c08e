package care_test

import (
	"testing"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
)

func TestCycleStart(t *testing.T) {
	adm := model.Date{Year: 2026, Month: 3, Day: 2}
	s := care.MeasureSchedule{EveryDays: 14, AtAdmission: true}
	for _, tt := range []struct {
		day   int
		atAdm bool
		want  int // days after admission; -1 none
	}{
		{-1, true, -1}, {0, true, 0}, {13, true, 0}, {14, true, 14}, {29, true, 28},
		{0, false, -1}, {13, false, -1}, {14, false, 14},
	} {
		s.AtAdmission = tt.atAdm
		got, ok := s.CycleStart(adm, adm.AddDays(tt.day))
		switch {
		case tt.want < 0 && ok:
			t.Errorf("day %d (at admission %v): due %v, want none", tt.day, tt.atAdm, got)
		case tt.want >= 0 && (!ok || got != adm.AddDays(tt.want)):
			t.Errorf("day %d (at admission %v): %v %v, want day %d", tt.day, tt.atAdm, got, ok, tt.want)
		}
	}
}

func TestDueAssignmentsSkipsWhatIsDoneOrOff(t *testing.T) {
	adm := model.Date{Year: 2026, Month: 3, Day: 2}
	today := adm.AddDays(15)
	scheds := []care.MeasureSchedule{
		{ProgramID: "p", Instrument: "phq-9", EveryDays: 14, AtAdmission: true, SetByID: "dir"},
		{ProgramID: "p", Instrument: "gad-7", EveryDays: 14, AtAdmission: true, SetByID: "dir"},
	}
	ep := func(id string, given, scheduled map[string]model.Date) care.ScheduledEpisode {
		return care.ScheduledEpisode{ClientID: id, ProgramID: "p", Admitted: adm, LastGiven: given, LastScheduled: scheduled}
	}
	eps := []care.ScheduledEpisode{
		ep("none", nil, nil),
		ep("given-in-grace", map[string]model.Date{"phq-9": adm.AddDays(11)}, nil), // 3 days before day 14 counts
		ep("given-too-early", map[string]model.Date{"phq-9": adm.AddDays(10)}, nil),
		ep("already", nil, map[string]model.Date{"phq-9": adm.AddDays(14)}),
		ep("last-cycle", nil, map[string]model.Date{"phq-9": adm}),
		{ClientID: "other-program", ProgramID: "q", Admitted: adm},
	}
	got := map[string]bool{}
	for _, a := range care.DueAssignments(scheds, eps, map[string]bool{"gad-7": true}, today) {
		if a.Instrument != "phq-9" || a.DueOn != adm.AddDays(14) || a.ByID != "dir" || !a.Scheduled {
			t.Errorf("unexpected assignment %+v", a)
		}
		got[a.ClientID] = true
	}
	want := map[string]bool{"none": true, "given-too-early": true, "last-cycle": true}
	if len(got) != len(want) {
		t.Fatalf("assigned to %v, want %v (GAD-7 is switched off)", got, want)
	}
	for id := range want {
		if !got[id] {
			t.Errorf("%s was not assigned", id)
		}
	}
}

func TestAlertReasonAndMedianResponse(t *testing.T) {
	m := care.Measure{Instrument: "phq-9", Result: instrument.Result{Total: 21, Max: 27, Band: "severe"}}
	if r := care.AlertReason(m); r == "" {
		t.Error("a severe PHQ-9 gives no reason")
	}
	m.Result.Band = "moderately severe"
	if r := care.AlertReason(m); r != "" {
		t.Errorf("moderately severe gives %q", r)
	}
	m.Result.Flags = []instrument.Flag{{Message: "Item 9 is positive.", Urgent: true}, {Message: "not urgent"}}
	if r := care.AlertReason(m); r != "Item 9 is positive." {
		t.Errorf("urgent flag: %q", r)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	alert := func(mins int) care.SafetyAlert {
		return care.SafetyAlert{RaisedAt: t0, Response: &care.SafetyResponse{At: t0.Add(time.Duration(mins) * time.Minute)}}
	}
	list := []care.SafetyAlert{alert(10), alert(40), {RaisedAt: t0}, alert(20), alert(90)}
	if d, n := care.MedianResponse(list); n != 4 || d != 30*time.Minute {
		t.Errorf("median %v of %d, want 30m of 4", d, n)
	}
	if list[2].TimeToResponse(t0.Add(time.Hour)) != time.Hour || !list[2].Open() {
		t.Error("an open alert's wait is until now")
	}
}

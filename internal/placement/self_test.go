package placement

// An internal test: besides the exported API it checks that every row of
// the self-assessment rule table is used by some vignette.

import (
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// adult is a person with no use, a stable and safe home, support, high
// readiness and time to attend; each vignette changes what it is about.
func adult(change func(*Self)) Self {
	s := Self{Age: 35, StableHousing: true, SafeHome: true, SupportivePerson: true,
		RecentTreatment: "none", Readiness: 8, CanAttend: "yes"}
	change(&s)
	return s
}

func drinks(s *Self, frequency string, auditC int, positive bool) {
	s.Substances = append(s.Substances, "alcohol")
	s.Frequency, s.HasAuditC, s.AuditC, s.AuditCPositive = frequency, true, auditC, positive
}

func drugs(s *Self, substance, frequency string, dast int) {
	s.Substances = append(s.Substances, substance)
	s.Frequency, s.HasDAST, s.DAST = frequency, true, dast
}

type selfVignette struct {
	name   string
	s      Self
	level  Level
	says   []string          // each appears in a reason's text or evidence
	notes  []string          // each appears in a note
	rate   map[Dimension]int // ratings to check exactly, for boundary cases
	crisis bool
}

// selfVignettes: each expected level follows from SelfRules and Rules; the
// clinical reasoning is in docs/placement.md ("The public self-assessment").
var selfVignettes = []selfVignette{
	{name: "adolescent, weekly cannabis, moderate DAST",
		s: adult(func(s *Self) {
			s.Age = 16
			drugs(s, "cannabis", "weekly", 4)
			s.Readiness = 5
			s.Duties = []string{"school"}
		}),
		level: IntensiveOutpatient, says: []string{"(DAST-10) score 4 of 10, in the moderate range", "You use about once a week."},
		notes: []string{"adolescent program"}, rate: map[Dimension]int{4: 1, 5: 2}},
	{name: "pregnant, daily opioid use: IOP with medicine, not 24-hour care",
		s:     adult(func(s *Self) { s.Age = 27; drugs(s, "opioids", "daily", 6); s.DailyOpioid = true; s.Pregnant = true }),
		level: IntensiveOutpatient, says: []string{"You are pregnant and use opioids every day.", "You use opioids every day."},
		notes: []string{"prenatal care provider", "buprenorphine or methadone"}, rate: map[Dimension]int{1: 2, 2: 2, 5: 2}},
	{name: "pregnant, daily heavy drinking",
		s: adult(func(s *Self) {
			s.Age = 31
			drinks(s, "daily", 9, true)
			s.DailyHeavyAlcohol, s.Pregnant = true, true
		}),
		level: Residential, says: []string{"You are pregnant and drink heavily every day."}, notes: []string{"can be dangerous in pregnancy"},
		rate: map[Dimension]int{1: 2, 2: 3, 5: 2}},
	{name: "pregnant, light use: early intervention with prenatal care",
		s:     adult(func(s *Self) { drinks(s, "less_than_monthly", 1, false); s.Pregnant = true }),
		level: EarlyIntervention, notes: []string{"prenatal care provider"}, rate: map[Dimension]int{2: 1}},
	{name: "step-down after residential, opioids stopped",
		s: adult(func(s *Self) {
			drugs(s, "opioids", "less_than_monthly", 7)
			s.RecentTreatment = "residential"
			s.Duties = []string{"work"}
		}),
		level: IntensiveOutpatient, says: []string{"You were in a residential or inpatient program in the past 30 days."},
		notes: []string{"Stepping down from a residential or inpatient program into an IOP"}, rate: map[Dimension]int{5: 2}},
	{name: "step-down after a hospital stay, no use at all",
		s:     adult(func(s *Self) { s.RecentTreatment = "hospital" }),
		level: IntensiveOutpatient, says: []string{"You were in a hospital stay or detox in the past 30 days."},
		notes: []string{"Stepping down from a hospital stay or detox"}, rate: map[Dimension]int{5: 2}},
	{name: "relapse right after residential, drinking daily",
		s: adult(func(s *Self) {
			drinks(s, "daily", 8, true)
			s.DailyHeavyAlcohol, s.RecentTreatment, s.Readiness = true, "residential", 6
		}),
		level: PartialHospitalization, says: []string{"are using every day or almost every day again"}, rate: map[Dimension]int{1: 2, 5: 3}},
	{name: "heavy daily drinking with past withdrawal seizures",
		s: adult(func(s *Self) {
			drinks(s, "daily", 11, true)
			s.DailyHeavyAlcohol, s.WithdrawalHistory = true, true
		}),
		level: WithdrawalManagement, says: []string{"You drink heavily every day and have had seizures or DTs when stopping before."},
		rate: map[Dimension]int{1: 3, 5: 3}},
	{name: "daily benzodiazepines with withdrawal symptoms now",
		s: adult(func(s *Self) {
			drugs(s, "sedatives", "daily", 5)
			s.DailyBenzo, s.WithdrawalNow = true, true
		}),
		level: WithdrawalManagement, says: []string{"You take sedatives such as benzodiazepines every day and get shaky"}, rate: map[Dimension]int{1: 3}},
	{name: "withdrawal seizures before, still drinking weekly",
		s:     adult(func(s *Self) { drinks(s, "weekly", 5, true); s.WithdrawalHistory = true }),
		level: IntensiveOutpatient, says: []string{"You have had seizures or DTs when stopping before, and you still use about once a week."},
		rate: map[Dimension]int{1: 2}},
	{name: "withdrawal seizures years ago, drinking a few times a month",
		s:     adult(func(s *Self) { drinks(s, "monthly", 2, false); s.WithdrawalHistory = true }),
		level: Outpatient, rate: map[Dimension]int{1: 0, 5: 1}},
	{name: "withdrawal symptoms now, stimulants several times a week",
		s:     adult(func(s *Self) { drugs(s, "stimulants", "several_weekly", 2); s.WithdrawalNow = true }),
		level: IntensiveOutpatient, says: []string{"You get shaky, sweaty"}, rate: map[Dimension]int{1: 2, 5: 1}},
	{name: "daily opioid use, no other risks",
		s:     adult(func(s *Self) { drugs(s, "opioids", "daily", 5); s.DailyOpioid = true }),
		level: IntensiveOutpatient, says: []string{"You use opioids every day."}, rate: map[Dimension]int{1: 2, 5: 2}},
	{name: "daily opioid use, cannot attend 9 hours",
		s:     adult(func(s *Self) { drugs(s, "opioids", "daily", 5); s.DailyOpioid, s.CanAttend = true, "no" }),
		level: IntensiveOutpatient, notes: []string{"You said you cannot come about 9 hours a week", "evening or weekend"}},
	{name: "daily cannabis, low DAST",
		s:     adult(func(s *Self) { drugs(s, "cannabis", "daily", 2); s.CanAttend = "unsure" }),
		level: IntensiveOutpatient, says: []string{"You use every day or almost every day."}, notes: []string{"You are not sure you can come"},
		rate: map[Dimension]int{1: 1, 5: 2}},
	{name: "unstable housing",
		s:     adult(func(s *Self) { drinks(s, "several_weekly", 6, true); s.StableHousing = false }),
		level: Residential, says: []string{"You said you do not have a stable place to live."}, notes: []string{"recovery residence"},
		rate: map[Dimension]int{1: 1, 5: 2, 6: 3}},
	{name: "someone at home uses and home is not safe",
		s:     adult(func(s *Self) { drugs(s, "cannabis", "several_weekly", 4); s.OthersUseAtHome, s.SafeHome = true, false }),
		level: Residential, says: []string{"You said you do not feel safe where you live."}, rate: map[Dimension]int{6: 3}},
	{name: "partner drinks heavily at home",
		s:     adult(func(s *Self) { drinks(s, "weekly", 3, false); s.OthersUseAtHome = true }),
		level: IntensiveOutpatient, says: []string{"You said someone you live with drinks heavily or uses drugs."}, rate: map[Dimension]int{5: 1, 6: 2}},
	{name: "no supportive person",
		s:     adult(func(s *Self) { drinks(s, "weekly", 3, false); s.SupportivePerson = false }),
		level: IntensiveOutpatient, says: []string{"no one in your life who supports you"}, rate: map[Dimension]int{5: 1, 6: 2}},
	{name: "unstable housing, light use: early intervention",
		s:     adult(func(s *Self) { drinks(s, "less_than_monthly", 1, false); s.StableHousing = false }),
		level: EarlyIntervention, notes: []string{"safe housing"}, rate: map[Dimension]int{6: 1}},
	{name: "drinks several times a week, low mood and worry, partner drinks (the e2e answers)",
		s: adult(func(s *Self) {
			s.Age, s.PHQ2, s.GAD2, s.OthersUseAtHome, s.Duties = 34, 3, 3, true, []string{"work"}
			drinks(s, "several_weekly", 7, true)
		}),
		level: IntensiveOutpatient, rate: map[Dimension]int{1: 1, 3: 2, 4: 0, 5: 2, 6: 2}},
	{name: "mild drinking, highly motivated",
		s:     adult(func(s *Self) { drinks(s, "monthly", 4, true); s.Readiness = 9 }),
		level: Outpatient, says: []string{"score 4 of 12, a positive screen", "Some risk of relapse"}, rate: map[Dimension]int{5: 1}},
	{name: "light drinking, negative screen",
		s:     adult(func(s *Self) { drinks(s, "less_than_monthly", 2, false); s.Readiness = 9 }),
		level: EarlyIntervention, says: []string{"education and brief intervention"}},
	{name: "serious medical condition, weekly drinking",
		s:     adult(func(s *Self) { drinks(s, "weekly", 3, false); s.SeriousMedical = true }),
		level: IntensiveOutpatient, says: []string{"You have a serious medical condition that needs regular care."}, rate: map[Dimension]int{2: 2}},
	{name: "outpatient counseling last month, no use now",
		s:     adult(func(s *Self) { s.RecentTreatment = "outpatient" }),
		level: Outpatient, says: []string{"outpatient counseling fits"}},
	{name: "low readiness only",
		s:     adult(func(s *Self) { drinks(s, "weekly", 3, false); s.Readiness = 2 }),
		level: IntensiveOutpatient, says: []string{"at 2 out of 10", "Readiness to change is limited"}, rate: map[Dimension]int{4: 2, 5: 1}},
	{name: "positive mood screen, weekly use",
		s:     adult(func(s *Self) { drugs(s, "cannabis", "weekly", 2); s.PHQ2 = 4 }),
		level: IntensiveOutpatient, says: []string{"often felt down", "4 of 6"}, notes: []string{"mental health professional"}, rate: map[Dimension]int{3: 2}},
	{name: "positive mood screen, light use: early intervention",
		s:     adult(func(s *Self) { drinks(s, "less_than_monthly", 1, false); s.PHQ2 = 5 }),
		level: EarlyIntervention, notes: []string{"mental health professional"}, rate: map[Dimension]int{3: 1}},
	{name: "severe DAST",
		s:     adult(func(s *Self) { drugs(s, "stimulants", "several_weekly", 9) }),
		level: PartialHospitalization, says: []string{"score 9 of 10, in the severe range"}, rate: map[Dimension]int{1: 1, 5: 3}},
	{name: "age 12, monthly cannabis",
		s:     adult(func(s *Self) { s.Age = 12; drugs(s, "cannabis", "monthly", 1); s.Duties = []string{"school"} }),
		level: EarlyIntervention, notes: []string{"13 and up", "pediatrician or school counselor"}},
	{name: "suicidal thoughts",
		s:     adult(func(s *Self) { drinks(s, "weekly", 5, true); s.PHQ2, s.PHQ9Item9 = 4, 1 }),
		level: Emergency, crisis: true, says: []string{"better off dead or of hurting yourself"}},
	{name: "medical emergency now",
		s:     adult(func(s *Self) { drugs(s, "opioids", "daily", 7); s.DailyOpioid, s.MedicalEmergencyNow = true, true }),
		level: Emergency, crisis: true, says: []string{"medical emergency right now"}},
	{name: "severe withdrawal now",
		s: adult(func(s *Self) {
			drinks(s, "daily", 10, true)
			s.DailyHeavyAlcohol, s.WithdrawalNow, s.SevereWithdrawalNow = true, true, true
		}),
		level: Emergency, crisis: true, says: []string{"dangerous withdrawal"}},

	// Boundaries, on every cut-off used.
	{name: "PHQ-2 2 (negative)", s: adult(func(s *Self) { drugs(s, "cannabis", "weekly", 2); s.PHQ2 = 2 }),
		level: Outpatient, rate: map[Dimension]int{3: 1}},
	{name: "PHQ-2 3 (positive)", s: adult(func(s *Self) { drugs(s, "cannabis", "weekly", 2); s.PHQ2 = 3 }),
		level: IntensiveOutpatient, rate: map[Dimension]int{3: 2}},
	{name: "GAD-2 2 (negative)", s: adult(func(s *Self) { drugs(s, "cannabis", "weekly", 2); s.GAD2 = 2 }),
		level: Outpatient, rate: map[Dimension]int{3: 1}},
	{name: "GAD-2 3 (positive)", s: adult(func(s *Self) { drugs(s, "cannabis", "weekly", 2); s.GAD2 = 3 }),
		level: IntensiveOutpatient, says: []string{"unable to stop worrying"}, rate: map[Dimension]int{3: 2}},
	{name: "DAST 2, monthly (light)", s: adult(func(s *Self) { drugs(s, "cannabis", "monthly", 2) }),
		level: EarlyIntervention, rate: map[Dimension]int{5: 0}},
	{name: "DAST 3, monthly", s: adult(func(s *Self) { drugs(s, "cannabis", "monthly", 3) }),
		level: Outpatient, rate: map[Dimension]int{5: 1}},
	{name: "DAST 2, weekly", s: adult(func(s *Self) { drugs(s, "cannabis", "weekly", 2) }),
		level: Outpatient, rate: map[Dimension]int{5: 1}},
	{name: "DAST 3, weekly", s: adult(func(s *Self) { drugs(s, "cannabis", "weekly", 3) }),
		level: IntensiveOutpatient, rate: map[Dimension]int{5: 2}},
	{name: "DAST 5, monthly", s: adult(func(s *Self) { drugs(s, "stimulants", "monthly", 5) }),
		level: Outpatient, rate: map[Dimension]int{5: 1}},
	{name: "DAST 6, monthly", s: adult(func(s *Self) { drugs(s, "stimulants", "monthly", 6) }),
		level: IntensiveOutpatient, says: []string{"substantial range"}, rate: map[Dimension]int{5: 2}},
	{name: "DAST 8, monthly", s: adult(func(s *Self) { drugs(s, "stimulants", "monthly", 8) }),
		level: IntensiveOutpatient, rate: map[Dimension]int{5: 2}},
	{name: "DAST 9, monthly", s: adult(func(s *Self) { drugs(s, "stimulants", "monthly", 9) }),
		level: PartialHospitalization, rate: map[Dimension]int{5: 3}},
	{name: "AUDIT-C 6, monthly", s: adult(func(s *Self) { drinks(s, "monthly", 6, true) }),
		level: Outpatient, rate: map[Dimension]int{5: 1}},
	{name: "AUDIT-C 7, monthly", s: adult(func(s *Self) { drinks(s, "monthly", 7, true) }),
		level: IntensiveOutpatient, rate: map[Dimension]int{5: 2}},
	{name: "AUDIT-C 9, weekly", s: adult(func(s *Self) { drinks(s, "weekly", 9, true) }),
		level: IntensiveOutpatient, rate: map[Dimension]int{5: 2}},
	{name: "AUDIT-C 10, weekly", s: adult(func(s *Self) { drinks(s, "weekly", 10, true) }),
		level: PartialHospitalization, says: []string{"score 10 of 12"}, rate: map[Dimension]int{5: 3}},
	{name: "AUDIT-C 2, woman (negative)", s: adult(func(s *Self) { drinks(s, "less_than_monthly", 2, false) }),
		level: EarlyIntervention, rate: map[Dimension]int{5: 0}},
	{name: "AUDIT-C 3, woman (positive)", s: adult(func(s *Self) { drinks(s, "less_than_monthly", 3, true) }),
		level: Outpatient, rate: map[Dimension]int{5: 1}},
	{name: "AUDIT-C 3, man (negative)", s: adult(func(s *Self) { drinks(s, "less_than_monthly", 3, false) }),
		level: EarlyIntervention, rate: map[Dimension]int{5: 0}},
	{name: "AUDIT-C 4, man (positive)", s: adult(func(s *Self) { drinks(s, "less_than_monthly", 4, true) }),
		level: Outpatient, rate: map[Dimension]int{5: 1}},
	{name: "readiness 3", s: adult(func(s *Self) { drinks(s, "weekly", 3, false); s.Readiness = 3 }),
		level: IntensiveOutpatient, rate: map[Dimension]int{4: 2}},
	{name: "readiness 4", s: adult(func(s *Self) { drinks(s, "weekly", 3, false); s.Readiness = 4 }),
		level: Outpatient, rate: map[Dimension]int{4: 1}},
	{name: "readiness 6", s: adult(func(s *Self) { drinks(s, "weekly", 3, false); s.Readiness = 6 }),
		level: Outpatient, says: []string{"at 6 out of 10"}, rate: map[Dimension]int{4: 1}},
	{name: "readiness 7", s: adult(func(s *Self) { drinks(s, "weekly", 3, false); s.Readiness = 7 }),
		level: Outpatient, rate: map[Dimension]int{4: 0}},
	{name: "readiness 0, light use", s: adult(func(s *Self) { drinks(s, "less_than_monthly", 1, false); s.Readiness = 0 }),
		level: EarlyIntervention, rate: map[Dimension]int{4: 1}},
	{name: "weekly use (no withdrawal rating)", s: adult(func(s *Self) { drinks(s, "weekly", 3, false) }),
		level: Outpatient, rate: map[Dimension]int{1: 0}},
	{name: "several times a week (low withdrawal rating)", s: adult(func(s *Self) { drinks(s, "several_weekly", 3, false) }),
		level: Outpatient, rate: map[Dimension]int{1: 1}},
	{name: "PHQ-9 question 9: not at all", s: adult(func(s *Self) { drinks(s, "weekly", 3, false); s.PHQ9Item9 = 0 }),
		level: Outpatient},
	{name: "PHQ-9 question 9: several days", s: adult(func(s *Self) { drinks(s, "weekly", 3, false); s.PHQ9Item9 = 1 }),
		level: Emergency, crisis: true},
}

func TestSelfVignettes(t *testing.T) {
	if len(selfVignettes) < 24 {
		t.Fatalf("only %d vignettes", len(selfVignettes))
	}
	for _, v := range selfVignettes {
		t.Run(v.name, func(t *testing.T) {
			if p := SelfProblems(v.s); len(p) > 0 {
				t.Fatalf("the vignette is not a valid self-assessment: %v", p)
			}
			in := FromSelf(v.s)
			rec, err := RecommendSelf(v.s)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Level != v.level || rec.Crisis != v.crisis {
				t.Fatalf("level %s (crisis %v), want %s (crisis %v); ratings %v; reasons %+v", rec.Level, rec.Crisis, v.level, v.crisis, in.Ratings, rec.Reasons)
			}
			if v.crisis && (len(rec.Reasons) == 0 || rec.Reasons[0].Dimension != 0 || !slices.Contains(in.Crisis, rec.Reasons[0].Text)) {
				t.Errorf("a crisis must be the first reason: %+v", rec.Reasons)
			}
			for d, want := range v.rate {
				if in.Ratings[d] != want {
					t.Errorf("dimension %d rated %d, want %d (evidence %q)", d, in.Ratings[d], want, in.Evidence[d])
				}
			}
			var said []string
			for d := 1; d <= 6; d++ {
				said = append(said, in.Evidence[d]...) // ratings no rule acts on are evidence only
			}
			for _, r := range rec.Reasons {
				said = append(append(said, r.Text), r.Evidence...)
			}
			for _, want := range v.says {
				if !slices.ContainsFunc(said, func(x string) bool { return strings.Contains(x, want) }) {
					t.Errorf("no reason or evidence says %q; got %q", want, said)
				}
			}
			for _, want := range v.notes {
				if !slices.ContainsFunc(rec.Notes, func(x string) bool { return strings.Contains(x, want) }) {
					t.Errorf("no note says %q; got %q", want, rec.Notes)
				}
			}
			if len(rec.Notes) == 0 || rec.Notes[0] != Disclaimer {
				t.Error("the recommendation does not say it is decision support")
			}
		})
	}
}

type pair struct{ d, r int }

// TestSelfRulesAreNotDecorative: every rating the self-assessment gives has
// a documented rule, and every documented rule is reached by a vignette.
func TestSelfRulesAreNotDecorative(t *testing.T) {
	documented := map[pair]bool{}
	for _, r := range SelfRules {
		if r.Rating < 1 || r.Rating > 4 || r.Dimension < 1 || r.Dimension > 6 || r.When == "" {
			t.Errorf("bad rule %+v", r)
		}
		documented[pair{int(r.Dimension), r.Rating}] = true
	}
	produced, used := map[pair]bool{}, map[int]bool{}
	for _, v := range selfVignettes {
		in := FromSelf(v.s)
		for d := 1; d <= 6; d++ {
			produced[pair{d, in.Ratings[d]}] = true
		}
		for i, r := range selfRules {
			if r.holds(v.s) && in.Ratings[r.Dimension] == r.Rating {
				used[i] = true
			}
		}
	}
	for p := range documented {
		if !produced[p] {
			t.Errorf("no vignette rates dimension %d at %d", p.d, p.r)
		}
	}
	for p := range produced {
		if p.r > 0 && !documented[p] {
			t.Errorf("dimension %d is rated %d, but no documented rule gives that", p.d, p.r)
		}
	}
	for i, r := range selfRules {
		if !used[i] {
			t.Errorf("no vignette rates dimension %d at %d because %q", r.Dimension, r.Rating, r.When)
		}
	}
}

// randomSelf draws answers across (and a little beyond) every range.
func randomSelf(r *rand.Rand) Self {
	pick := func(xs []string) string {
		if r.IntN(10) == 0 {
			return "unknown"
		}
		if r.IntN(8) == 0 {
			return ""
		}
		return xs[r.IntN(len(xs))]
	}
	b := func() bool { return r.IntN(2) == 0 }
	s := Self{Age: r.IntN(130), Frequency: pick(SelfFrequencies), HasAuditC: b(), AuditC: r.IntN(14) - 1, HasDAST: b(),
		DAST: r.IntN(12) - 1, PHQ2: r.IntN(8) - 1, PHQ9Item9: r.IntN(5) - 1, GAD2: r.IntN(8) - 1,
		WithdrawalHistory: b(), WithdrawalNow: b(), SevereWithdrawalNow: r.IntN(6) == 0, DailyHeavyAlcohol: b(), DailyBenzo: b(),
		DailyOpioid: b(), SeriousMedical: b(), Pregnant: b(), MedicalEmergencyNow: r.IntN(6) == 0, StableHousing: b(), SafeHome: b(),
		OthersUseAtHome: b(), SupportivePerson: b(), RecentTreatment: pick(SelfTreatments), Readiness: r.IntN(13) - 1,
		CanAttend: pick([]string{"yes", "no", "unsure"})}
	s.AuditCPositive = s.HasAuditC && s.AuditC >= 3 && b()
	for range r.IntN(3) {
		s.Substances = append(s.Substances, pick(SelfSubstances))
	}
	return s
}

// TestSelfRatingsAlwaysDocumented: over many random answers, FromSelf only
// gives documented ratings, with evidence exactly when the rating is above
// 0; the screeners never rate dimension 3 above 2; RecommendSelf gives the
// level the rules give.
func TestSelfRatingsAlwaysDocumented(t *testing.T) {
	documented := map[pair]bool{}
	for _, r := range SelfRules {
		documented[pair{int(r.Dimension), r.Rating}] = true
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := randomSelf(rng)
		in := FromSelf(s)
		for d := 1; d <= 6; d++ {
			r := in.Ratings[d]
			if r > 0 && !documented[pair{d, r}] {
				t.Fatalf("%+v: dimension %d rated %d, which no rule documents", s, d, r)
			}
			if (r > 0) != (len(in.Evidence[d]) > 0) {
				t.Fatalf("%+v: dimension %d rated %d with evidence %q", s, d, r, in.Evidence[d])
			}
		}
		if in.Ratings[3] > 2 {
			t.Fatalf("screeners rated dimension 3 at %d", in.Ratings[3])
		}
		plain, err := Recommend(in)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := RecommendSelf(s)
		if err != nil || rec.Level != plain.Level || rec.Crisis != plain.Crisis || rec.Notes[0] != Disclaimer {
			t.Fatalf("%+v: RecommendSelf %s %v, Recommend %s", s, rec.Level, err, plain.Level)
		}
		for _, n := range rec.Notes {
			if strings.HasPrefix(n, unknownDiagnosisNote) {
				t.Fatalf("the clinician's note about a missing diagnosis reached the person: %q", n)
			}
		}
		if (in.Diagnosis == NoSUD) != lightUse(s) || (in.Diagnosis != NoSUD && in.Diagnosis != Unknown) {
			t.Fatalf("%+v: diagnosis proxy %q", s, in.Diagnosis)
		}
	}
}

func TestZeroSelf(t *testing.T) {
	in := FromSelf(Self{})
	rec, err := RecommendSelf(Self{})
	if err != nil || rec.Level != EarlyIntervention || in.Diagnosis != NoSUD {
		t.Fatalf("zero Self: %+v, %v, %+v", rec, err, in)
	}
	if p := SelfProblems(Self{}); p["age"] == "" || p["recent_treatment"] == "" || p["can_attend"] == "" {
		t.Errorf("zero Self problems: %v", p)
	}
}

func TestSelfProblems(t *testing.T) {
	ok := adult(func(s *Self) { drinks(s, "weekly", 5, true) })
	cases := []struct {
		name   string
		change func(*Self)
		keys   []string
	}{
		{"valid", func(*Self) {}, nil},
		{"age 5", func(s *Self) { s.Age = 5 }, []string{"age"}},
		{"age 121", func(s *Self) { s.Age = 121 }, []string{"age"}},
		{"age 10", func(s *Self) { s.Age = 10 }, nil},
		{"readiness 11", func(s *Self) { s.Readiness = 11 }, []string{"readiness"}},
		{"readiness -1", func(s *Self) { s.Readiness = -1 }, []string{"readiness"}},
		{"unknown substance", func(s *Self) { s.Substances = append(s.Substances, "kratom") }, []string{"substances"}},
		{"unknown frequency", func(s *Self) { s.Frequency = "hourly" }, []string{"frequency"}},
		{"substance without frequency", func(s *Self) { s.Frequency = "" }, []string{"frequency"}},
		{"frequency without substance", func(s *Self) { s.Substances, s.HasAuditC, s.AuditC, s.AuditCPositive = nil, false, 0, false }, []string{"frequency"}},
		{"unknown treatment", func(s *Self) { s.RecentTreatment = "jail" }, []string{"recent_treatment"}},
		{"unknown attendance", func(s *Self) { s.CanAttend = "maybe" }, []string{"can_attend"}},
		{"unknown duty", func(s *Self) { s.Duties = []string{"chores"} }, []string{"duties"}},
		{"AUDIT-C 13", func(s *Self) { s.AuditC = 13 }, []string{"audit_c"}},
		{"AUDIT-C without the questions", func(s *Self) { s.HasAuditC = false }, []string{"audit_c"}},
		{"AUDIT-C 5 marked negative", func(s *Self) { s.AuditCPositive = false }, []string{"audit_c"}},
		{"AUDIT-C 2 marked positive", func(s *Self) { s.AuditC = 2 }, []string{"audit_c"}},
		{"DAST 11", func(s *Self) { s.HasDAST, s.DAST = true, 11 }, []string{"dast_10"}},
		{"DAST without the questions", func(s *Self) { s.DAST = 3 }, []string{"dast_10"}},
		{"PHQ-2 7", func(s *Self) { s.PHQ2 = 7 }, []string{"phq_2"}},
		{"PHQ-9 question 9 at 4", func(s *Self) { s.PHQ9Item9 = 4 }, []string{"phq_9_item_9"}},
		{"GAD-2 -1", func(s *Self) { s.GAD2 = -1 }, []string{"gad_2"}},
	}
	for _, c := range cases {
		s := ok
		s.Substances = slices.Clone(ok.Substances)
		c.change(&s)
		p := SelfProblems(s)
		var keys []string
		for k, msg := range p {
			keys = append(keys, k)
			if msg == "" {
				t.Errorf("%s: empty message for %s", c.name, k)
			}
		}
		slices.Sort(keys)
		if !slices.Equal(keys, c.keys) {
			t.Errorf("%s: problems %v, want keys %v", c.name, p, c.keys)
		}
	}
}

// TestSelfWordsArePersonFirst: nothing the person reads labels them.
func TestSelfWordsArePersonFirst(t *testing.T) {
	bad := regexp.MustCompile(`(?i)\b(addicts?|abusers?|alcoholics?|junkies|junkie|drunks?|clean|dirty)\b`)
	var texts []string
	for _, r := range SelfRules {
		texts = append(texts, r.When)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var selves []Self
	for _, v := range selfVignettes {
		selves = append(selves, v.s)
	}
	for range 2000 {
		selves = append(selves, randomSelf(rng))
	}
	for _, s := range selves {
		rec, _ := RecommendSelf(s)
		texts = append(texts, rec.Notes...)
		for _, r := range rec.Reasons {
			texts = append(append(texts, r.Text), r.Evidence...)
		}
	}
	for _, x := range texts {
		if m := bad.FindString(x); m != "" {
			t.Fatalf("%q uses %q", x, m)
		}
	}
}

// TestSelfDocListsEveryRule keeps the self-assessment table in
// docs/placement.md equal to SelfRules, row for row.
func TestSelfDocListsEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../../docs/placement.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "\n## The public self-assessment\n")
	if start < 0 {
		t.Fatal(`docs/placement.md has no "## The public self-assessment" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	row := regexp.MustCompile(`(?m)^\| (\d) \| (\d) \| (.+) \|$`)
	rows := row.FindAllStringSubmatch(section, -1)
	if len(rows) != len(SelfRules) {
		t.Fatalf("docs/placement.md lists %d self-assessment rules, the code has %d", len(rows), len(SelfRules))
	}
	for i, m := range rows {
		d, _ := strconv.Atoi(m[1])
		rating, _ := strconv.Atoi(m[2])
		r := SelfRules[i]
		if Dimension(d) != r.Dimension || rating != r.Rating || m[3] != r.When {
			t.Errorf("self-assessment rule %d: doc says %d, %d, %q; code says %d, %d, %q", i+1, d, rating, m[3], r.Dimension, r.Rating, r.When)
		}
	}
}

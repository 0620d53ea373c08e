package outcomes

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
)

func d(s string) model.Date {
	day, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return day
}

// fixture is a small center counted by hand. The period is the four whole
// weeks from Monday 2 March to Sunday 29 March 2026; today is 1 April.
//
//	A admitted 2 Mar, open                    (inquiry 20 Feb)
//	B admitted 9 Mar, discharged 20 Mar, left before completing (inquiry 4 Mar, New York time)
//	C admitted 5 Jan, discharged 16 Mar, completed
//	D admitted 15 Dec, open
//	E admitted 10 Dec, discharged 30 Dec, administrative (not in care in the period)
//	F admitted 2 Feb, discharged 20 Feb, no discharge summary (not in care in the period)
//	G admitted 16 Feb, open
//
// Every program has a weekly minimum of 9 hours (540 minutes).
func fixture() Input {
	ny, _ := time.LoadLocation("America/New_York")
	ep := func(id, admitted, discharged, typ string) Episode {
		e := Episode{ID: "ep-" + id, ClientID: id, Admitted: d(admitted), DischargeType: typ, MinWeeklyMinutes: 540}
		if discharged != "" {
			e.Discharged = d(discharged)
		}
		return e
	}
	a := ep("a", "2026-03-02", "", "")
	a.InquiredAt = time.Date(2026, 2, 20, 10, 0, 0, 0, time.UTC)
	b := ep("b", "2026-03-09", "2026-03-20", "left_before_completion")
	b.InquiredAt = time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC) // 4 March, 9 pm in New York
	c := ep("c", "2026-01-05", "2026-03-16", "completed")
	c.InquiredAt = time.Date(2025, 12, 20, 12, 0, 0, 0, time.UTC) // admitted before the period: not counted
	mark := func(client, day, status string, minutes int) Mark {
		return Mark{ClientID: client, Date: d(day), Status: status, Minutes: minutes}
	}
	screen := func(client, day string, negative bool) Screen {
		return Screen{ClientID: client, Date: d(day), Negative: negative}
	}
	score := func(client, instrument, day string, total int) Score {
		return Score{ClientID: client, Instrument: instrument, Date: d(day), Total: total}
	}
	return Input{From: d("2026-03-02"), To: d("2026-03-29"), Today: d("2026-04-01"), Loc: ny,
		Episodes: []Episode{a, b, c, ep("d", "2025-12-15", "", ""), ep("e", "2025-12-10", "2025-12-30", "administrative"),
			ep("f", "2026-02-02", "2026-02-20", ""), ep("g", "2026-02-16", "", "")},
		Marks: []Mark{
			// A: 540 minutes in weeks 1 and 2, 360 in week 3, a cancelled meeting in week 4.
			mark("a", "2026-03-03", "present", 180), mark("a", "2026-03-04", "present", 180), mark("a", "2026-03-05", "present", 180),
			mark("a", "2026-03-10", "present", 180), mark("a", "2026-03-11", "present", 180), mark("a", "2026-03-12", "present", 180),
			mark("a", "2026-03-17", "present", 180), mark("a", "2026-03-18", "late", 180), mark("a", "2026-03-19", "absent_unexcused", 0),
			mark("a", "2026-03-24", "cancelled", 0),
			// B: 540 in week 2; a mark after the discharge does not count.
			mark("b", "2026-03-10", "present", 180), mark("b", "2026-03-11", "present", 180), mark("b", "2026-03-12", "left_early", 180),
			mark("b", "2026-03-24", "absent_excused", 0),
			// C: 600 in week 1, nothing attended in week 2.
			mark("c", "2026-03-03", "present", 300), mark("c", "2026-03-05", "present", 300), mark("c", "2026-03-10", "absent_excused", 0),
			// D: one absence. G: 540 in week 1, and one mark before the period.
			mark("d", "2026-03-04", "absent_unexcused", 0),
			mark("g", "2026-03-03", "present", 180), mark("g", "2026-03-04", "present", 180), mark("g", "2026-03-05", "present", 180),
			mark("g", "2026-02-27", "present", 180),
		},
		Screens: []Screen{
			screen("a", "2026-03-03", true), screen("a", "2026-03-17", false), screen("b", "2026-03-12", true),
			screen("d", "2026-03-25", false), // refused
			screen("g", "2026-03-26", true),
			screen("f", "2026-02-10", true), // F is not in care in the period
			screen("b", "2026-03-24", true), // after B's discharge
		},
		Scores: []Score{
			score("a", "phq-9", "2026-03-02", 18), score("a", "phq-9", "2026-03-16", 14), score("a", "phq-9", "2026-03-30", 9), // the last is after the period
			score("b", "phq-9", "2026-03-09", 12), score("b", "phq-9", "2026-03-19", 5),
			score("c", "phq-9", "2026-01-05", 9), score("c", "phq-9", "2026-03-02", 9),
			score("d", "phq-9", "2025-12-15", 8), score("d", "phq-9", "2026-03-10", 16),
			score("g", "phq-9", "2026-02-16", 20),                                       // one score only
			score("e", "phq-9", "2025-12-10", 15), score("e", "phq-9", "2025-12-28", 5), // E is not in care in the period
			score("a", "gad-7", "2026-03-02", 12), score("a", "gad-7", "2026-03-23", 8),
			score("d", "gad-7", "2025-12-15", 6), score("d", "gad-7", "2026-03-10", 3),
		},
		Changes: []Change{
			{EpisodeID: "ep-d", Kind: "step_down", Date: d("2026-03-05")}, {EpisodeID: "ep-a", Kind: "step_up", Date: d("2026-03-20")},
			{EpisodeID: "ep-g", Kind: "step_down", Date: d("2026-03-27")}, {EpisodeID: "ep-d", Kind: "step_down", Date: d("2026-02-10")},
			{EpisodeID: "ep-e", Kind: "step_down", Date: d("2025-12-20")},
		},
	}
}

func TestFiguresOnAHandCountedFixture(t *testing.T) {
	r := Compute(fixture())
	tests := []struct {
		key      string
		num, den int
		value    float64
		display  string
	}{
		// A (2 Mar) and B (9 Mar).
		{"admissions", 2, 0, 0, "2"},
		// Open at the end of 29 March: A, D, G (B and C were discharged).
		{"census", 3, 0, 0, "3"},
		// B stayed 11 days (9 to 20 Mar), C 70 (5 Jan to 16 Mar: 26 + 28 + 16); the median of two is their mean.
		{"length_of_stay", 0, 2, 40.5, "40.5 days"},
		// Admitted 31 Jan to 27 Feb: F (left on day 18, no) and G (open, yes).
		{"retention_30", 1, 2, 0, "50% (1 of 2)"},
		// Admitted 1 to 28 Jan: C, completed.
		{"retention_60", 1, 1, 0, "100% (1 of 1)"},
		// Admitted 2 to 29 Dec: D (open, yes) and E (left on day 20, no).
		{"retention_90", 1, 2, 0, "50% (1 of 2)"},
		// B and C were discharged in the period; C completed.
		{"completion", 1, 2, 0, "50% (1 of 2)"},
		// Client-weeks in care all week: A 4, B 1 (9-15 Mar), C 2, D 4, G 4 = 15.
		// Met 540 minutes: A weeks 1 and 2, B week 2, C week 1, G week 1 = 5.
		{"weekly_minimum", 5, 15, 0, "33% (5 of 15)"},
		// Marks in care, less the cancelled one: A 9 (8 attended), B 3 (3), C 3 (2), D 1 (0), G 3 (3) = 16 of 19.
		{"attendance", 16, 19, 0, "84% (16 of 19)"},
		// In care: A 3 Mar (neg), A 17 Mar (pos), B 12 Mar (neg), D refused, G 26 Mar (neg) = 3 of 5.
		{"screens_negative", 3, 5, 0, "60% (3 of 5)"},
		// A 18 -> 14 (-4), B 12 -> 5 (-7), C 9 -> 9 (0), D 8 -> 16 (+8): mean -3/4; G has one score.
		{"phq9_change", 0, 4, -0.75, "-0.8 points"},
		// Only B fell by 6 or more.
		{"phq9_improved", 1, 4, 0, "25% (1 of 4)"},
		// At caseness at first (10 or more): A (18) and B (12); B ends below 10.
		{"phq9_remission", 1, 2, 0, "50% (1 of 2)"},
		// A 12 -> 8 (-4), D 6 -> 3 (-3): mean -3.5.
		{"gad7_change", 0, 2, -3.5, "-3.5 points"},
		// A fell by 4.
		{"gad7_improved", 1, 2, 0, "50% (1 of 2)"},
		// At caseness (8 or more): A (12); A ends at 8, still at caseness.
		{"gad7_remission", 0, 1, 0, "0% (0 of 1)"},
		// D 5 Mar and G 27 Mar (D's in February and E's are outside).
		{"step_downs", 2, 0, 0, "2"},
		{"step_ups", 1, 0, 0, "1"},
		// A: 20 Feb to 2 Mar = 10 days; B: 4 Mar (New York) to 9 Mar = 5 days; median 7.5.
		{"inquiry_to_admission", 0, 2, 7.5, "7.5 days"},
	}
	for _, tt := range tests {
		f := r.Figure(tt.key)
		if f.Key != tt.key {
			t.Errorf("%s: missing", tt.key)
			continue
		}
		num, den := f.Num, f.Den
		if f.Unit == People || f.Unit == Count {
			den = 0
		}
		if f.Unit == Days || f.Unit == Points {
			num = 0
		}
		if num != tt.num || den != tt.den || (tt.value != 0 && f.Value != tt.value) || f.Display() != tt.display {
			t.Errorf("%s: %d of %d, value %v, %q; want %d of %d, %v, %q", tt.key, num, den, f.Value, f.Display(), tt.num, tt.den, tt.value, tt.display)
		}
	}
	if f := r.Figure("aftercare_kept"); f.Missing == "" || f.Display() != "Not computed" {
		t.Errorf("aftercare: %+v, want not computed", f)
	}
	if len(r.Figures) != len(Definitions) {
		t.Errorf("%d figures, want one per definition (%d)", len(r.Figures), len(Definitions))
	}
	for i, f := range r.Figures {
		if f.Key != Definitions[i].Key {
			t.Errorf("figure %d is %s, want %s (the definitions' order)", i, f.Key, Definitions[i].Key)
		}
	}

	// Discharge types of B and C.
	var types []string
	for _, x := range r.Discharges {
		if x.Count > 0 {
			types = append(types, x.Type)
		}
	}
	if !slices.Equal(types, []string{"completed", "left_before_completion"}) || len(r.Discharges) != 5 {
		t.Errorf("discharges %+v", r.Discharges)
	}
	// The funnel follows the 90-day cohort, D and E: both admitted, D alone in care at 30, 60 and 90 days, nobody completed.
	var funnel []int
	for _, s := range r.Funnel {
		funnel = append(funnel, s.Count)
	}
	if !slices.Equal(funnel, []int{2, 1, 1, 1, 0}) || r.FunnelFrom != d("2025-12-02") || r.FunnelTo != d("2025-12-29") {
		t.Errorf("funnel %v from %s to %s", funnel, r.FunnelFrom, r.FunnelTo)
	}
	// One month, March: 5 screens of 4 clients, 3 negative.
	if len(r.Months) != 1 || r.Months[0] != (Month{First: d("2026-03-01"), Month: "2026-03", Label: "Mar 2026", Screens: 5, Negative: 3, Clients: 4}) {
		t.Errorf("months %+v", r.Months)
	}
	// PHQ-9 bins: B better by 6+, A better by 1-5, C no change, D worse by 6+.
	var bins []int
	for _, b := range r.Change[0].Bins {
		bins = append(bins, b.Count)
	}
	if !slices.Equal(bins, []int{1, 1, 1, 0, 1}) || r.Change[0].Bins[0].Label != "Better by 6 or more" {
		t.Errorf("PHQ-9 bins %v %+v", bins, r.Change[0].Bins)
	}
}

func TestMonthsSpanThePeriod(t *testing.T) {
	in := fixture()
	in.From, in.To = d("2025-11-20"), d("2026-02-10")
	r := Compute(in)
	var got []string
	for _, m := range r.Months {
		got = append(got, m.Month)
	}
	if !slices.Equal(got, []string{"2025-11", "2025-12", "2026-01", "2026-02"}) {
		t.Errorf("months %v", got)
	}
	// F's screen on 10 Feb is the only one in the period.
	if r.Months[3].Screens != 1 || r.Months[3].Negative != 1 {
		t.Errorf("February %+v", r.Months[3])
	}
}

func TestEveryDefinitionSaysWhatItCounts(t *testing.T) {
	keys := map[string]bool{}
	for _, df := range Definitions {
		if keys[df.Key] {
			t.Errorf("%s defined twice", df.Key)
		}
		keys[df.Key] = true
		if df.Name == "" || df.Definition == "" {
			t.Errorf("%s has no name or definition", df.Key)
		}
		if df.Unit == Share && (df.Numerator == "" || df.Denominator == "") {
			t.Errorf("%s is a share without its numerator and denominator in words", df.Key)
		}
		if (df.Unit == Days || df.Unit == Points) && df.Denominator == "" {
			t.Errorf("%s does not say what it is taken over", df.Key)
		}
		for _, w := range []string{"addict", "abuser"} {
			if strings.Contains(strings.ToLower(df.Definition+df.Numerator+df.Denominator), w) {
				t.Errorf("%s says %q", df.Key, w)
			}
		}
	}
	for _, ins := range Instruments {
		for _, k := range []string{"_change", "_improved", "_remission"} {
			if !keys[ins.Key+k] {
				t.Errorf("%s%s is not defined", ins.Key, k)
			}
		}
	}
}

func TestExportSuppressesSmallCells(t *testing.T) {
	share := func(num, den, clients int) []string {
		return Figure{Definition: Definition{Name: "x", Unit: Share}, Num: num, Den: den, Clients: clients}.exportRow()
	}
	tests := []struct {
		name string
		row  []string
		want [3]string // value, numerator, denominator
	}{
		{"large cells", share(12, 30, 30), [3]string{"40%", "12", "30"}},
		{"small numerator", share(5, 30, 30), [3]string{Hidden, Small, "30"}},
		{"small complement", share(25, 30, 30), [3]string{Hidden, Hidden, "30"}},
		{"everyone", share(30, 30, 30), [3]string{"100%", "30", "30"}},
		{"nobody", share(0, 30, 30), [3]string{"0%", "0", "30"}},
		{"small denominator", share(3, 8, 8), [3]string{Small, Small, Small}},
		{"eleven", share(11, 22, 22), [3]string{"50%", "11", "22"}},
		{"meetings of few clients", Figure{Definition: Definition{Unit: Share, Counts: "meetings"}, Num: 40, Den: 60, Clients: 4}.exportRow(), [3]string{Small, Small, Small}},
		{"meetings of many clients", Figure{Definition: Definition{Unit: Share, Counts: "meetings"}, Num: 5, Den: 60, Clients: 20}.exportRow(), [3]string{"8%", "5", "60"}},
		{"a median of few", Figure{Definition: Definition{Unit: Days}, Den: 4, Value: 30, Clients: 4}.exportRow(), [3]string{Hidden, "", Small}},
		{"a median of many", Figure{Definition: Definition{Unit: Days}, Den: 12, Value: 30, Clients: 12}.exportRow(), [3]string{"30", "", "12"}},
		{"a count of people", Figure{Definition: Definition{Unit: People}, Num: 7}.exportRow(), [3]string{Small, "", ""}},
		{"a count of events by few", Figure{Definition: Definition{Unit: Count}, Num: 14, Clients: 3}.exportRow(), [3]string{Small, "", ""}},
	}
	for _, tt := range tests {
		if got := [3]string{tt.row[2], tt.row[3], tt.row[4]}; got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}

	// The fixture is small: no count of 1 to 10 people comes out.
	rows := Compute(fixture()).Export()
	if !slices.Equal(rows[0], Header) {
		t.Errorf("header %v", rows[0])
	}
	for _, row := range rows[1:] {
		if len(row) != len(Header) {
			t.Fatalf("row %v", row)
		}
		for _, c := range row[2:5] {
			if c != "" && c != "0" && c != Small && c != Hidden && !strings.HasPrefix(c, "not computed") && !strings.Contains(c, " to ") {
				t.Errorf("%s %s: %q leaves the center", row[0], row[1], c)
			}
		}
	}
}

func TestChangeOfUsesTheReliableChangeThreshold(t *testing.T) {
	for _, c := range []struct {
		code          string
		first, latest int
		want          Direction
	}{
		{"phq-9", 16, 10, Improving}, {"phq-9", 16, 11, Stable}, {"phq-9", 8, 14, Worse}, {"phq-9", 8, 13, Stable},
		{"gad-7", 12, 8, Improving}, {"gad-7", 12, 9, Stable}, {"gad-7", 5, 9, Worse},
	} {
		if got, _, ok := ChangeOf(c.code, c.first, c.latest); !ok || got != c.want {
			t.Errorf("ChangeOf(%s, %d, %d) = %s, want %s", c.code, c.first, c.latest, got, c.want)
		}
	}
	if _, _, ok := ChangeOf("audit-c", 9, 2); ok {
		t.Error("an instrument without a cited threshold says nothing")
	}
}

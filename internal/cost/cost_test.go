package cost_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/cost"
)

// fpl builds a whole sliding scale from one row shape per size: brackets
// under 100%, 100-200% and 200% and up of a made-up base of $10,000 plus
// $5,000 per extra person, paying 10%, 50% and 100%.
func fpl() cost.Scale {
	var s cost.Scale
	for size := 1; size <= cost.MaxHousehold; size++ {
		base := int64(10_000_00 + 5_000_00*(size-1))
		s = append(s, cost.Bracket{Size: size, FromCents: 0, UnderCents: base, Percent: 10},
			cost.Bracket{Size: size, FromCents: base, UnderCents: 2 * base, Percent: 50},
			cost.Bracket{Size: size, FromCents: 2 * base, Percent: 100})
	}
	return s
}

func TestEstimateFromTheTables(t *testing.T) {
	daily := cost.Fees{AmountCents: 175_00, Unit: cost.PerDay, DaysPerWeek: 3, Weeks: 10}
	weekly := cost.Fees{AmountCents: 500_00, Unit: cost.PerWeek, DaysPerWeek: 3, Weeks: 8}
	for _, c := range []struct {
		name             string
		fees             cost.Fees
		scale            cost.Scale
		h                cost.Household
		pct              int
		day, program     int64
		fullDay, fullPrg int64
	}{
		// 3 people, base $20,000: $30,000 is in 100-200% -> 50%: $87.50 a day, 30 days $2,625.
		{"household of 3 at 150%", daily, fpl(), cost.Household{Size: 3, IncomeCents: 30_000_00, HasIncome: true}, 50, 87_50, 2_625_00, 175_00, 5_250_00},
		// The lower edge of a bracket belongs to it: $20,000 for 3 is 50%, $19,999.99 is 10%.
		{"bracket's lower edge", daily, fpl(), cost.Household{Size: 3, IncomeCents: 20_000_00, HasIncome: true}, 50, 87_50, 2_625_00, 175_00, 5_250_00},
		{"just under it", daily, fpl(), cost.Household{Size: 3, IncomeCents: 19_999_99, HasIncome: true}, 10, 17_50, 525_00, 175_00, 5_250_00},
		// No income is still an income: $0 for 1 person pays 10%.
		{"no income at all", daily, fpl(), cost.Household{Size: 1, IncomeCents: 0, HasIncome: true}, 10, 17_50, 525_00, 175_00, 5_250_00},
		// More than 8 people counts as 8: base $45,000, $100,000 is 200% and up.
		{"ten people", daily, fpl(), cost.Household{Size: 10, IncomeCents: 100_000_00, HasIncome: true}, 100, 175_00, 5_250_00, 175_00, 5_250_00},
		// Income not given: the full fee.
		{"no income given", daily, fpl(), cost.Household{Size: 2}, 100, 175_00, 5_250_00, 175_00, 5_250_00},
		// No sliding scale: the full fee whatever the income.
		{"no scale", daily, nil, cost.Household{Size: 2, IncomeCents: 1_00, HasIncome: true}, 100, 175_00, 5_250_00, 175_00, 5_250_00},
		// $500 a week over 3 days is $166.67 a day (rounded); 8 weeks is $4,000;
		// 10% is $16.67 a day and $400 for the program.
		{"weekly fee", weekly, fpl(), cost.Household{Size: 1, IncomeCents: 9_000_00, HasIncome: true}, 10, 16_67, 400_00, 166_67, 4_000_00},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := cost.Compute(c.fees, c.scale, c.h)
			if err != nil {
				t.Fatal(err)
			}
			if e.Percent != c.pct || e.DayCents != c.day || e.ProgramCents != c.program || e.FullDayCents != c.fullDay || e.FullProgramCents != c.fullPrg {
				t.Errorf("got %d%%: %d a day, %d the program (full %d, %d); want %d%%: %d, %d (full %d, %d)",
					e.Percent, e.DayCents, e.ProgramCents, e.FullDayCents, e.FullProgramCents, c.pct, c.day, c.program, c.fullDay, c.fullPrg)
			}
			if e.Scaled != (c.pct != 100 || (c.h.Given() && c.scale != nil)) {
				t.Errorf("Scaled = %v", e.Scaled)
			}
		})
	}
	if _, err := cost.Compute(cost.Fees{}, fpl(), cost.Household{}); err == nil {
		t.Error("an estimate without a fee schedule")
	}
	bad := fpl()
	bad[1].FromCents += 1_00
	if _, err := cost.Compute(daily, bad, cost.Household{Size: 1, IncomeCents: 1, HasIncome: true}); err == nil {
		t.Error("an estimate from a scale with a gap")
	}
}

func TestBadScalesAreRefusedByRow(t *testing.T) {
	edit := func(f func(s cost.Scale) cost.Scale) cost.Scale { return f(fpl()) }
	for _, c := range []struct {
		name  string
		scale cost.Scale
		key   string
		want  string
	}{
		// Row 5 is size 2's middle row ($15,000 to under $30,000).
		{"gap", edit(func(s cost.Scale) cost.Scale { s[4].FromCents = 16_000_00; return s }), "row-5",
			"Row 5 leaves a gap after row 4: for a household of 2, no bracket covers $15,000 to under $16,000."},
		{"overlap", edit(func(s cost.Scale) cost.Scale { s[4].FromCents = 14_000_00; return s }), "row-5",
			"Row 5 overlaps row 4: for a household of 2, both cover $14,000 to under $15,000."},
		{"open row below another", edit(func(s cost.Scale) cost.Scale { s[3].UnderCents = 0; return s }), "row-5",
			"Row 5 overlaps row 4: for a household of 2, row 4 has no upper limit"},
		{"not from zero", edit(func(s cost.Scale) cost.Scale { s[0].FromCents = 1_00; return s }), "row-1",
			"Row 1: the lowest bracket for a household of 1 must start at $0 (it starts at $1)."},
		{"top has a limit", edit(func(s cost.Scale) cost.Scale { s[2].UnderCents = 90_000_00; return s }), "row-3",
			"Row 3: the highest bracket for a household of 1 must have no upper limit"},
		{"percent over 100", edit(func(s cost.Scale) cost.Scale { s[7].Percent = 101; return s }), "row-8",
			"Row 8: the percentage of the fee must be from 0 to 100."},
		{"negative percent", edit(func(s cost.Scale) cost.Scale { s[7].Percent = -1; return s }), "row-8", "from 0 to 100"},
		{"size 9", edit(func(s cost.Scale) cost.Scale { s[23].Size = 9; return s }), "row-24",
			"Row 24: the household size must be from 1 to 8."},
		{"size 0", edit(func(s cost.Scale) cost.Scale { s[0].Size = 0; return s }), "row-1", "from 1 to 8"},
		{"upper limit below start", edit(func(s cost.Scale) cost.Scale { s[1].UnderCents = 5_000_00; return s }), "row-2",
			"Row 2: the income it goes up to ($5,000) must be more than where it starts ($10,000)."},
		{"a size missing", fpl()[:21], "scale", "Household size 8 has no brackets"},
		{"sizes missing", fpl()[:15], "scale", "Household sizes 6, 7, 8 have no brackets"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.scale.Problems()
			if !strings.Contains(p[c.key], c.want) {
				t.Errorf("problems %v; want %s: %q", p, c.key, c.want)
			}
		})
	}
	if p := fpl().Problems(); len(p) != 0 {
		t.Errorf("a good scale refused: %v", p)
	}
	// Row order does not matter, only coverage.
	s := fpl()
	s[0], s[2] = s[2], s[0]
	if p := s.Problems(); len(p) != 0 {
		t.Errorf("a good scale in another order refused: %v", p)
	}
	if p := (cost.Scale{}).Problems(); len(p) != 0 {
		t.Errorf("an empty scale (full fee for all) refused: %v", p)
	}
}

func TestFeesAndTextsAreChecked(t *testing.T) {
	p := cost.Fees{AmountCents: 0, Unit: "month", DaysPerWeek: 8, Weeks: 0}.Problems()
	for _, k := range []string{"fee", "unit", "days_per_week", "weeks"} {
		if p[k] == "" {
			t.Errorf("no problem for %s in %v", k, p)
		}
	}
	if p := (cost.Fees{AmountCents: 1, Unit: cost.PerWeek, DaysPerWeek: 7, Weeks: 52}).Problems(); len(p) != 0 {
		t.Errorf("good fees refused: %v", p)
	}
	texts := cost.Texts{}
	for _, py := range cost.Payers {
		texts[py] = "Ask us."
	}
	if p := texts.Problems(); len(p) != 0 {
		t.Errorf("good texts refused: %v", p)
	}
	texts[cost.Medicare] = "  "
	texts["cash"] = "x"
	if p := texts.Problems(); p["text_medicare"] == "" || p["text_cash"] == "" || len(p) != 2 {
		t.Errorf("texts problems: %v", p)
	}
}

func TestMoney(t *testing.T) {
	for cents, want := range map[int64]string{0: "$0", 5: "$0.05", 64_75: "$64.75", 1_234_00: "$1,234", 123_456_789_00: "$123,456,789", 1_000_00: "$1,000", 999_00: "$999"} {
		if got := cost.FormatUSD(cents); got != want {
			t.Errorf("FormatUSD(%d) = %q, want %q", cents, got, want)
		}
	}
	for in, want := range map[string]int64{"42000": 42_000_00, "$42,000": 42_000_00, " 175.5 ": 175_50, "175.05": 175_05, "0": 0, "$1,234,567.89": 1_234_567_89} {
		if got, err := cost.ParseDollars(in); err != nil || got != want {
			t.Errorf("ParseDollars(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5", "4,20,00", "1.234", "abc", "12e3", "$", "10000001", "1.", "1,2345"} {
		if got, err := cost.ParseDollars(in); err == nil {
			t.Errorf("ParseDollars(%q) = %d, want an error", in, got)
		}
	}
	h, p := cost.ParseHousehold("3", "$42,000")
	if len(p) != 0 || h != (cost.Household{Size: 3, IncomeCents: 42_000_00, HasIncome: true}) {
		t.Errorf("ParseHousehold: %+v %v", h, p)
	}
	if _, p := cost.ParseHousehold("9", "lots"); p["household_size"] == "" || p["household_income"] == "" {
		t.Errorf("ParseHousehold accepted a bad size or income: %v", p)
	}
	if h, p := cost.ParseHousehold("", ""); len(p) != 0 || h.Given() {
		t.Errorf("nothing said: %+v %v", h, p)
	}
}

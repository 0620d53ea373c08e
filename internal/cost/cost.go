// Package cost is the person's side of paying for treatment: how they would
// pay (the payer types), the center's fee schedule and sliding scale, and
// the estimate a person sees from them. Money is whole cents in int64. It is
// pure Go: no SQL, no HTTP, no clock.
package cost

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Payer is how a person expects to pay for treatment.
type Payer string

// The payer types, in the order the forms list them.
const (
	Medicaid   Payer = "medicaid"
	Medicare   Payer = "medicare"
	Commercial Payer = "commercial"
	Employer   Payer = "employer" // an employee assistance program (EAP)
	SelfPay    Payer = "self_pay"
	NotSure    Payer = "not_sure"
)

// Payers lists the payer types in form order.
var Payers = []Payer{Medicaid, Medicare, Commercial, Employer, SelfPay, NotSure}

// Valid reports whether p is a known payer type.
func (p Payer) Valid() bool { return slices.Contains(Payers, p) }

// Label is the payer type in the person's words.
func (p Payer) Label() string {
	switch p {
	case Medicaid:
		return "Medicaid"
	case Medicare:
		return "Medicare"
	case Commercial:
		return "A health plan (through work, the Marketplace or my own)"
	case Employer:
		return "My employer's program (EAP)"
	case SelfPay:
		return "Paying myself"
	case NotSure:
		return "Not sure yet"
	}
	return string(p)
}

// Short is the payer type in a word or two, for staff lists.
func (p Payer) Short() string {
	switch p {
	case Commercial:
		return "Commercial plan"
	case Employer:
		return "Employer program (EAP)"
	case SelfPay:
		return "Self-pay"
	case NotSure:
		return "Not sure"
	}
	return p.Label()
}

// Estimated reports whether the person is shown an estimate from the fee
// schedule: those paying themselves, and those not sure yet.
func (p Payer) Estimated() bool { return p == SelfPay || p == NotSure }

// AsksHousehold reports whether the household size and income that the
// sliding scale needs are asked: only of a person paying themselves.
func (p Payer) AsksHousehold() bool { return p == SelfPay }

// MaxHousehold is the largest household size the sliding scale has rows
// for; a larger household uses its rows ("8 or more").
const MaxHousehold = 8

// MaxTextLen is the longest explanation the center may write per payer.
const MaxTextLen = 3000

// maxCents bounds money typed in anywhere: ten million dollars.
const maxCents = 10_000_000_00

// Unit is what the fee is charged per.
type Unit string

// The fee units.
const (
	PerDay  Unit = "day"
	PerWeek Unit = "week"
)

// Fees is the center's self-pay fee schedule.
type Fees struct {
	AmountCents int64 // the fee per Unit
	Unit        Unit
	DaysPerWeek int    // IOP days in a typical week
	Weeks       int    // the typical length of the program in weeks
	Note        string // shown with the estimate, e.g. what the sliding scale follows
}

// Set reports whether the center has a fee schedule.
func (f Fees) Set() bool { return f.AmountCents > 0 }

// Problems checks a fee schedule; the keys are the settings form's fields.
func (f Fees) Problems() map[string]string {
	p := map[string]string{}
	if f.AmountCents <= 0 || f.AmountCents > maxCents {
		p["fee"] = "Enter the fee in dollars, more than $0, such as 175 or 175.50."
	}
	if f.Unit != PerDay && f.Unit != PerWeek {
		p["unit"] = "Choose whether the fee is per IOP day or per week."
	}
	if f.DaysPerWeek < 1 || f.DaysPerWeek > 7 {
		p["days_per_week"] = "Enter the IOP days in a typical week, 1 to 7."
	}
	if f.Weeks < 1 || f.Weeks > 52 {
		p["weeks"] = "Enter the typical length in weeks, 1 to 52."
	}
	if utf8.RuneCountInString(f.Note) > 500 {
		p["note"] = "Keep the note under 500 characters."
	}
	return p
}

// Days is the number of IOP days in a typical program.
func (f Fees) Days() int { return f.DaysPerWeek * f.Weeks }

// DayCents is the full fee for one IOP day; a weekly fee is shared over
// the week's days, rounded to the cent.
func (f Fees) DayCents() int64 {
	if f.Unit == PerWeek && f.DaysPerWeek > 0 {
		return divRound(f.AmountCents, int64(f.DaysPerWeek))
	}
	return f.AmountCents
}

// ProgramCents is the full fee for a typical program.
func (f Fees) ProgramCents() int64 {
	if f.Unit == PerWeek {
		return f.AmountCents * int64(f.Weeks)
	}
	return f.AmountCents * int64(f.Days())
}

// Bracket is one row of the sliding scale: for a household of Size people
// with a yearly income from FromCents up to (not including) UnderCents, the
// person pays Percent of the fee. UnderCents 0 means no upper limit.
type Bracket struct {
	Size       int
	FromCents  int64
	UnderCents int64
	Percent    int
}

// Contains reports whether a yearly income falls in the bracket.
func (b Bracket) Contains(income int64) bool {
	return income >= b.FromCents && (b.UnderCents == 0 || income < b.UnderCents)
}

// Range is the bracket's incomes in words, e.g. "$21,150 to under $31,725".
func (b Bracket) Range() string {
	if b.UnderCents == 0 {
		return FormatUSD(b.FromCents) + " or more"
	}
	if b.FromCents == 0 {
		return "under " + FormatUSD(b.UnderCents)
	}
	return FormatUSD(b.FromCents) + " to under " + FormatUSD(b.UnderCents)
}

// Scale is the center's sliding scale: for each household size from 1 to
// MaxHousehold, brackets that cover every income from $0 up without gaps
// or overlaps. An empty scale means the full fee for everyone.
type Scale []Bracket

// RowKey is the problems key of the scale's row i (0-based): "row-1", ...
func RowKey(i int) string { return fmt.Sprintf("row-%d", i+1) }

// Problems checks the scale. A problem with one row is keyed by RowKey and
// names the row (and the row it collides with); one about the whole scale
// is keyed "scale".
func (s Scale) Problems() map[string]string {
	p := map[string]string{}
	if len(s) == 0 {
		return p
	}
	bad := map[int]bool{}
	for i, b := range s {
		switch {
		case b.Size < 1 || b.Size > MaxHousehold:
			p[RowKey(i)] = fmt.Sprintf("Row %d: the household size must be from 1 to %d.", i+1, MaxHousehold)
		case b.Percent < 0 || b.Percent > 100:
			p[RowKey(i)] = fmt.Sprintf("Row %d: the percentage of the fee must be from 0 to 100.", i+1)
		case b.FromCents < 0 || b.FromCents > maxCents || b.UnderCents < 0 || b.UnderCents > maxCents:
			p[RowKey(i)] = fmt.Sprintf("Row %d: enter incomes in dollars, from $0 up.", i+1)
		case b.UnderCents != 0 && b.UnderCents <= b.FromCents:
			p[RowKey(i)] = fmt.Sprintf("Row %d: the income it goes up to (%s) must be more than where it starts (%s).",
				i+1, FormatUSD(b.UnderCents), FormatUSD(b.FromCents))
		default:
			continue
		}
		bad[i] = true
	}
	if len(bad) > 0 {
		return p // the order of broken rows means nothing yet
	}
	bySize := map[int][]int{}
	for i, b := range s {
		bySize[b.Size] = append(bySize[b.Size], i)
	}
	var missing []string
	for size := 1; size <= MaxHousehold; size++ {
		rows := bySize[size]
		if len(rows) == 0 {
			missing = append(missing, strconv.Itoa(size))
			continue
		}
		slices.SortStableFunc(rows, func(a, b int) int { return cmpInt64(s[a].FromCents, s[b].FromCents) })
		if first := s[rows[0]]; first.FromCents != 0 {
			p[RowKey(rows[0])] = fmt.Sprintf("Row %d: the lowest bracket for %s must start at $0 (it starts at %s).",
				rows[0]+1, household(size), FormatUSD(first.FromCents))
		}
		for k := 1; k < len(rows); k++ {
			prev, cur := s[rows[k-1]], s[rows[k]]
			switch {
			case prev.UnderCents == 0:
				p[RowKey(rows[k])] = fmt.Sprintf("Row %d overlaps row %d: for %s, row %d has no upper limit, so it already covers %s.",
					rows[k]+1, rows[k-1]+1, household(size), rows[k-1]+1, FormatUSD(cur.FromCents))
			case cur.FromCents > prev.UnderCents:
				p[RowKey(rows[k])] = fmt.Sprintf("Row %d leaves a gap after row %d: for %s, no bracket covers %s to under %s.",
					rows[k]+1, rows[k-1]+1, household(size), FormatUSD(prev.UnderCents), FormatUSD(cur.FromCents))
			case cur.FromCents < prev.UnderCents:
				p[RowKey(rows[k])] = fmt.Sprintf("Row %d overlaps row %d: for %s, both cover %s to under %s.",
					rows[k]+1, rows[k-1]+1, household(size), FormatUSD(cur.FromCents), FormatUSD(min(prev.UnderCents, orMax(cur.UnderCents))))
			}
		}
		if last := rows[len(rows)-1]; s[last].UnderCents != 0 {
			if _, ok := p[RowKey(last)]; !ok {
				p[RowKey(last)] = fmt.Sprintf("Row %d: the highest bracket for %s must have no upper limit (leave \"up to\" empty), so that every income is covered.",
					last+1, household(size))
			}
		}
	}
	if len(missing) > 0 {
		p["scale"] = fmt.Sprintf("Household sizes %s have no brackets: give every size from 1 to %d its brackets, or remove all rows to charge the full fee.",
			strings.Join(missing, ", "), MaxHousehold)
		if len(missing) == 1 {
			p["scale"] = fmt.Sprintf("Household size %s has no brackets: give every size from 1 to %d its brackets, or remove all rows to charge the full fee.",
				missing[0], MaxHousehold)
		}
	}
	return p
}

func household(size int) string {
	if size == 1 {
		return "a household of 1"
	}
	return fmt.Sprintf("a household of %d", size)
}

func orMax(c int64) int64 {
	if c == 0 {
		return maxCents + 1
	}
	return c
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Sorted returns the scale ordered by household size and income.
func (s Scale) Sorted() Scale {
	out := slices.Clone(s)
	slices.SortStableFunc(out, func(a, b Bracket) int {
		if a.Size != b.Size {
			return a.Size - b.Size
		}
		return cmpInt64(a.FromCents, b.FromCents)
	})
	return out
}

// Find returns the bracket for a household size (above MaxHousehold counts
// as MaxHousehold) and yearly income.
func (s Scale) Find(size int, income int64) (Bracket, bool) {
	size = min(size, MaxHousehold)
	for _, b := range s {
		if b.Size == size && b.Contains(income) {
			return b, true
		}
	}
	return Bracket{}, false
}

// Household is what a person told about their household for the sliding
// scale; Size 0 means they did not say.
type Household struct {
	Size        int
	IncomeCents int64
	HasIncome   bool
}

// Given reports whether the sliding scale can be used.
func (h Household) Given() bool { return h.Size > 0 && h.HasIncome }

// ParseHousehold reads the optional household size (1 to MaxHousehold) and
// yearly income in dollars as a person types them. The problems' keys are
// "household_size" and "household_income".
func ParseHousehold(size, income string) (Household, map[string]string) {
	var h Household
	p := map[string]string{}
	if size = strings.TrimSpace(size); size != "" {
		n, err := strconv.Atoi(size)
		if err != nil || n < 1 || n > MaxHousehold {
			p["household_size"] = fmt.Sprintf("Choose how many people live in your household, 1 to %d or more.", MaxHousehold)
		}
		h.Size = n
	}
	if strings.TrimSpace(income) != "" {
		c, err := ParseDollars(income)
		if err != nil {
			p["household_income"] = "Enter your household's yearly income in dollars, for example 42000 or $42,000."
		}
		h.IncomeCents, h.HasIncome = c, err == nil
	}
	if len(p) > 0 {
		return Household{}, p
	}
	return h, p
}

// Estimate is what a person would pay by the center's tables: per IOP
// day and for a typical program, and what it is based on.
type Estimate struct {
	Fees             Fees
	Household        Household
	HasScale         bool    // the center has a sliding scale
	Bracket          Bracket // the row used, when Scaled
	Scaled           bool
	Percent          int // of the full fee
	FullDayCents     int64
	FullProgramCents int64
	DayCents         int64
	ProgramCents     int64
}

// Compute estimates what a person pays from the fee schedule and sliding
// scale. Without a household size and income (or without a scale) it is
// the full fee. The tables must be valid.
func Compute(f Fees, s Scale, h Household) (Estimate, error) {
	if len(f.Problems()) > 0 {
		return Estimate{}, fmt.Errorf("cost.Compute: the center has no valid fee schedule")
	}
	if len(s.Problems()) > 0 {
		return Estimate{}, fmt.Errorf("cost.Compute: the sliding scale is not valid")
	}
	e := Estimate{Fees: f, Household: h, HasScale: len(s) > 0, Percent: 100,
		FullDayCents: f.DayCents(), FullProgramCents: f.ProgramCents()}
	if h.Given() && e.HasScale {
		if b, ok := s.Find(h.Size, h.IncomeCents); ok {
			e.Bracket, e.Scaled, e.Percent = b, true, b.Percent
		}
	}
	e.DayCents = percentOf(e.FullDayCents, e.Percent)
	e.ProgramCents = percentOf(e.FullProgramCents, e.Percent)
	return e, nil
}

// percentOf is p percent of cents, rounded half up to the cent.
func percentOf(cents int64, p int) int64 { return divRound(cents*int64(p), 100) }

func divRound(a, b int64) int64 { return (a + b/2) / b }

// FormatUSD writes cents as dollars: "$1,234" for whole dollars, "$64.75"
// otherwise.
func FormatUSD(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	d := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if c := cents % 100; c != 0 {
		return fmt.Sprintf("%s$%s.%02d", sign, b.String(), c)
	}
	return sign + "$" + b.String()
}

// DollarsValue writes cents for a form field: "42000" or "175.50"; 0 is "".
func DollarsValue(cents int64) string {
	if cents == 0 {
		return ""
	}
	if cents%100 == 0 {
		return strconv.FormatInt(cents/100, 10)
	}
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

// ParseDollars reads an amount of dollars as people type it ("42000",
// "$42,000", "175.5", "175.50") into cents. Negative amounts, more than two
// decimals and more than ten million dollars are refused.
func ParseDollars(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		// Thousands separators must be where they belong: 42,000 not 4,20,00.
		parts := strings.Split(whole, ",")
		for i, p := range parts {
			if (i == 0 && (len(p) < 1 || len(p) > 3)) || (i > 0 && len(p) != 3) {
				return 0, fmt.Errorf("%q is not an amount of dollars", s)
			}
		}
		whole = strings.Join(parts, "")
	}
	if whole == "" || !digits(whole) || (hasFrac && (len(frac) < 1 || len(frac) > 2 || !digits(frac))) || len(whole) > 9 {
		return 0, fmt.Errorf("%q is not an amount of dollars", s)
	}
	d, _ := strconv.ParseInt(whole, 10, 64)
	var c int64
	if hasFrac {
		c, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			c *= 10
		}
	}
	cents := d*100 + c
	if cents > maxCents {
		return 0, fmt.Errorf("%s is more than this form takes", FormatUSD(cents))
	}
	return cents, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Texts are the center's explanations of what each payer type usually
// means for IOP, shown on the public result.
type Texts map[Payer]string

// Problems checks the explanations: one for every payer type, none too
// long. The keys are "text_" and the payer type.
func (t Texts) Problems() map[string]string {
	p := map[string]string{}
	for _, py := range Payers {
		v := strings.TrimSpace(t[py])
		switch {
		case v == "":
			p["text_"+string(py)] = fmt.Sprintf("Write what paying with %s usually means for IOP at the center; a person who chooses it reads this on their result.", py.Short())
		case utf8.RuneCountInString(v) > MaxTextLen:
			p["text_"+string(py)] = fmt.Sprintf("Keep this under %d characters.", MaxTextLen)
		}
	}
	for py := range t {
		if !py.Valid() {
			p["text_"+string(py)] = "There is no such payer type."
		}
	}
	return p
}

// Paragraphs splits a text at blank lines, for showing it as paragraphs.
func Paragraphs(text string) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			out = append(out, para)
		}
	}
	return out
}

// Settings are everything the center sets about cost: the explanations per
// payer type, the fee schedule and the sliding scale.
type Settings struct {
	Texts Texts
	Fees  Fees
	Scale Scale
}

// Estimate computes the estimate for a person from the settings; ok is
// false when the center has set no fee schedule.
func (s Settings) Estimate(h Household) (Estimate, bool) {
	if !s.Fees.Set() {
		return Estimate{}, false
	}
	e, err := Compute(s.Fees, s.Scale, h)
	return e, err == nil
}

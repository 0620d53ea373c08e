package outcomes

import (
	"strconv"
)

// MinCell is the smallest count of people an export meant to leave the
// center may show: cells of 1 to 10 people are suppressed (the CMS cell size
// suppression policy's threshold of 11).
const MinCell = 11

// Small marks a suppressed small cell; Hidden a cell withheld because it
// would reveal a small one (its complement).
const (
	Small  = "<11"
	Hidden = "suppressed"
)

// cell is a count of people as an export may show it.
func cell(n int) string {
	if n > 0 && n < MinCell {
		return Small
	}
	return strconv.Itoa(n)
}

func small(n int) bool { return n > 0 && n < MinCell }

// Header is the first row of Export.
var Header = []string{"section", "item", "value", "numerator", "denominator", "definition"}

// Export is the report as rows for a CSV file that may leave the center:
// every cell resting on 1 to 10 people is replaced by "<11", and a share
// whose complement (the denominator less the numerator) is 1 to 10 people is
// withheld too, since it would give that small number away.
func (r Report) Export() [][]string {
	out := [][]string{Header}
	period := r.From.String() + " to " + r.To.String()
	out = append(out, []string{"period", "days", period, "", "", "Figures for the days from the first to the last, both included; counts end " + r.End.String() + "."})
	for _, f := range r.Figures {
		out = append(out, f.exportRow())
	}
	for _, d := range r.Discharges {
		out = append(out, []string{"discharge_type", d.Label, cell(d.Count), "", "", "Discharges in the period of this type."})
	}
	for _, s := range r.Funnel {
		out = append(out, []string{"funnel", s.Label, cell(s.Count), "", "",
			"Admissions between " + r.FunnelFrom.String() + " and " + r.FunnelTo.String() + " (everyone has had 90 days)."})
	}
	for _, m := range r.Months {
		v, num, den := Percent(m.Negative, m.Screens), strconv.Itoa(m.Negative), strconv.Itoa(m.Screens)
		if small(m.Clients) {
			v, num, den = Small, Small, Small
		}
		out = append(out, []string{"drug_screens_month", m.Month, v, num, den, "Screens negative for every substance, of all screens that month (clients screened: " + cell(m.Clients) + ")."})
	}
	for _, c := range r.Change {
		for _, b := range c.Bins {
			out = append(out, []string{c.Instrument.Code + "_change", b.Label, cell(b.Count), "", "", "Episodes by change from the first score to the latest."})
		}
	}
	return out
}

func (f Figure) exportRow() []string {
	row := []string{"figure", f.Name, "", "", "", f.Definition.Definition}
	if f.Missing != "" {
		row[2] = "not computed: " + f.Missing
		return row
	}
	switch f.Unit {
	case People:
		row[2] = cell(f.Num)
	case Count:
		row[2] = strconv.Itoa(f.Num)
		if small(f.Clients) {
			row[2] = Small
		}
	case Days, Points:
		row[4] = cell(f.Den)
		switch {
		case f.Den == 0:
			row[2] = ""
		case small(f.Den) || small(f.Clients):
			row[2] = Hidden
		case f.Unit == Days:
			row[2] = trim(f.Value)
		default:
			row[2] = signed(f.Value)
		}
	case Share:
		row[2], row[3], row[4] = Percent(f.Num, f.Den), strconv.Itoa(f.Num), strconv.Itoa(f.Den)
		switch {
		case f.Counts != "" && small(f.Clients):
			// Not people: withhold it all when it rests on few clients.
			row[2], row[3], row[4] = Small, Small, Small
		case f.Counts != "":
		case small(f.Den):
			row[2], row[3], row[4] = Small, Small, Small
		case small(f.Num):
			row[2], row[3] = Hidden, Small
		case small(f.Den - f.Num):
			row[2], row[3] = Hidden, Hidden
		}
		if f.Den == 0 {
			row[2] = ""
		}
	}
	return row
}

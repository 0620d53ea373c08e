package web

import (
	"encoding/csv"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	outc "github.com/openiop/openiop/internal/outcomes"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/chart"
)

// outcomeDays is the default period: the last 90 days.
const outcomeDays = 90

type option struct{ Value, Label string }

type changeView struct {
	outc.InstrumentChange
	Chart template.HTML
}

type outcomesData struct {
	From, To, ProgramID, TrackID, Payer string
	Problems                            map[string]string
	Programs                            []model.Program
	Tracks                              []store.TrackWithCount
	Payers                              []option
	Report                              outc.Report
	Funnel, Screens                     template.HTML
	Change                              []changeView
	CSV                                 template.URL // the download for the same filters
	MinCell                             int
	Source                              string
	Filter                              string // the filters in words
}

// outcomesPage is the director's outcomes page: the program's figures for a
// period, each with its definition, charts with a table under each, and the
// CSV download. Aggregates only: no client is named.
func (s *Server) outcomesPage(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Outcomes", "outcomes")
	d, f, err := s.outcomeFilter(r, v)
	if err != nil {
		return err
	}
	in, err := s.Store.OutcomeRows(r.Context(), f)
	if err != nil {
		return err
	}
	in.Today, in.Loc = v.Today, v.Org.Location()
	d.Report = outc.Compute(in)
	d.Funnel = chart.RenderFunnel(chart.Funnel{Title: "Admissions to discharge", Steps: funnelSteps(d.Report.Funnel)})
	if len(d.Report.Months) > 0 {
		line := chart.Line{Title: "Drug screens negative, per month (%)", Max: 100}
		for _, m := range d.Report.Months {
			if m.Screens == 0 {
				continue
			}
			at := m.First.In(time.UTC).Add(12 * time.Hour)
			line.Points = append(line.Points, chart.Point{At: at, Value: pct(m.Negative, m.Screens),
				Label: outc.Percent(m.Negative, m.Screens) + " of " + strconv.Itoa(m.Screens) + " screens"})
		}
		d.Screens = chart.Render(line)
	}
	for _, c := range d.Report.Change {
		bars := chart.Bars{Title: c.Instrument.Title + " change from the first score to the latest", Unit: "episodes"}
		for _, b := range c.Bins {
			bars.Bars = append(bars.Bars, chart.Bar{Label: b.Short, Value: float64(b.Count), Title: b.Label + ": " + strconv.Itoa(b.Count)})
		}
		cv := changeView{InstrumentChange: c}
		if c.Mean.Den > 0 {
			cv.Chart = chart.RenderBars(bars)
		}
		d.Change = append(d.Change, cv)
	}
	if err := s.auditRead(r, audit.ActionQuery, "outcomes.report", "", "outcomes "+d.Filter); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "outcomes", &v)
}

// outcomesCSV downloads the figures for the same filters, with every cell
// under 11 people suppressed: this file may leave the center.
func (s *Server) outcomesCSV(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Outcomes", "outcomes")
	d, f, err := s.outcomeFilter(r, v)
	if err != nil {
		return err
	}
	if len(d.Problems) > 0 {
		return model.Invalid("web.outcomesCSV", d.Problems)
	}
	in, err := s.Store.OutcomeRows(r.Context(), f)
	if err != nil {
		return err
	}
	in.Today, in.Loc = v.Today, v.Org.Location()
	rows := outc.Compute(in).Export()
	if err := s.auditRead(r, audit.ActionExport, "outcomes.export", "", "outcomes CSV, small cells suppressed, "+d.Filter); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="openiop-outcomes-`+d.From+`-`+d.To+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.WriteAll(rows)
	return cw.Error()
}

// outcomeFilter reads the filters; a wrong one is reported and left out.
func (s *Server) outcomeFilter(r *http.Request, v view) (outcomesData, store.OutcomeFilter, error) {
	q := r.URL.Query()
	d := outcomesData{From: q.Get("from"), To: q.Get("to"), ProgramID: q.Get("program"), TrackID: q.Get("track"), Payer: q.Get("payer"),
		Problems: map[string]string{}, MinCell: outc.MinCell, Source: outc.TalkingTherapies}
	from, to := datePeriod(d.From, d.To, v.Today.AddDays(-(outcomeDays - 1)), v.Today, d.Problems)
	if from.DaysUntil(to) > 3*366 {
		d.Problems["from"] = "Choose a period of at most three years."
		from = to.AddDays(-3 * 366)
	}
	d.From, d.To = from.String(), to.String()
	var err error
	if d.Programs, err = s.Store.Programs(r.Context()); err != nil {
		return d, store.OutcomeFilter{}, err
	}
	if d.Tracks, err = s.Store.Tracks(r.Context()); err != nil {
		return d, store.OutcomeFilter{}, err
	}
	words := []string{d.From + " to " + d.To}
	if d.ProgramID != "" {
		name := ""
		for _, p := range d.Programs {
			if p.ID == d.ProgramID {
				name = p.Name
			}
		}
		if name == "" {
			d.Problems["program"], d.ProgramID = "There is no such program.", ""
		} else {
			words = append(words, "program "+name)
		}
	}
	if d.TrackID != "" {
		name := ""
		for _, t := range d.Tracks {
			if t.ID == d.TrackID && (d.ProgramID == "" || t.ProgramID == d.ProgramID) {
				name = t.ProgramName + ", " + t.Name
			}
		}
		if name == "" {
			d.Problems["track"], d.TrackID = "There is no such track in the program.", ""
		} else {
			words = append(words, "track "+name)
		}
	}
	for _, p := range cost.Payers {
		d.Payers = append(d.Payers, option{string(p), p.Short()})
	}
	d.Payers = append(d.Payers, option{outc.NoPayer, "Not recorded"})
	if d.Payer != "" {
		label := ""
		for _, o := range d.Payers {
			if o.Value == d.Payer {
				label = o.Label
			}
		}
		if label == "" {
			d.Problems["payer"], d.Payer = "Choose a payer type from the list.", ""
		} else {
			words = append(words, "payer "+label)
		}
	}
	d.Filter = strings.Join(words, "; ")
	qs := url.Values{"from": {d.From}, "to": {d.To}}
	for k, val := range map[string]string{"program": d.ProgramID, "track": d.TrackID, "payer": d.Payer} {
		if val != "" {
			qs.Set(k, val)
		}
	}
	d.CSV = template.URL("/outcomes.csv?" + qs.Encode()) // #nosec G203 -- a fixed path and url.Values.Encode
	return d, store.OutcomeFilter{From: from, To: to, ProgramID: d.ProgramID, TrackID: d.TrackID, Payer: d.Payer}, nil
}

func funnelSteps(stages []outc.Stage) []chart.Step {
	out := make([]chart.Step, len(stages))
	for i, s := range stages {
		out[i] = chart.Step{Label: s.Label, Count: s.Count}
	}
	return out
}

func pct(num, den int) int {
	if den == 0 {
		return 0
	}
	return (200*num + den) / (2 * den)
}

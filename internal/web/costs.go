package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

// payView is what a page says about paying: the center's explanation for
// the person's payer type and, for self-pay and "not sure", the estimate.
type payView struct {
	Payer      cost.Payer
	Paragraphs []string
	Estimate   *estimateView
}

// estimateView is an estimate in words and dollars, for templates.
type estimateView struct {
	Day, Program         string // what the person would pay
	FullDay, FullProgram string
	Fee                  string // the fee as the center sets it, per Unit
	Unit                 cost.Unit
	Days, DaysPerWeek    int
	Weeks, Percent       int
	Scaled, HasScale     bool
	Size                 int
	Income, Range, Note  string
}

func estimateOf(e cost.Estimate) *estimateView {
	v := &estimateView{Day: cost.FormatUSD(e.DayCents), Program: cost.FormatUSD(e.ProgramCents),
		FullDay: cost.FormatUSD(e.FullDayCents), FullProgram: cost.FormatUSD(e.FullProgramCents),
		Fee: cost.FormatUSD(e.Fees.AmountCents), Unit: e.Fees.Unit, Days: e.Fees.Days(), DaysPerWeek: e.Fees.DaysPerWeek,
		Weeks: e.Fees.Weeks, Percent: e.Percent, Scaled: e.Scaled, HasScale: e.HasScale, Note: e.Fees.Note}
	if e.Scaled {
		v.Size, v.Income, v.Range = e.Household.Size, cost.FormatUSD(e.Household.IncomeCents), e.Bracket.Range()
	}
	return v
}

// payment builds what to say about paying with payer (nothing for none).
func (s *Server) payment(r *http.Request, payer cost.Payer, h cost.Household) (payView, error) {
	v := payView{Payer: payer}
	if payer == "" {
		return v, nil
	}
	settings, err := s.Store.CostSettings(r.Context())
	if err != nil {
		return v, err
	}
	v.Paragraphs = cost.Paragraphs(settings.Texts[payer])
	if payer.Estimated() {
		if e, ok := settings.Estimate(h); ok {
			v.Estimate = estimateOf(e)
		}
	}
	return v, nil
}

// payFields reads the payment questions of the public forms: the payer
// type and, for self-pay only, household size and yearly income (both
// optional). It notes problems on f.
func payFields(f *form.Form) (cost.Payer, cost.Household, payTyped) {
	typed := payTyped{Size: f.String("household_size", 3), Income: f.String("household_income", 20)}
	payer := cost.Payer(f.String("payer", 20))
	if payer != "" && !payer.Valid() {
		f.Problems["payer"] = "Choose how you expect to pay, or leave it empty."
		return "", cost.Household{}, typed
	}
	if !payer.AsksHousehold() {
		return payer, cost.Household{}, payTyped{}
	}
	h, problems := cost.ParseHousehold(typed.Size, typed.Income)
	f.Merge(problems)
	return payer, h, typed
}

// payTyped is the household size and income as typed, to show them again.
type payTyped struct{ Size, Income string }

func typedOf(h cost.Household) payTyped {
	t := payTyped{}
	if h.Size > 0 {
		t.Size = strconv.Itoa(h.Size)
	}
	if h.HasIncome {
		t.Income = cost.DollarsValue(h.IncomeCents)
		if h.IncomeCents == 0 {
			t.Income = "0"
		}
	}
	return t
}

// householdSizes are the choices of household size on the public forms.
var householdSizes = func() []struct{ Value, Label string } {
	var out []struct{ Value, Label string }
	for n := 1; n <= cost.MaxHousehold; n++ {
		label := strconv.Itoa(n)
		switch n {
		case 1:
			label = "1 (just me)"
		case cost.MaxHousehold:
			label = fmt.Sprintf("%d or more", n)
		}
		out = append(out, struct{ Value, Label string }{strconv.Itoa(n), label})
	}
	return out
}()

// costSettingsData is the settings page: the explanations per payer type,
// the fee schedule and the sliding scale, as stored or as typed.
type costSettingsData struct {
	Payers   []cost.Payer
	Texts    map[string]string // by payer type
	Fees     feesTyped
	Rows     []bracketTyped
	Problems map[string]string
	Saved    string
	Example  *estimateView // a worked example from the stored tables
}

type feesTyped struct{ Fee, Unit, DaysPerWeek, Weeks, Note string }

type bracketTyped struct{ Size, From, Under, Percent string }

// scaleBlankRows are the empty rows under the sliding scale for adding brackets.
const (
	scaleBlankRows = 4
	maxScaleRows   = 200
	exampleSize    = 3
	exampleIncome  = 40_000_00
)

// costSettings shows the settings page.
func (s *Server) costSettings(w http.ResponseWriter, r *http.Request) error {
	settings, err := s.Store.CostSettings(r.Context())
	if err != nil {
		return err
	}
	d := costSettingsData{Texts: map[string]string{}, Saved: r.URL.Query().Get("saved")}
	for p, t := range settings.Texts {
		d.Texts[string(p)] = t
	}
	d.Fees, d.Rows = storedFees(settings)
	return s.renderCostSettings(w, r, http.StatusOK, d, settings)
}

func dollarsOrZero(c int64) string {
	if c == 0 {
		return "0"
	}
	return cost.DollarsValue(c)
}

func (s *Server) renderCostSettings(w http.ResponseWriter, r *http.Request, status int, d costSettingsData, stored cost.Settings) error {
	d.Payers = cost.Payers
	for range scaleBlankRows {
		d.Rows = append(d.Rows, bracketTyped{})
	}
	if e, ok := stored.Estimate(cost.Household{Size: exampleSize, IncomeCents: exampleIncome, HasIncome: true}); ok {
		d.Example = estimateOf(e)
	}
	v := s.view(r, "Cost and coverage", "program")
	v.Data = d
	return s.pages.Page(w, status, "cost_settings", &v)
}

// payerTextsSave replaces the explanations per payer type.
func (s *Server) payerTextsSave(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.payerTextsSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	texts, typed := cost.Texts{}, map[string]string{}
	for _, p := range cost.Payers {
		key := "text_" + string(p)
		texts[p] = f.String(key, cost.MaxTextLen)
		typed[string(p)] = texts[p]
	}
	f.Merge(texts.Problems())
	if f.OK() {
		err = s.Store.SavePayerTexts(r.Context(), texts, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		stored, err := s.Store.CostSettings(r.Context())
		if err != nil {
			return err
		}
		d := costSettingsData{Texts: typed, Problems: f.Problems}
		d.Fees, d.Rows = storedFees(stored)
		return s.renderCostSettings(w, r, http.StatusUnprocessableEntity, d, stored)
	}
	http.Redirect(w, r, "/program/costs?saved=texts", http.StatusSeeOther)
	return nil
}

func storedFees(st cost.Settings) (feesTyped, []bracketTyped) {
	f := feesTyped{Fee: cost.DollarsValue(st.Fees.AmountCents), Unit: string(st.Fees.Unit), Note: st.Fees.Note}
	if f.Unit == "" {
		f.Unit = string(cost.PerDay)
	}
	if st.Fees.Set() {
		f.DaysPerWeek, f.Weeks = strconv.Itoa(st.Fees.DaysPerWeek), strconv.Itoa(st.Fees.Weeks)
	}
	var rows []bracketTyped
	for _, b := range st.Scale {
		rows = append(rows, bracketTyped{Size: strconv.Itoa(b.Size), From: dollarsOrZero(b.FromCents),
			Under: cost.DollarsValue(b.UnderCents), Percent: strconv.Itoa(b.Percent)})
	}
	return f, rows
}

// feesSave replaces the fee schedule and the sliding scale together: any
// bad row refuses the whole save, each problem named by its row.
func (s *Server) feesSave(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.feesSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	typed := feesTyped{Fee: f.String("fee", 20), Unit: f.String("unit", 10), DaysPerWeek: f.String("days_per_week", 3),
		Weeks: f.String("weeks", 3), Note: f.String("note", 500)}
	fees := cost.Fees{Unit: cost.Unit(typed.Unit), Note: typed.Note}
	if c, err := cost.ParseDollars(typed.Fee); err == nil {
		fees.AmountCents = c
	}
	fees.DaysPerWeek, _ = strconv.Atoi(typed.DaysPerWeek)
	fees.Weeks, _ = strconv.Atoi(typed.Weeks)
	f.Merge(fees.Problems())

	// The rows as typed; wholly empty rows are dropped, so that the row
	// numbers in messages are those shown when the form comes back.
	n := f.Int("rows", 0)
	if n < 0 || n > maxScaleRows {
		n = 0
		f.Problems["scale"] = fmt.Sprintf("The sliding scale can have at most %d rows.", maxScaleRows)
	}
	var rows []bracketTyped
	for i := range n {
		row := bracketTyped{Size: f.String(fmt.Sprintf("size_%d", i), 3), From: f.String(fmt.Sprintf("from_%d", i), 20),
			Under: f.String(fmt.Sprintf("under_%d", i), 20), Percent: f.String(fmt.Sprintf("percent_%d", i), 4)}
		if row != (bracketTyped{}) {
			rows = append(rows, row)
		}
	}
	scale, rowProblems := parseScale(rows)
	f.Merge(rowProblems)
	if len(rowProblems) == 0 {
		f.Merge(scale.Problems())
	}
	if f.OK() {
		err = s.Store.SaveFees(r.Context(), fees, scale, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		stored, err := s.Store.CostSettings(r.Context())
		if err != nil {
			return err
		}
		d := costSettingsData{Texts: map[string]string{}, Fees: typed, Rows: rows, Problems: f.Problems}
		for p, t := range stored.Texts {
			d.Texts[string(p)] = t
		}
		return s.renderCostSettings(w, r, http.StatusUnprocessableEntity, d, stored)
	}
	http.Redirect(w, r, "/program/costs?saved=fees#fees", http.StatusSeeOther)
	return nil
}

// parseScale reads typed rows into brackets, with a problem per row that
// cannot be read. An empty "from" is $0 and an empty "up to" no limit.
func parseScale(rows []bracketTyped) (cost.Scale, map[string]string) {
	p := map[string]string{}
	var s cost.Scale
	for i, row := range rows {
		var b cost.Bracket
		var err error
		fail := func(msg string) { p[cost.RowKey(i)] = fmt.Sprintf("Row %d: %s", i+1, msg) }
		if b.Size, err = strconv.Atoi(row.Size); err != nil {
			fail("enter the household size as a number from 1 to 8.")
			continue
		}
		if row.From != "" {
			if b.FromCents, err = cost.ParseDollars(row.From); err != nil {
				fail("enter the income it starts at in dollars, such as 21150.")
				continue
			}
		}
		if row.Under != "" {
			if b.UnderCents, err = cost.ParseDollars(row.Under); err != nil || b.UnderCents == 0 {
				fail("enter the income it goes up to in dollars, or leave it empty for no upper limit.")
				continue
			}
		}
		if b.Percent, err = strconv.Atoi(row.Percent); err != nil {
			fail("enter the percentage of the fee the person pays, a whole number from 0 to 100.")
			continue
		}
		s = append(s, b)
	}
	return s, p
}

// inquiryChecklist saves the payer checklist of an inquiry: benefits
// verified, pre-authorization needed, estimate told. Each change is stored
// with who and when, and audited.
func (s *Server) inquiryChecklist(w http.ResponseWriter, r *http.Request) error {
	in, err := s.loadInquiry(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.inquiryChecklist", model.KindInvalid, "The form could not be read: %v", err)
	}
	u := admissions.ChecklistUpdate{BenefitsVerified: f.String("benefits_verified", 3) == "yes",
		PreAuth: f.String("preauth", 10), EstimateTold: f.String("estimate_told", 3) == "yes"}
	f.Merge(u.Problems())
	if f.OK() {
		_, err = s.Store.SetInquiryChecklist(r.Context(), in.ID, u, sessionOf(r).User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderInquiry(w, r, http.StatusUnprocessableEntity, nil, f.Problems)
	}
	http.Redirect(w, r, "/inquiries/"+in.ID+"?saved=checklist#payment", http.StatusSeeOther)
	return nil
}

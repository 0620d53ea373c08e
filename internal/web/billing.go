package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// billingData is the biller's page: authorizations to act on, the claim
// lines of a period by payer (ready or held, with the reason), and the
// batches exported.
type billingData struct {
	From, To   model.Date
	Attention  []authRow
	Payers     []payerClaims
	Batches    []store.ClaimBatch
	Problem    string
	Flash      string
	ProfileSet bool
	// SelfPayDays counts the services of self-paying clients: billed to
	// them, never claimed, so not listed.
	SelfPayDays int
}

type authRow struct {
	billing.Standing
	ClientName string
}

// payerClaims is one payer's claim lines in the period.
type payerClaims struct {
	Payer      billing.Payer
	Ready      []billing.Line
	Held       []billing.Line
	Billed     int
	ReadyCents int64
}

// claimWindow is how far back billing looks for the start of an
// authorization, so that units are counted from its first day.
const claimWindow = 366

// claimLines computes the period's claim lines for every client with a
// service in it, held where a consent does not allow the claim.
func (s *Server) claimLines(r *http.Request, from, to, today model.Date) ([]billing.Line, map[string]billing.Payer, error) {
	days, sessions, err := s.servicesBetween(r, from, to)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, d := range days {
		ids = append(ids, d.ClientID)
	}
	for _, x := range sessions {
		ids = append(ids, x.ClientID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	files, err := s.Store.BillingFiles(r.Context(), ids)
	if err != nil {
		return nil, nil, err
	}
	// Units are counted from the earliest authorization start in play.
	start := from
	for _, f := range files {
		for _, a := range f.Auths {
			if a.From.Before(start) && !a.To.Before(from) {
				start = a.From
			}
		}
	}
	if start.Before(from.AddDays(-claimWindow)) {
		start = from.AddDays(-claimWindow)
	}
	if start.Before(from) && len(ids) > 0 {
		if days, sessions, err = s.servicesBetween(r, start, to, ids...); err != nil {
			return nil, nil, err
		}
	}
	list, err := s.Store.Payers(r.Context())
	if err != nil {
		return nil, nil, err
	}
	payers := map[string]billing.Payer{}
	for _, p := range list {
		payers[p.ID] = p
	}
	billed, err := s.Store.BilledServices(r.Context(), from, to)
	if err != nil {
		return nil, nil, err
	}
	lines := billing.Lines(days, sessions, files, payers, from, to, billed)
	// A claim discloses the client's treatment to the payer: Part 2 needs a consent naming it (or the TPO consent).
	type key struct{ client, payer string }
	reasons := map[key]string{}
	addressed := map[string]bool{} // client id -> the chart's address can go on a claim
	for i := range lines {
		l := &lines[i]
		if l.Payer.ID == "" || l.Payer.Type == cost.SelfPay || l.Batch != "" {
			continue
		}
		k := key{l.ClientID, l.Payer.ID}
		why, ok := reasons[k]
		if !ok {
			consents, err := s.Store.Consents(r.Context(), l.ClientID)
			if err != nil {
				return nil, nil, err
			}
			care, err := s.Store.ConsentCare(r.Context(), l.ClientID)
			if err != nil {
				return nil, nil, err
			}
			dec := consent.Decide(consents, consent.Request{Recipient: l.Payer.Name, TPO: true, Categories: store.ClaimCategories}, today, care)
			if !dec.Allowed {
				why = "Part 2: " + dec.Reason
			}
			reasons[k] = why
		}
		if why != "" {
			l.Held = append(l.Held, why)
		}
		ok, seen := addressed[l.ClientID]
		if !seen {
			c, err := s.Store.Client(r.Context(), l.ClientID)
			if err != nil {
				return nil, nil, err
			}
			_, ok = billing.ParseAddress(c.Address)
			addressed[l.ClientID] = ok
		}
		if !ok {
			l.Held = append(l.Held, "The address on the chart is not in the form \"street, city, ST 12345\" a claim needs.")
		}
	}
	return lines, payers, nil
}

// period reads from and to, by default last week (Monday to Sunday).
func period(r *http.Request, today model.Date) (model.Date, model.Date, string) {
	q := r.URL.Query()
	from, err1 := model.ParseDate(q.Get("from"))
	to, err2 := model.ParseDate(q.Get("to"))
	if q.Get("from") == "" && q.Get("to") == "" {
		m := intensity.Monday(today)
		return m.AddDays(-7), m.AddDays(-1), ""
	}
	if err1 != nil || err2 != nil || to.Before(from) || from.AddDays(92).Before(to) {
		m := intensity.Monday(today)
		return m.AddDays(-7), m.AddDays(-1), "Give from and to as dates, at most 92 days apart; showing last week."
	}
	return from, to, ""
}

func (s *Server) billingPage(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Billing", "billing")
	d := billingData{}
	d.From, d.To, d.Problem = period(r, v.Today)
	lines, payers, err := s.claimLines(r, d.From, d.To, v.Today)
	if err != nil {
		return err
	}
	byPayer := map[string]*payerClaims{}
	var noPayer *payerClaims
	var shown []string
	for _, l := range lines {
		if l.Payer.Type == cost.SelfPay {
			d.SelfPayDays++ // billed to the client, not claimed
			continue
		}
		shown = append(shown, l.ClientID)
		pc := noPayer
		if l.Payer.ID != "" {
			if byPayer[l.Payer.ID] == nil {
				byPayer[l.Payer.ID] = &payerClaims{Payer: l.Payer}
			}
			pc = byPayer[l.Payer.ID]
		} else if pc == nil {
			noPayer = &payerClaims{Payer: billing.Payer{Name: "No coverage on file"}}
			pc = noPayer
		}
		switch {
		case l.Batch != "":
			pc.Billed++
		case l.Ready():
			pc.Ready = append(pc.Ready, l)
			pc.ReadyCents += l.ChargeCents
		default:
			pc.Held = append(pc.Held, l)
		}
	}
	for _, p := range payers {
		if pc := byPayer[p.ID]; pc != nil {
			d.Payers = append(d.Payers, *pc)
		}
	}
	slices.SortFunc(d.Payers, func(a, b payerClaims) int { return strings.Compare(a.Payer.Name, b.Payer.Name) })
	if noPayer != nil {
		d.Payers = append(d.Payers, *noPayer)
	}
	// Authorizations to act on, every client's: ending soon, few units, beyond, wrong level.
	auths, err := s.Store.AuthorizationsEndingFrom(r.Context(), v.Today.AddDays(-14))
	if err != nil {
		return err
	}
	byClient := map[string][]billing.Authorization{}
	for _, a := range auths {
		byClient[a.ClientID] = append(byClient[a.ClientID], a)
	}
	var clients []model.Client
	for _, id := range slices.Sorted(maps.Keys(byClient)) {
		c, err := s.Store.Client(r.Context(), id)
		if err != nil {
			return err
		}
		clients = append(clients, c)
	}
	standings, err := s.standingsOf(r, clients, byClient, v.Today)
	if err != nil {
		return err
	}
	for _, c := range clients {
		for _, x := range standings[c.ID] {
			if len(x.Alerts) > 0 {
				d.Attention = append(d.Attention, authRow{Standing: x, ClientName: c.DisplayName()})
				shown = append(shown, c.ID)
			}
		}
	}
	if d.Batches, err = s.Store.ClaimBatches(r.Context(), 20); err != nil {
		return err
	}
	profile, err := s.Store.BillingProfile(r.Context())
	if err != nil {
		return err
	}
	d.ProfileSet = len(profile.Problems()) == 0
	if n := r.URL.Query().Get("exported"); n != "" {
		d.Flash = "Batch " + n + " was exported and each client's disclosure to the payer recorded. Download the 837P file below."
	}
	slices.Sort(shown)
	if err := s.auditRead(r, audit.ActionRead, "client.billing", "", "billing "+d.From.String()+".."+d.To.String()+"; shown="+strings.Join(slices.Compact(shown), ",")); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "billing_claims", &v)
}

// claimBatchCreate exports the ready claims of one payer and period as a
// batch: an 837P file and a CSV, stored as made.
func (s *Server) claimBatchCreate(w http.ResponseWriter, r *http.Request) error {
	const op = "web.claimBatchCreate"
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf(op, model.KindInvalid, "The form could not be read: %v", err)
	}
	from, to, payerID := f.Date("from"), f.Date("to"), f.String("payer", 40)
	if !f.OK() || from.IsZero() || to.Before(from) || from.AddDays(92).Before(to) {
		return model.Invalid(op, map[string]string{"from": "Give from and to as dates, at most 92 days apart."})
	}
	v := s.view(r, "", "billing")
	profile, err := s.Store.BillingProfile(r.Context())
	if err != nil {
		return err
	}
	if p := profile.Problems(); len(p) > 0 {
		return model.Invalid(op, map[string]string{"profile": "Complete the billing profile (Payers and billing settings) before exporting claims."})
	}
	lines, payers, err := s.claimLines(r, from, to, v.Today)
	if err != nil {
		return err
	}
	payer, ok := payers[payerID]
	if !ok {
		return model.Invalid(op, map[string]string{"payer": "Choose a payer."})
	}
	var mine []billing.Line
	for _, l := range lines {
		if l.Payer.ID == payerID {
			mine = append(mine, l)
		}
	}
	claims := billing.Group(mine)
	people := map[string]billing.Person{}
	for _, c := range claims {
		cl, err := s.Store.Client(r.Context(), c.ClientID)
		if err != nil {
			return err
		}
		people[c.ClientID] = billing.Person{First: cl.FirstName, Last: cl.LastName, Birth: cl.DateOfBirth, Sex: cl.SexAtBirth, Address: cl.Address}
	}
	clinicians, err := s.Store.Clinicians(r.Context())
	if err != nil {
		return err
	}
	names := map[string]string{}
	for id, c := range clinicians {
		names[id] = strings.TrimSpace(c.First + " " + c.Last)
	}
	u := sessionOf(r).User
	b, err := s.Store.CreateClaimBatch(r.Context(), store.ClaimExport{Payer: payer, From: from, To: to, Claims: claims, Today: v.Today,
		ByID: u.ID, ByName: u.Name, Files: func(control int64) ([]byte, []byte, error) {
			edi, err := billing.EDI(profile, control, s.Now(), claims, people, clinicians)
			if err != nil {
				return nil, nil, model.Errorf(op, model.KindInvalid, "The 837P could not be written: %v", err)
			}
			csv, err := billing.CSV(control, claims, csvSafe, names)
			return edi, csv, err
		}}, s.record(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/billing/batches/"+url.PathEscape(b.ID)+"?exported=1", http.StatusSeeOther)
	return nil
}

type batchData struct {
	Batch store.ClaimBatch
	Lines []billing.Line
	Flash bool
}

func (s *Server) claimBatchShow(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("bid")
	if !model.ValidID(id) {
		return model.NotFound("web.claimBatchShow", "claim batch")
	}
	b, lines, err := s.Store.ClaimBatch(r.Context(), id)
	if err != nil {
		return err
	}
	var ids []string
	for _, l := range lines {
		ids = append(ids, l.ClientID)
	}
	if err := s.auditRead(r, audit.ActionRead, "client.billing", "", "claim batch "+strconv.FormatInt(b.ControlNumber, 10)+"; shown="+strings.Join(slices.Compact(ids), ",")); err != nil {
		return err
	}
	v := s.view(r, "Claim batch "+strconv.FormatInt(b.ControlNumber, 10), "billing")
	v.Data = batchData{Batch: b, Lines: lines, Flash: r.URL.Query().Get("exported") == "1"}
	return s.pages.Page(w, http.StatusOK, "claim_batch", &v)
}

// claimBatchFile downloads a batch's 837P or CSV exactly as it was made.
func (s *Server) claimBatchFile(kind string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("bid")
		if !model.ValidID(id) {
			return model.NotFound("web.claimBatchFile", "claim batch")
		}
		b, lines, err := s.Store.ClaimBatch(r.Context(), id)
		if err != nil {
			return err
		}
		body, err := s.Store.ClaimBatchFile(r.Context(), id, kind)
		if err != nil {
			return err
		}
		var ids []string
		for _, l := range lines {
			ids = append(ids, l.ClientID)
		}
		n := strconv.FormatInt(b.ControlNumber, 10)
		if err := s.auditRead(r, audit.ActionExport, "client.billing", "", "claim batch "+n+" as "+kind+"; clients="+strings.Join(slices.Compact(ids), ",")); err != nil {
			return err
		}
		name, typ := "claims-"+n+".837", "application/edi-x12"
		if kind == "csv" {
			name, typ = "claims-"+n+".csv", "text/csv; charset=utf-8"
		}
		w.Header().Set("Content-Type", typ)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
		_, err = w.Write(body)
		return err
	}
}

package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

type privacyData struct {
	From, To    string // the period as typed, YYYY-MM-DD
	Start, End  model.Date
	MRN         string
	Problems    map[string]string
	Disclosures []store.DisclosureRow
	Emergency   []store.EmergencyGrant
	Unreviewed  int
	Refused     []audit.Record
	RefusedAll  int
	Names       map[string]string // user id -> name
	Client      *model.Client     // the client looked up by record number
	Outside     []audit.Record    // that client's records read by staff not on the care team today
	ClientReads int               // all reads of that client in the period
}

// privacyReport is the privacy officer's report for a period: every
// disclosure, every use of emergency access, every refused request, and for
// one client looked up by record number, who outside the care team read it.
func (s *Server) privacyReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := s.view(r, "Privacy report", "audit")
	loc := v.Org.Location()
	d := privacyData{From: q.Get("from"), To: q.Get("to"), MRN: strings.TrimSpace(q.Get("mrn")), Problems: map[string]string{}, Names: map[string]string{}}
	from, to := datePeriod(d.From, d.To, v.Today.AddDays(-30), v.Today, d.Problems)
	d.From, d.To, d.Start, d.End = from.String(), to.String(), from, to
	start, end := from.In(loc), to.AddDays(1).In(loc)

	users, err := s.Store.Users(ctx)
	if err != nil {
		return err
	}
	roles := map[string]model.Role{}
	for _, u := range users {
		d.Names[u.ID], roles[u.ID] = u.Name, u.Role
	}
	if d.Disclosures, err = s.Store.DisclosuresBetween(ctx, start, end); err != nil {
		return err
	}
	grants, err := s.Store.EmergencyGrants(ctx, start, false)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if g.GrantedAt.Before(end) {
			d.Emergency = append(d.Emergency, g)
			if g.ReviewedAt.IsZero() {
				d.Unreviewed++
			}
		}
	}
	if d.Refused, d.RefusedAll, err = s.Store.ListAudit(ctx, store.AuditFilter{From: start, To: end, Outcome: audit.OutcomeDenied, Desc: true, Limit: 200}); err != nil {
		return err
	}
	detail := "privacy report " + d.From + ".." + d.To
	clientID := ""
	if d.MRN != "" {
		if c, ok, err := s.clientByMRN(r, d.MRN); err != nil {
			return err
		} else if !ok {
			d.Problems["mrn"] = "No client has that record number."
		} else {
			d.Client, clientID = &c, c.ID
			if err := s.outsideReads(r, &d, c.ID, start, end, roles); err != nil {
				return err
			}
		}
	}
	if err := s.auditRead(r, audit.ActionQuery, "privacy.report", clientID, detail); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "privacy", &v)
}

// clientByMRN finds the client with exactly that record number.
func (s *Server) clientByMRN(r *http.Request, mrn string) (model.Client, bool, error) {
	list, _, err := s.Store.SearchClients(r.Context(), store.ClientQuery{Text: mrn, Status: store.StatusAny, Limit: 20})
	if err != nil {
		return model.Client{}, false, err
	}
	for _, c := range list {
		if strings.EqualFold(c.MRN, mrn) {
			return c, true, nil
		}
	}
	return model.Client{}, false, nil
}

// outsideReads fills in the client's reads in the period by clinicians who
// are not on the client's care team today (or were there by emergency
// access); the director and the minimum-necessary roles are not limited by
// the rule and are not listed.
func (s *Server) outsideReads(r *http.Request, d *privacyData, clientID string, start, end time.Time, roles map[string]model.Role) error {
	recs, _, err := s.Store.ListAudit(r.Context(), store.AuditFilter{ClientID: clientID, From: start, To: end, Desc: true, Limit: 500})
	if err != nil {
		return err
	}
	outside := map[string]bool{}
	for _, rec := range recs {
		if rec.Action != audit.ActionRead && rec.Action != audit.ActionQuery && rec.Action != audit.ActionEmergency {
			continue
		}
		d.ClientReads++
		if roles[rec.ActorID] != model.RoleClinician {
			continue
		}
		known, ok := outside[rec.ActorID]
		if !ok {
			why, err := s.Store.CareTeamAccess(r.Context(), clientID, rec.ActorID, s.Now())
			if err != nil {
				return err
			}
			known = why == "" || why == store.AccessEmergency
			outside[rec.ActorID] = known
		}
		if known {
			d.Outside = append(d.Outside, rec)
		}
	}
	return nil
}

// datePeriod reads a report's from and to as typed, falling back to the
// defaults for an empty field; a malformed date or an end before the start
// is noted in problems and the defaults are used.
func datePeriod(fromText, toText string, defFrom, defTo model.Date, problems map[string]string) (model.Date, model.Date) {
	from, to := defFrom, defTo
	if fromText != "" {
		if day, err := model.ParseDate(fromText); err != nil {
			problems["from"] = "Enter a date as YYYY-MM-DD."
		} else {
			from = day
		}
	}
	if toText != "" {
		if day, err := model.ParseDate(toText); err != nil {
			problems["to"] = "Enter a date as YYYY-MM-DD."
		} else {
			to = day
		}
	}
	if to.Before(from) {
		problems["to"] = "The end date must not be before the start date."
		return defFrom, defTo
	}
	return from, to
}

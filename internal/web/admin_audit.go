package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

const auditPerPage = 100

type auditData struct {
	Records  []audit.Record
	Total    int
	Names    map[string]string // user id -> name
	Users    []model.User
	Actions  []string
	F        auditForm
	Page     int
	Pages    int
	Prev     string
	Next     string
	CSV      string
	Problems map[string]string
}

// auditForm is the report's filter and sort as the person chose them.
type auditForm struct {
	From, To, Actor, Client, Action, Sort string
	Desc                                  bool
}

// SortLink returns the report link sorted by col, flipping the direction
// when it is already sorted by col.
func (d auditData) SortLink(col string) string {
	desc := col == "seq" || col == "at"
	if d.F.Sort == col {
		desc = !d.F.Desc
	}
	return d.link(col, desc, 1, "")
}

// SortMark shows which way the current sort column runs.
func (d auditData) SortMark(col string) string {
	if d.F.Sort != col {
		return ""
	}
	if d.F.Desc {
		return "descending"
	}
	return "ascending"
}

func (d auditData) link(sort string, desc bool, page int, format string) string {
	v := url.Values{}
	for k, x := range map[string]string{"from": d.F.From, "to": d.F.To, "actor": d.F.Actor, "client": d.F.Client, "action": d.F.Action} {
		if x != "" {
			v.Set(k, x)
		}
	}
	v.Set("sort", sort)
	if desc {
		v.Set("dir", "desc")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if format != "" {
		v.Set("format", format)
	}
	return "/admin/audit?" + v.Encode()
}

// auditLog is the audit report (ONC 170.315(d)(3)): filter by period, user,
// client and action; sort on any column; download as CSV. Reading the audit
// log is itself audited.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := s.view(r, "Audit log", "audit")
	loc := v.Org.Location()
	d := auditData{Problems: map[string]string{}, Names: map[string]string{},
		Actions: []string{audit.ActionRead, audit.ActionQuery, audit.ActionCreate, audit.ActionUpdate, audit.ActionDelete,
			audit.ActionLogin, audit.ActionLoginFailed, audit.ActionLogout, audit.ActionDenied, audit.ActionExport, audit.ActionPrint, audit.ActionDisclose, audit.ActionEmergency}}
	d.F = auditForm{From: q.Get("from"), To: q.Get("to"), Actor: q.Get("actor"), Client: q.Get("client"),
		Action: q.Get("action"), Sort: q.Get("sort"), Desc: q.Get("dir") == "desc"}
	if _, ok := store.AuditSortColumns[d.F.Sort]; !ok {
		d.F.Sort, d.F.Desc = "seq", true
	}
	f := store.AuditFilter{ActorID: d.F.Actor, ClientID: d.F.Client, Action: d.F.Action, Sort: d.F.Sort, Desc: d.F.Desc}
	if d.F.From != "" {
		if day, err := model.ParseDate(d.F.From); err != nil {
			d.Problems["from"] = "Enter a date as YYYY-MM-DD."
		} else {
			f.From = day.In(loc)
		}
	}
	if d.F.To != "" {
		if day, err := model.ParseDate(d.F.To); err != nil {
			d.Problems["to"] = "Enter a date as YYYY-MM-DD."
		} else {
			f.To = day.AddDays(1).In(loc) // through the end of that day
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		d.Problems["to"] = "The end date must not be before the start date."
	}
	if d.F.Client != "" && !model.ValidID(d.F.Client) {
		d.Problems["client"] = "Enter a client id as shown in the log (36 characters)."
	}
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	d.Users = users
	for _, u := range users {
		d.Names[u.ID] = u.Name
	}
	status := http.StatusOK
	if len(d.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		if q.Get("format") == "csv" {
			if err := s.auditRead(r, audit.ActionExport, "audit.log", d.F.Client, "csv "+d.link(d.F.Sort, d.F.Desc, 1, "")); err != nil {
				return err
			}
			return s.writeAuditCSV(w, r, f, d.Names, loc)
		}
		d.Page = max(1, atoiOr(q.Get("page"), 1))
		f.Limit, f.Offset = auditPerPage, (d.Page-1)*auditPerPage
		if d.Records, d.Total, err = s.Store.ListAudit(r.Context(), f); err != nil {
			return err
		}
		if err := s.auditRead(r, audit.ActionQuery, "audit.log", d.F.Client, "report "+d.link(d.F.Sort, d.F.Desc, d.Page, "")); err != nil {
			return err
		}
		d.Pages = max(1, (d.Total+auditPerPage-1)/auditPerPage)
		if d.Page > 1 {
			d.Prev = d.link(d.F.Sort, d.F.Desc, d.Page-1, "")
		}
		if d.Page < d.Pages {
			d.Next = d.link(d.F.Sort, d.F.Desc, d.Page+1, "")
		}
		d.CSV = d.link(d.F.Sort, d.F.Desc, 1, "csv")
	}
	v.Data = d
	return s.pages.Page(w, status, "audit", &v)
}

// writeAuditCSV streams every record matching f, a page at a time, so a
// download is never cut short and never held in memory whole.
func (s *Server) writeAuditCSV(w http.ResponseWriter, r *http.Request, f store.AuditFilter, names map[string]string, loc *time.Location) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="openiop-audit.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"seq", "time_utc", "time_local", "user_id", "user_name", "role", "action", "category",
		"client_id", "entity_id", "outcome", "ip", "request_id", "detail", "hash"})
	// Pin the export to the records that exist now: rows appended while
	// it runs (its own audit record among them) would shift the pages.
	head, _, err := s.Store.ListAudit(r.Context(), store.AuditFilter{Sort: "seq", Desc: true, Limit: 1})
	if err != nil {
		return err
	}
	if len(head) == 1 {
		f.UpTo = head[0].Seq
	}
	const page = 500
	f.Limit = page
	for f.Offset = 0; ; f.Offset += page {
		recs, _, err := s.Store.ListAudit(r.Context(), f)
		if err != nil {
			return err // before the first row this is a clean error page; after it, the download ends short and is logged
		}
		for _, rec := range recs {
			_ = cw.Write([]string{strconv.FormatInt(rec.Seq, 10), rec.At.UTC().Format(time.RFC3339Nano), rec.At.In(loc).Format("2006-01-02 15:04:05"),
				rec.ActorID, csvSafe(names[rec.ActorID]), rec.ActorRole, rec.Action, rec.Category, rec.ClientID, rec.EntityID, rec.Outcome, rec.IP,
				rec.RequestID, csvSafe(rec.Detail), rec.Hash})
		}
		if len(recs) < page {
			break
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe stops a spreadsheet from reading a cell as a formula (CSV
// injection): a leading =, +, - or @ is prefixed with an apostrophe.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

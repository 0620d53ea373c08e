package fhir

import (
	"net/url"
	"strconv"
	"time"
)

// Bundle is a searchset (or, for $everything, also a searchset).
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Timestamp    string        `json:"timestamp,omitempty"`
	Total        *int          `json:"total,omitempty"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

type BundleEntry struct {
	FullURL  string       `json:"fullUrl,omitempty"`
	Resource Resource     `json:"resource"`
	Search   *EntrySearch `json:"search,omitempty"`
}

type EntrySearch struct {
	Mode string `json:"mode"`
}

// DefaultCount and MaxCount bound a page of search results.
const (
	DefaultCount = 50
	MaxCount     = 500
)

// SearchSet pages all (already filtered) into a Bundle: count entries from
// offset, with self, first, previous and next links built from self (the
// request's URL with the base in front) so that a client can walk them.
func SearchSet(base, path string, query url.Values, all []Resource, offset, count int) *Bundle {
	total := len(all)
	b := &Bundle{ResourceType: "Bundle", Type: "searchset", Total: &total}
	link := func(rel string, off int) {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("_offset", strconv.Itoa(off))
		q.Set("_count", strconv.Itoa(count))
		b.Link = append(b.Link, BundleLink{Relation: rel, URL: base + path + "?" + q.Encode()})
	}
	link("self", offset)
	link("first", 0)
	if offset > 0 {
		link("previous", max(0, offset-count))
	}
	if offset+count < total {
		link("next", offset+count)
	}
	end := min(total, offset+count)
	for i := offset; i < end; i++ {
		r := all[i]
		b.Entry = append(b.Entry, BundleEntry{FullURL: base + "/" + r.TypeName() + "/" + r.ID(), Resource: r, Search: &EntrySearch{Mode: "match"}})
	}
	return b
}

// OperationOutcome is an error answer.
type OperationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []Issue `json:"issue"`
}

type Issue struct {
	Severity    string           `json:"severity"`
	Code        string           `json:"code"`
	Details     *CodeableConcept `json:"details,omitempty"`
	Diagnostics string           `json:"diagnostics,omitempty"`
	Expression  []string         `json:"expression,omitempty"`
}

// Outcome is an error with an HTTP status, answered as an OperationOutcome.
type Outcome struct {
	Status int
	Code   string // the issue type: not-found, forbidden, invalid, login, not-supported, exception...
	Text   string
	Param  string // the search parameter at fault, for 400s
}

func (o *Outcome) Error() string { return o.Text }

// Resource is the OperationOutcome resource.
func (o *Outcome) Resource() OperationOutcome {
	is := Issue{Severity: "error", Code: o.Code, Details: &CodeableConcept{Text: o.Text}}
	if o.Param != "" {
		is.Expression = []string{o.Param}
	}
	return OperationOutcome{ResourceType: "OperationOutcome", Issue: []Issue{is}}
}

// Collection is a Bundle of type collection holding res, for a download.
func Collection(base string, res []Resource, at time.Time) *Bundle {
	b := &Bundle{ResourceType: "Bundle", Type: "collection", Timestamp: at.UTC().Format(time.RFC3339)}
	for _, r := range res {
		b.Entry = append(b.Entry, BundleEntry{FullURL: base + "/" + r.TypeName() + "/" + r.ID(), Resource: r})
	}
	return b
}

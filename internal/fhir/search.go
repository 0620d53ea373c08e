package fhir

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Labelled marks a resource as part of client's record, with the Part 2
// security labels, as ClientResources does.
func Labelled(r Resource, clientID string) Resource {
	b := r.base()
	b.client = clientID
	if b.Meta == nil {
		b.Meta = &Meta{}
	}
	b.Meta.Security = append([]Coding(nil), SecurityLabels...)
	return r
}

// Matches reports whether r matches every search filter (patient and
// paging parameters already taken out). Each parameter's meaning is the
// specification's for the type, limited to equality: a token as code or
// system|code, a string as a case-insensitive part of a name.
func Matches(r Resource, filters url.Values) bool {
	if len(filters) == 0 {
		return true
	}
	b, err := json.Marshal(r)
	if err != nil {
		return false
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	for name := range filters {
		v := filters.Get(name)
		ok := false
		switch name {
		case "_id":
			ok = r.ID() == v
		case "name":
			ok = nameMatches(m, strings.ToLower(v))
		case "identifier":
			for _, id := range list(m["identifier"]) {
				sys, val := str(id, "system"), str(id, "value")
				ok = ok || val == v || sys+"|"+val == v
			}
		case "birthdate":
			ok = str(m, "birthDate") == v
		case "status":
			ok = str(m, "status") == v
		case "code":
			ok = conceptMatches(m["code"], v)
		case "category":
			for _, c := range list(m["category"]) {
				ok = ok || conceptMatches(c, v)
			}
		case "questionnaire":
			q := str(m, "questionnaire")
			ok = q == v || q == QuestionnaireURL+strings.TrimPrefix(v, "Questionnaire/")
		case "url":
			ok = str(m, "url") == v
		}
		if !ok {
			return false
		}
	}
	return true
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any, key string) string {
	m, _ := v.(map[string]any)
	s, _ := m[key].(string)
	return s
}

func nameMatches(m map[string]any, want string) bool {
	if n, ok := m["name"].(string); ok {
		return strings.Contains(strings.ToLower(n), want)
	}
	for _, n := range list(m["name"]) {
		parts := []string{str(n, "text"), str(n, "family")}
		nm, _ := n.(map[string]any)
		for _, g := range list(nm["given"]) {
			s, _ := g.(string)
			parts = append(parts, s)
		}
		if strings.Contains(strings.ToLower(strings.Join(parts, " ")), want) {
			return true
		}
	}
	return false
}

func conceptMatches(c any, want string) bool {
	cm, _ := c.(map[string]any)
	for _, cd := range list(cm["coding"]) {
		sys, code := str(cd, "system"), str(cd, "code")
		if code == want || sys+"|"+code == want {
			return true
		}
	}
	return false
}

// Referenced reports whether any of res refers to x ("Type/id").
func Referenced(res []Resource, x Resource) bool {
	needle := []byte(`"` + x.TypeName() + "/" + x.ID() + `"`)
	for _, r := range res {
		b, _ := json.Marshal(r)
		if strings.Contains(string(b), string(needle)) {
			return true
		}
	}
	return false
}

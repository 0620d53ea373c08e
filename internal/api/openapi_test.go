package api_test

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/api"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/testutil/npmtest"
)

// openAPI is the document as the server sends it.
type openAPI struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
	Comps   struct {
		Schemas map[string]any `json:"schemas"`
	} `json:"components"`
}

type openAPIOperation struct {
	Permission string           `json:"x-permission"`
	Security   []map[string]any `json:"security"`
	Responses  map[string]struct {
		Content map[string]struct {
			Schema any `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

func fetchOpenAPI(t *testing.T, base string) (openAPI, []byte) {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc openAPI
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("the OpenAPI document is not JSON: %v", err)
	}
	return doc, raw
}

// TestOpenAPIListsEveryRoute holds the document to the route table: every
// endpoint is described with the permission it needs and the matching
// security (none for public ones, a bearer token for the rest), and the
// document describes no endpoint that does not exist.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	h := api.NewHandler(api.Deps{})
	ts := httptest.NewServer(h)
	defer ts.Close()
	doc, _ := fetchOpenAPI(t, ts.URL)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi is %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]openAPIOperation{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = op
		}
	}
	routes := h.Routes()
	if len(routes) < 10 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue // the FHIR server under /fhir/R4 describes itself in its CapabilityStatement
		}
		key := rt.Method + " " + rt.Pattern
		op, ok := documented[key]
		if !ok {
			t.Errorf("openapi.json does not describe %s", key)
			continue
		}
		delete(documented, key)
		if op.Permission != string(rt.Perm) {
			t.Errorf("%s: openapi.json says x-permission %q, the route needs %q", key, op.Permission, rt.Perm)
		}
		if public := rt.Perm == auth.Public; public != (len(op.Security) == 0) {
			t.Errorf("%s: security %v does not match permission %s", key, op.Security, rt.Perm)
		}
		for status, r := range op.Responses {
			if status[0] != '2' {
				if _, ok := r.Content["application/problem+json"]; !ok {
					t.Errorf("%s %s: an error answer should be a problem detail", key, status)
				}
			}
		}
	}
	for key := range documented {
		t.Errorf("openapi.json describes %s, which is not a route", key)
	}
}

//go:embed testdata/validate-openapi.mjs
var validateOpenAPIScript []byte

var swaggerParser = &npmtest.Tool{Package: "@apidevtools/swagger-parser", Version: "12.1.0",
	Script: validateOpenAPIScript, ScriptName: "validate.mjs", InputName: "openapi.json"}

// TestOpenAPIValidates has an independent implementation of the OpenAPI 3.1
// schema (@apidevtools/swagger-parser) read the document and resolve every
// reference in it.
func TestOpenAPIValidates(t *testing.T) {
	ts := httptest.NewServer(api.NewHandler(api.Deps{}))
	defer ts.Close()
	_, raw := fetchOpenAPI(t, ts.URL)
	var out struct {
		OK      bool
		OpenAPI string
		Paths   int
		Error   string
	}
	got := swaggerParser.Run(t, raw)
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatalf("validator output %q: %v", got, err)
	}
	if !out.OK {
		t.Fatalf("swagger-parser refuses openapi.json: %s", out.Error)
	}
	if out.OpenAPI != "3.1.0" || out.Paths < 10 {
		t.Errorf("swagger-parser read openapi %s with %d paths", out.OpenAPI, out.Paths)
	}
}

// responseSchema is the documented schema of an answer, found by the route
// pattern that matches path.
func (doc openAPI) responseSchema(method, path string, status int, contentType string) (any, error) {
	path, _, _ = strings.Cut(path, "?")
	for pattern, ops := range doc.Paths {
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(regexp.QuoteMeta(pattern), "[^/]+") + "$")
		if !re.MatchString(path) {
			continue
		}
		op, ok := ops[strings.ToLower(method)]
		if !ok {
			break
		}
		r, ok := op.Responses[fmt.Sprint(status)]
		if !ok {
			return nil, fmt.Errorf("openapi.json gives %s %s no %d answer", method, pattern, status)
		}
		ct, _, _ := strings.Cut(contentType, ";")
		c, ok := r.Content[ct]
		if !ok {
			return nil, fmt.Errorf("openapi.json gives %s %s %d no %s content", method, pattern, status, ct)
		}
		return c.Schema, nil
	}
	return nil, fmt.Errorf("openapi.json has no %s %s", method, path)
}

// conform reports where v departs from the JSON Schema s: the subset the
// document uses ($ref, type, properties, required, additionalProperties,
// items, enum, oneOf, minimum, maximum, format date and date-time).
func (doc openAPI) conform(s any, v any, at string) []string {
	sm, ok := s.(map[string]any)
	if !ok {
		return []string{at + ": schema is not an object"}
	}
	if ref, ok := sm["$ref"].(string); ok {
		target, ok := doc.Comps.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		if !ok {
			return []string{at + ": unknown $ref " + ref}
		}
		return doc.conform(target, v, at)
	}
	if alts, ok := sm["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			if len(doc.conform(alt, v, at)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			return []string{fmt.Sprintf("%s: %v matches %d of the oneOf schemas", at, v, matched)}
		}
		return nil
	}
	var problems []string
	if typ, ok := sm["type"]; ok && !hasType(typ, v) {
		return []string{fmt.Sprintf("%s: %v is not of type %v", at, v, typ)}
	}
	if enum, ok := sm["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			problems = append(problems, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
		}
	}
	if n, ok := v.(float64); ok {
		if lo, ok := sm["minimum"].(float64); ok && n < lo {
			problems = append(problems, fmt.Sprintf("%s: %v is below %v", at, n, lo))
		}
		if hi, ok := sm["maximum"].(float64); ok && n > hi {
			problems = append(problems, fmt.Sprintf("%s: %v is above %v", at, n, hi))
		}
	}
	if str, ok := v.(string); ok {
		layout := map[string]string{"date": time.DateOnly, "date-time": time.RFC3339Nano}[fmt.Sprint(sm["format"])]
		if _, err := time.Parse(layout, str); layout != "" && err != nil {
			problems = append(problems, fmt.Sprintf("%s: %q is not a %s", at, str, sm["format"]))
		}
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := sm["properties"].(map[string]any)
		for _, r := range asStrings(sm["required"]) {
			if _, ok := val[r]; !ok {
				problems = append(problems, at+": lacks the required "+r)
			}
		}
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				problems = append(problems, doc.conform(p, val[k], at+"."+k)...)
				continue
			}
			switch extra := sm["additionalProperties"].(type) {
			case bool:
				if !extra {
					problems = append(problems, at+": has "+k+", which the schema does not describe")
				}
			case map[string]any:
				problems = append(problems, doc.conform(extra, val[k], at+"."+k)...)
			}
		}
	case []any:
		if items, ok := sm["items"]; ok {
			for i, item := range val {
				problems = append(problems, doc.conform(items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return problems
}

func hasType(typ any, v any) bool {
	for _, t := range asStrings(typ) {
		switch x := v.(type) {
		case nil:
			if t == "null" {
				return true
			}
		case bool:
			if t == "boolean" {
				return true
			}
		case float64:
			if t == "number" || t == "integer" && x == float64(int64(x)) {
				return true
			}
		case string:
			if t == "string" {
				return true
			}
		case []any:
			if t == "array" {
				return true
			}
		case map[string]any:
			if t == "object" {
				return true
			}
		}
	}
	return false
}

func asStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, s := range x {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	return nil
}

// TestOpenAPISchemaCheckerFindsDepartures makes sure conform can fail: an
// answer with an undocumented field, a missing required one, a wrong type
// and a value outside an enum are each reported.
func TestOpenAPISchemaCheckerFindsDepartures(t *testing.T) {
	ts := httptest.NewServer(api.NewHandler(api.Deps{}))
	defer ts.Close()
	doc, _ := fetchOpenAPI(t, ts.URL)
	s := map[string]any{"$ref": "#/components/schemas/Enrolment"}
	good := map[string]any{"series_id": "a", "client_id": "b", "status": "enrolled"}
	if p := doc.conform(s, good, "$"); len(p) != 0 {
		t.Fatalf("a valid enrolment is refused: %v", p)
	}
	for name, bad := range map[string]map[string]any{
		"extra field":   {"series_id": "a", "client_id": "b", "status": "enrolled", "secret": "x"},
		"missing field": {"series_id": "a", "status": "enrolled"},
		"wrong type":    {"series_id": 1.0, "client_id": "b", "status": "enrolled"},
		"outside enum":  {"series_id": "a", "client_id": "b", "status": "admitted"},
	} {
		if p := doc.conform(s, bad, "$"); len(p) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
}

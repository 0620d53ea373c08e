package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/api"
	"github.com/openiop/openiop/internal/instrument"
)

func newAPI(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(api.NewHandler(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	return ts
}

func call(t *testing.T, ts *httptest.Server, method, path, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, b)
	}
	return resp.StatusCode, resp.Header, out
}

func TestListAndShowInstruments(t *testing.T) {
	ts := newAPI(t)
	code, h, body := call(t, ts, "GET", "/api/v1/instruments", "", "")
	list, _ := body["instruments"].([]any)
	if code != 200 || len(list) != len(instrument.All()) || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("list: %d %v", code, body)
	}
	codes := map[string]bool{}
	for _, x := range list {
		codes[x.(map[string]any)["code"].(string)] = true
	}
	for _, c := range []string{"phq-9", "phq-2", "gad-7", "gad-2", "asq", "audit", "audit-c", "dast-10"} {
		if !codes[c] {
			t.Errorf("the list lacks %s", c)
		}
	}
	code, _, body = call(t, ts, "GET", "/api/v1/instruments/PHQ-9", "", "")
	items, _ := body["items"].([]any)
	if code != 200 || body["code"] != "phq-9" || len(items) != 10 {
		t.Fatalf("PHQ-9: %d %v", code, body)
	}
	first := items[0].(map[string]any)
	opts := first["options"].([]any)
	if first["id"] != "q1" || first["text"] != "Little interest or pleasure in doing things" || len(opts) != 4 ||
		opts[3].(map[string]any)["value"].(float64) != 3 || opts[3].(map[string]any)["label"] != "Nearly every day" {
		t.Errorf("PHQ-9 item 1 as served: %v", first)
	}
	if code, _, body := call(t, ts, "GET", "/api/v1/instruments/nope", "", ""); code != 404 || body["title"] != "Unknown instrument" {
		t.Errorf("unknown instrument: %d %v", code, body)
	}
}

func TestScore(t *testing.T) {
	ts := newAPI(t)
	code, h, body := call(t, ts, "POST", "/api/v1/instruments/phq-9/score", "application/json",
		`{"answers":{"q1":1,"q2":2,"q3":1,"q4":2,"q5":0,"q6":1,"q7":1,"q8":0,"q9":1}}`)
	if code != 200 || body["total"].(float64) != 9 || body["band"] != "mild" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("score: %d %v", code, body)
	}
	flags := body["flags"].([]any)
	if len(flags) != 1 || flags[0].(map[string]any)["code"] != instrument.SuicideRiskFlag || flags[0].(map[string]any)["urgent"] != true {
		t.Errorf("flags: %v", flags)
	}
	code, _, body = call(t, ts, "POST", "/api/v1/instruments/audit-c/score", "", `{"answers":{"q1":1,"q2":1,"q3":1},"sex":"male"}`)
	if code != 200 || body["band"] != "negative screen" {
		t.Errorf("AUDIT-C 3 for a man is below his cut-off of 4: %d %v", code, body)
	}
}

func TestScoreRefusesBadInput(t *testing.T) {
	ts := newAPI(t)
	cases := []struct {
		name, ct, body string
		status         int
		title          string
	}{
		{"incomplete", "application/json", `{"answers":{"q1":1}}`, 422, "Answers incomplete or invalid"},
		{"out of range", "application/json", `{"answers":{"q1":7,"q2":0}}`, 422, "Answers incomplete or invalid"},
		{"no answers", "application/json", `{}`, 422, "No answers"},
		{"bad sex", "application/json", `{"answers":{"q1":0,"q2":0},"sex":"x"}`, 422, "Answers incomplete or invalid"},
		{"malformed", "application/json", `{"answers":`, 400, "Malformed JSON"},
		{"unknown field", "application/json", `{"answer":{}}`, 400, "Malformed JSON"},
		{"two objects", "application/json", `{"answers":{}} {}`, 400, "Malformed JSON"},
		{"empty", "application/json", ``, 400, "Empty body"},
		{"not json", "text/plain", `{"answers":{}}`, 415, "Unsupported content type"},
		{"too large", "application/json", `{"answers":{"q1":1` + strings.Repeat(" ", 17<<10) + `}}`, 413, "Body too large"},
	}
	for _, c := range cases {
		code, h, body := call(t, ts, "POST", "/api/v1/instruments/phq-2/score", c.ct, c.body)
		if code != c.status || body["title"] != c.title || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %v", c.name, code, body)
		}
	}
	_, _, body := call(t, ts, "POST", "/api/v1/instruments/phq-2/score", "application/json", `{"answers":{"q1":1}}`)
	errs, _ := body["errors"].(map[string]any)
	if errs["q2"] == nil {
		t.Errorf("the per-question errors do not name q2: %v", body)
	}
	if code, _, _ := call(t, ts, "GET", "/api/v1/nothing", "", ""); code != 404 {
		t.Errorf("unknown endpoint: %d", code)
	}
}

func TestEveryEndpointDeclaresAPermission(t *testing.T) {
	h := api.NewHandler(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, rt := range h.Routes() {
		if rt.Perm == "" {
			t.Errorf("%s %s declares no permission", rt.Method, rt.Pattern)
		}
	}
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range h.Routes() {
		if !strings.Contains(string(doc), "`"+rt.Method+" "+rt.Pattern+"`") {
			t.Errorf("docs/api.md does not document %s %s", rt.Method, rt.Pattern)
		}
	}
}

package api_test

import (
	"encoding/json"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/api"
)

// TestAPIDocExamples replays every example in docs/api.md: each marker
// `<!-- example: METHOD PATH STATUS -->` is followed by a JSON request block
// (for requests with a body) and the JSON response block. The response must
// match the document exactly (as JSON), so the examples work as written.
func TestAPIDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	db := testutil.OpenDB(t, store.SQLite)
	ts := httptest.NewServer(api.NewHandler(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SelfAssessments: db}))
	defer ts.Close()
	marker := regexp.MustCompile(`<!-- example: (GET|POST) (\S+) (\d{3}) -->`)
	block := regexp.MustCompile("(?s)```json\n(.*?)\n```")
	text := string(doc)
	found := marker.FindAllStringSubmatchIndex(text, -1)
	if len(found) < 5 {
		t.Fatalf("only %d examples found in docs/api.md", len(found))
	}
	for i, m := range found {
		method, path := text[m[2]:m[3]], text[m[4]:m[5]]
		status, _ := strconv.Atoi(text[m[6]:m[7]])
		end := len(text)
		if i+1 < len(found) {
			end = found[i+1][0]
		}
		blocks := block.FindAllStringSubmatch(text[m[1]:end], -1)
		want := len(blocks) > 0
		var reqBody, respBody string
		switch {
		case method == "POST" && len(blocks) >= 2:
			reqBody, respBody = blocks[0][1], blocks[1][1]
		case method == "GET" && want:
			respBody = blocks[0][1]
		default:
			t.Fatalf("example %s %s lacks its JSON blocks", method, path)
		}
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(reqBody))
		if reqBody != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Errorf("%s %s: status %d, the doc says %d", method, path, resp.StatusCode, status)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s %s: response is not JSON: %s", method, path, got)
		}
		if err := json.Unmarshal([]byte(respBody), &w); err != nil {
			t.Fatalf("%s %s: the doc's response is not JSON: %v", method, path, err)
		}
		// A stored self-assessment's id is new each time: the doc shows a placeholder.
		if gm, ok := g.(map[string]any); ok {
			if wm, ok := w.(map[string]any); ok && wm["id"] == "<id>" && gm["id"] != nil {
				gm["id"] = "<id>"
			}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: the response differs from docs/api.md:\n%s", method, path, got)
		}
	}
}

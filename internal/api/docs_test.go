package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
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
	f := newCalendarFixture(t, store.SQLite)
	ts := f.ts
	spec, _ := fetchOpenAPI(t, ts.URL)
	marker := regexp.MustCompile(`<!-- example: (GET|POST) (\S+) (\d{3})(?: as ([a-z_]+))? -->`)
	block := regexp.MustCompile("(?s)```json\n(.*?)\n```")
	text := string(doc)
	found := marker.FindAllStringSubmatchIndex(text, -1)
	scoped := map[string]string{}
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
		// The fixture's ids are new each run: the doc writes them as {series}, {client}, {clinician}, {track}, {planned_client}.
		ids := strings.NewReplacer("{series}", f.series.ID, "{client}", f.client.ID, "{clinician}", f.users[model.RoleClinician].ID,
			"{track}", f.trackID, "{planned_client}", f.plannedClient.ID)
		path, reqBody = ids.Replace(path), ids.Replace(reqBody)
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(reqBody))
		if reqBody != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if m[8] >= 0 {
			role := text[m[8]:m[9]]
			// "scoped_<role>" is a token of that role with the FHIR scope user/*.read.
			if r, ok := strings.CutPrefix(role, "scoped_"); ok {
				if scoped[r] == "" {
					scoped[r] = scopedToken(t, f.db, f.users[model.Role(r)], "docs", "user/*.read", false)
				}
				req.Header.Set("Authorization", "Bearer "+scoped[r])
			} else {
				req.Header.Set("Authorization", "Bearer "+f.tokens[model.Role(role)])
			}
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
		// The live answer must also be what openapi.json documents (the JSON
		// API's; the FHIR API describes itself in its CapabilityStatement).
		if !strings.HasPrefix(path, "/fhir/") {
			if schema, err := spec.responseSchema(method, path, resp.StatusCode, resp.Header.Get("Content-Type")); err != nil {
				t.Error(err)
			} else if p := spec.conform(schema, g, "$"); len(p) > 0 {
				t.Errorf("%s %s %d departs from openapi.json:\n%s", method, path, resp.StatusCode, strings.Join(p, "\n"))
			}
		}
		if err := json.Unmarshal([]byte(respBody), &w); err != nil {
			t.Fatalf("%s %s: the doc's response is not JSON: %v", method, path, err)
		}
		// Ids are new each run: where the doc shows "<id>", any id matches.
		g = placeholders(g, w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: the response differs from docs/api.md:\n%s", method, path, got)
		}
	}
}

// placeholders copies got, putting "<id>" wherever want has "<id>" and got
// has a string, and "<time>" where got has a time, so that generated ids
// and times compare equal.
func placeholders(got, want any) any {
	switch w := want.(type) {
	case string:
		g, ok := got.(string)
		if ok && w == "<id>" {
			return w
		}
		// Times the server stamps itself are written "<time>": any RFC 3339 time matches.
		if _, err := time.Parse(time.RFC3339Nano, g); ok && w == "<time>" && err == nil {
			return w
		}
	case map[string]any:
		if g, ok := got.(map[string]any); ok {
			out := map[string]any{}
			for k, v := range g {
				out[k] = placeholders(v, w[k])
			}
			return out
		}
	case []any:
		if g, ok := got.([]any); ok {
			out := make([]any, len(g))
			for i := range g {
				if i < len(w) {
					out[i] = placeholders(g[i], w[i])
				} else {
					out[i] = g[i]
				}
			}
			return out
		}
	}
	return got
}

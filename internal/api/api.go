// Package api serves OpenIOP's JSON API under /api/v1. routes.go lists every
// endpoint with the permission it needs. Errors are RFC 9457 problem
// details. The API never reads cookies: callers that need an identity will
// send bearer tokens, so browsers' cross-site requests carry no authority.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/platform/httpx"
)

// maxBody is the largest request body accepted: an instrument's answers are
// a few hundred bytes.
const maxBody = 16 << 10

// Deps are the API's collaborators.
type Deps struct {
	Log             *slog.Logger
	SelfAssessments SelfAssessments // nil: self-assessments answer 503
	TrustProxy      bool            // take the client address from X-Forwarded-For (behind a proxy)
}

// Handler is the API.
type Handler struct {
	Deps
	mux   *http.ServeMux
	table []route
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type route struct {
	Method, Pattern string
	Perm            auth.Permission
	Handle          handlerFunc
}

// RouteInfo describes an endpoint, for tests and documentation.
type RouteInfo struct {
	Method, Pattern string
	Perm            auth.Permission
}

// NewHandler builds the API.
func NewHandler(d Deps) *Handler {
	h := &Handler{Deps: d, mux: http.NewServeMux()}
	h.table = h.routes()
	for _, rt := range h.table {
		if rt.Perm != auth.Public {
			// Only public endpoints exist until bearer tokens do; refuse to
			// serve anything else rather than serve it unprotected.
			panic("api: route " + rt.Pattern + " needs " + string(rt.Perm) + " but the API has no authentication yet")
		}
		h.mux.Handle(rt.Method+" "+rt.Pattern, h.wrap(rt))
	}
	h.mux.Handle("/api/", h.wrap(route{Pattern: "/api/", Perm: auth.Public, Handle: func(w http.ResponseWriter, r *http.Request) error {
		return problem{Status: http.StatusNotFound, Title: "Not found", Detail: "There is no API endpoint " + r.Method + " " + r.URL.Path + "."}
	}}))
	return h
}

// Routes lists every endpoint with its permission.
func (h *Handler) Routes() []RouteInfo {
	out := make([]RouteInfo, len(h.table))
	for i, rt := range h.table {
		out[i] = RouteInfo{rt.Method, rt.Pattern, rt.Perm}
	}
	return out
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) wrap(rt route) http.Handler {
	label := strings.TrimSpace(rt.Method + " " + rt.Pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r.Context(), label)
		if err := rt.Handle(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// problem is an RFC 9457 problem detail; Errors holds a message per field.
type problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail,omitempty"`
	Errors map[string]string `json:"errors,omitempty"`
}

func (p problem) Error() string { return p.Title + ": " + p.Detail }

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p problem
	if !errors.As(err, &p) {
		h.Log.Error("api request failed", "error", err, "request_id", httpx.RequestID(r.Context()))
		p = problem{Status: http.StatusInternalServerError, Title: "Internal error",
			Detail: "Something went wrong on our side. Quote request id " + httpx.RequestID(r.Context()) + "."}
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON answers 200 with v as JSON.
func writeJSON(w http.ResponseWriter, cache string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", cache)
	_, err = w.Write(append(b, '\n'))
	return err
}

// readJSON decodes a JSON body into v, refusing bodies that are too large,
// malformed, of another content type, or carry unknown fields.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return problem{Status: http.StatusUnsupportedMediaType, Title: "Unsupported content type",
			Detail: fmt.Sprintf("Send the body as application/json, not %s.", ct)}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return problem{Status: http.StatusRequestEntityTooLarge, Title: "Body too large",
				Detail: fmt.Sprintf("The body may be at most %d bytes.", maxBody)}
		case errors.Is(err, io.EOF):
			return problem{Status: http.StatusBadRequest, Title: "Empty body", Detail: "Send a JSON object."}
		default:
			return problem{Status: http.StatusBadRequest, Title: "Malformed JSON", Detail: err.Error()}
		}
	}
	if dec.More() {
		return problem{Status: http.StatusBadRequest, Title: "Malformed JSON", Detail: "Send exactly one JSON object."}
	}
	return nil
}

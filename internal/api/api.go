// Package api serves OpenIOP's JSON API under /api/v1. routes.go lists every
// endpoint with the permission it needs. Errors are RFC 9457 problem
// details. The API never reads cookies: callers that need an identity will
// send bearer tokens, so browsers' cross-site requests carry no authority.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/httpx"
)

// maxBody is the largest request body accepted: an instrument's answers are
// a few hundred bytes.
const maxBody = 16 << 10

// Deps are the API's collaborators.
type Deps struct {
	Log             *slog.Logger
	SelfAssessments SelfAssessments // nil: self-assessments answer 503
	Store           Store           // nil: endpoints that need a token answer 503
	Audit           Auditor         // records reads of client data; required with Store
	TrustProxy      bool            // take the client address from X-Forwarded-For (behind a proxy)
	Now             func() time.Time
	BaseURL         string // the server's public URL, for FHIR links; "" takes it from the request
	Version         string // OpenIOP's version, for the CapabilityStatement
}

// Auditor durably records an audit record (audit.Batcher is one).
type Auditor interface {
	Record(ctx context.Context, rec audit.Record) error
}

type ctxKey struct{}

// userOf is the staff member a request's bearer token acts as.
func userOf(r *http.Request) model.User {
	u, _ := r.Context().Value(ctxKey{}).(model.User)
	return u
}

// authenticate resolves the bearer token and checks the route's permission.
func (h *Handler) authenticate(r *http.Request, perm auth.Permission) (*http.Request, error) {
	if h.Store == nil || h.Audit == nil {
		return r, problem{Status: http.StatusServiceUnavailable, Title: "Not available", Detail: "This server has no token store."}
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return r, problem{Status: http.StatusUnauthorized, Title: "Sign in with a token",
			Detail: "Send Authorization: Bearer <token>. Staff make tokens under Account > API tokens."}
	}
	u, err := h.Store.APITokenUser(r.Context(), strings.TrimSpace(token))
	if err != nil {
		if model.KindOf(err) == model.KindUnauthenticated {
			return r, problem{Status: http.StatusUnauthorized, Title: "Token not accepted", Detail: "The token is not valid, was revoked, or its account is inactive."}
		}
		return r, err
	}
	if !auth.Can(u.Role, perm) {
		rec := h.record(r, u)
		rec.Action, rec.Category, rec.Outcome, rec.Detail = audit.ActionDenied, "api", audit.OutcomeFailure, r.Method+" "+r.URL.Path
		if err := h.Audit.Record(r.Context(), rec); err != nil {
			return r, err
		}
		return r, problem{Status: http.StatusForbidden, Title: "Not allowed", Detail: "Your role does not include " + string(perm) + "."}
	}
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)), nil
}

// record starts an audit record for an API request by u.
func (h *Handler) record(r *http.Request, u model.User) audit.Record {
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	return audit.Record{At: now(), ActorID: u.ID, ActorRole: string(u.Role), IP: httpx.ClientIP(r, h.TrustProxy),
		RequestID: httpx.RequestID(r.Context()), Outcome: audit.OutcomeSuccess}
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
		if rt.Perm == "" {
			panic("api: route " + rt.Pattern + " declares no permission")
		}
		h.mux.Handle(rt.Method+" "+rt.Pattern, h.wrap(rt))
	}
	h.fhirRoutes()
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
		if rt.Perm != auth.Public {
			var err error
			if r, err = h.authenticate(r, rt.Perm); err != nil {
				h.fail(w, r, err)
				return
			}
		}
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
	return writeJSONStatus(w, http.StatusOK, cache, v)
}

// writeJSONStatus answers with a status and v as JSON.
func writeJSONStatus(w http.ResponseWriter, status int, cache string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", cache)
	w.WriteHeader(status)
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

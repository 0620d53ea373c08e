package model_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/model"
)

// TestInvalid: no field problems means no error, so callers can write
// `if err := model.Invalid(op, p); err != nil`.
func TestInvalid(t *testing.T) {
	if err := model.Invalid("op", nil); err != nil {
		t.Errorf("Invalid(nil) = %v, want nil", err)
	}
	if err := model.Invalid("op", map[string]string{}); err != nil {
		t.Errorf("Invalid(empty) = %v, want nil", err)
	}
	fields := map[string]string{"first_name": "Enter it.", "email": "Bad."}
	err := model.Invalid("store.CreateClient", fields)
	if err == nil {
		t.Fatal("Invalid with fields returned nil")
	}
	if model.KindOf(err) != model.KindInvalid {
		t.Errorf("KindOf = %v, want invalid", model.KindOf(err))
	}
	if !maps.Equal(model.FieldsOf(err), fields) {
		t.Errorf("FieldsOf = %v, want %v", model.FieldsOf(err), fields)
	}
	// The error text is stable: fields sorted by name.
	want := "store.CreateClient: please correct the highlighted fields (email: Bad.; first_name: Enter it.)"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// TestErrorInspectionThroughWrapping: kind, fields and user message survive
// fmt.Errorf("%w") wrapping, as errors pass up through layers.
func TestErrorInspectionThroughWrapping(t *testing.T) {
	fields := map[string]string{"email": "Bad."}
	base := model.Invalid("op", fields)
	wrapped := fmt.Errorf("handler: %w", fmt.Errorf("service: %w", base))
	if model.KindOf(wrapped) != model.KindInvalid {
		t.Errorf("KindOf(wrapped) = %v", model.KindOf(wrapped))
	}
	if !maps.Equal(model.FieldsOf(wrapped), fields) {
		t.Errorf("FieldsOf(wrapped) = %v", model.FieldsOf(wrapped))
	}
	if got := model.UserMessage(wrapped); got != "please correct the highlighted fields" {
		t.Errorf("UserMessage(wrapped) = %q", got)
	}

	nf := fmt.Errorf("loading: %w", model.NotFound("store.Client", "client"))
	if model.KindOf(nf) != model.KindNotFound || model.UserMessage(nf) != "client not found" {
		t.Errorf("NotFound wrapped: kind %v, message %q", model.KindOf(nf), model.UserMessage(nf))
	}
	if model.FieldsOf(nf) != nil {
		t.Errorf("FieldsOf(NotFound) = %v, want nil", model.FieldsOf(nf))
	}

	plain := errors.New("plain")
	if model.KindOf(plain) != model.KindInternal || model.FieldsOf(plain) != nil {
		t.Errorf("plain error: kind %v, fields %v", model.KindOf(plain), model.FieldsOf(plain))
	}
	if model.KindOf(nil) != model.KindInternal || model.FieldsOf(nil) != nil {
		t.Errorf("nil error: kind %v, fields %v", model.KindOf(nil), model.FieldsOf(nil))
	}
}

// TestWrap: Wrap adds an operation and kind to a foreign error, but keeps
// the kind an error already carries (a not-found from the store stays
// not-found even if the caller guesses "internal").
func TestWrap(t *testing.T) {
	if model.Wrap("op", model.KindInternal, nil) != nil {
		t.Error("Wrap(nil) != nil")
	}

	nf := model.NotFound("store.Client", "client")
	if got := model.Wrap("web.Client", model.KindInternal, nf); got != nf || model.KindOf(got) != model.KindNotFound {
		t.Errorf("Wrap of a kinded error = %v (kind %v), want it unchanged", got, model.KindOf(got))
	}
	deep := fmt.Errorf("ctx: %w", model.Errorf("op", model.KindConflict, "already exists"))
	if got := model.Wrap("outer", model.KindInternal, deep); model.KindOf(got) != model.KindConflict {
		t.Errorf("Wrap of a wrapped kinded error: kind %v, want conflict", model.KindOf(got))
	}

	io := errors.New("connection refused")
	got := model.Wrap("store.Open", model.KindUnavailable, io)
	if model.KindOf(got) != model.KindUnavailable {
		t.Errorf("KindOf(Wrap) = %v, want unavailable", model.KindOf(got))
	}
	if !errors.Is(got, io) {
		t.Errorf("Wrap does not unwrap to the cause")
	}
	if want := "store.Open: unavailable: connection refused"; got.Error() != want {
		t.Errorf("Error() = %q, want %q", got.Error(), want)
	}
}

// TestUserMessage: users see an error's own message for known kinds, the
// kind in words when there is none, and never the text of an internal error
// (which may hold SQL, paths or PHI).
func TestUserMessage(t *testing.T) {
	secret := errors.New(`pq: duplicate key value violates unique constraint "clients_mrn" (mrn)=(000123)`)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"own message", model.Errorf("op", model.KindConflict, "That MRN is already in use."), "That MRN is already in use."},
		{"kind in words when no message", &model.Error{Kind: model.KindForbidden}, "Forbidden"},
		{"throttled without message", &model.Error{Kind: model.KindThrottled}, "Throttled"},
		{"plain error", secret, "Something went wrong on our side. The error has been logged."},
		{"internal wrap", model.Wrap("store.CreateClient", model.KindInternal, secret), "Something went wrong on our side. The error has been logged."},
		{"internal with a message", &model.Error{Kind: model.KindInternal, Msg: "pq: leaked detail"}, "Something went wrong on our side. The error has been logged."},
		{"unavailable hides the cause", model.Wrap("store.Open", model.KindUnavailable, secret), "Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.UserMessage(tt.err)
			if got != tt.want {
				t.Errorf("UserMessage = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, "000123") || strings.Contains(got, "pq:") {
				t.Errorf("UserMessage leaks internal text: %q", got)
			}
		})
	}
}

// TestKindString: each kind has a name; unknown values read as internal.
func TestKindString(t *testing.T) {
	tests := []struct {
		k    model.Kind
		want string
	}{
		{model.KindInternal, "internal"},
		{model.KindInvalid, "invalid"},
		{model.KindNotFound, "not found"},
		{model.KindForbidden, "forbidden"},
		{model.KindConflict, "conflict"},
		{model.KindUnauthenticated, "unauthenticated"},
		{model.KindThrottled, "throttled"},
		{model.KindUnavailable, "unavailable"},
		{model.Kind(99), "internal"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", tt.k, got, tt.want)
		}
	}
}

// TestErrorText: the log form of an error carries op, message and cause.
func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *model.Error
		want string
	}{
		{&model.Error{Kind: model.KindNotFound}, "not found"},
		{&model.Error{Op: "op", Kind: model.KindNotFound, Msg: "client not found"}, "op: client not found"},
		{&model.Error{Op: "op", Kind: model.KindInternal, Err: errors.New("boom")}, "op: internal: boom"},
		{&model.Error{Kind: model.KindInvalid, Fields: map[string]string{"b": "2", "a": "1"}}, "invalid (a: 1; b: 2)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// Package submission makes a form's submission take effect once. A form
// carries a random key made when it was shown; the web layer puts the key
// and whose it is in the request's context, and the store records it in the
// transaction of the request's first write. A second submission with the key
// (a double click, a browser or client retrying after a lost answer or a
// server crash) finds it recorded and changes nothing: ErrReplayed.
package submission

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
)

// Field is the form field that carries the key.
const Field = "idempotency_key"

// ErrReplayed says the submission's key was already used: what it asked for
// was done before.
var ErrReplayed = errors.New("this form was already submitted")

// Submission is one request's key, used by its first write.
type Submission struct {
	Scope string // whose key it is (the staff member's id): keys are unique per scope

	mu   sync.Mutex
	key  string
	used bool
}

// NewKey makes a key for a form being shown.
func NewKey() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// Valid reports whether k looks like a key NewKey made (or a client's own
// of 16 to 64 URL-safe characters).
func Valid(k string) bool {
	if len(k) < 16 || len(k) > 64 {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// SetKey gives the submission its key, once, when it is valid.
func (s *Submission) SetKey(k string) {
	if s == nil || !Valid(k) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == "" {
		s.key = k
	}
}

// Key is the submission's key, "" when it has none.
func (s *Submission) Key() string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.key
}

// Take returns the key for the request's first write to record, or ""
// when there is none or a write has recorded it already.
func (s *Submission) Take() string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used {
		return ""
	}
	return s.key
}

// Recorded notes that a committed write recorded the key.
func (s *Submission) Recorded() {
	s.mu.Lock()
	s.used = true
	s.mu.Unlock()
}

// WasRecorded reports whether this request's write recorded the key.
func (s *Submission) WasRecorded() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

type ctxKey struct{}

// With returns ctx carrying s.
func With(ctx context.Context, s *Submission) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}

// From is the submission ctx carries, or nil.
func From(ctx context.Context) *Submission {
	s, _ := ctx.Value(ctxKey{}).(*Submission)
	return s
}

// Package model holds OpenIOP's plain domain types, identifiers and error
// kinds. It depends on nothing but the standard library and a UUID generator,
// so every other package can use it.
package model

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error so that callers (HTTP, CLI) can answer it the same
// way wherever it comes from.
type Kind int

// The error kinds. Each maps to one HTTP status in the web and API layers.
const (
	KindInternal        Kind = iota // something we did not expect; details are logged, not shown
	KindInvalid                     // the input is wrong; Fields says where
	KindNotFound                    // no such record, or one the caller may not know exists
	KindForbidden                   // the caller is known but lacks the permission
	KindConflict                    // the change clashes with the current state
	KindUnauthenticated             // no valid session or credentials
	KindThrottled                   // too many attempts; try again later
	KindUnavailable                 // a dependency (database) cannot be reached
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindForbidden:
		return "forbidden"
	case KindConflict:
		return "conflict"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindThrottled:
		return "throttled"
	case KindUnavailable:
		return "unavailable"
	default:
		return "internal"
	}
}

// Error is an error with an operation, a kind, a message fit to show a user
// and, for invalid input, a message per field.
type Error struct {
	Op     string            // the operation that failed, e.g. "store.CreateClient"
	Kind   Kind              // what kind of failure
	Msg    string            // a message a user can read; empty means "use the kind"
	Fields map[string]string // field name -> problem, for KindInvalid
	Err    error             // the underlying error, never shown to users
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else {
		b.WriteString(e.Kind.String())
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s: %s", k, e.Fields[k])
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted user message.
func Errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Invalid returns a KindInvalid error carrying field problems. It returns nil
// when there are no problems, so callers can write `if err := Invalid(...)`.
func Invalid(op string, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Op: op, Kind: KindInvalid, Msg: "please correct the highlighted fields", Fields: fields}
}

// NotFound returns a KindNotFound error for a kind of record.
func NotFound(op, what string) error {
	return &Error{Op: op, Kind: KindNotFound, Msg: what + " not found"}
}

// Wrap annotates err with an operation and kind unless it already carries a
// kind, in which case the original kind is kept.
func Wrap(op string, kind Kind, err error) error {
	if err == nil {
		return nil
	}
	var me *Error
	if errors.As(err, &me) {
		return err
	}
	return &Error{Op: op, Kind: kind, Err: err}
}

// KindOf returns the kind of err, or KindInternal for errors without one.
func KindOf(err error) Kind {
	var me *Error
	if errors.As(err, &me) {
		return me.Kind
	}
	return KindInternal
}

// FieldsOf returns the field problems carried by err, if any.
func FieldsOf(err error) map[string]string {
	var me *Error
	if errors.As(err, &me) {
		return me.Fields
	}
	return nil
}

// UserMessage returns a message that is safe to show a user: the error's own
// message for known kinds, and a generic one for internal errors.
func UserMessage(err error) string {
	var me *Error
	if errors.As(err, &me) && me.Kind != KindInternal {
		if me.Msg != "" {
			return me.Msg
		}
		return capitalize(me.Kind.String())
	}
	return "Something went wrong on our side. The error has been logged."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Package form reads HTML form posts with size limits and collects a problem
// per field, so that a form can be shown again with the person's input kept
// and each mistake explained next to its field.
package form

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/submission"
)

// MaxBody is the largest form body accepted: far more than any of our forms
// needs, small enough that a flood of them costs little.
const MaxBody = 64 << 10

// ErrTooLarge is returned when a form body exceeds MaxBody.
var ErrTooLarge = errors.New("the form is too large")

// Form is a parsed form with its problems.
type Form struct {
	r        *http.Request
	Problems map[string]string
}

// Parse reads the request's form body, refusing bodies over MaxBody.
func Parse(w http.ResponseWriter, r *http.Request) (*Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, ErrTooLarge
		}
		return nil, err
	}
	// A form that carries its submission key saves once however often it is sent.
	submission.From(r.Context()).SetKey(r.PostForm.Get(submission.Field))
	return &Form{r: r, Problems: map[string]string{}}, nil
}

// String returns a trimmed field, and notes a problem if it is longer than
// max characters or not valid UTF-8.
func (f *Form) String(name string, max int) string {
	v := strings.TrimSpace(f.r.PostForm.Get(name))
	if !utf8.ValidString(v) {
		f.Problems[name] = "This contains characters that cannot be read."
		return ""
	}
	if utf8.RuneCountInString(v) > max {
		f.Problems[name] = "This is too long."
	}
	return v
}

// Raw returns a field exactly as sent (for passwords, which must not be
// trimmed), up to max bytes.
func (f *Form) Raw(name string, max int) string {
	v := f.r.PostForm.Get(name)
	if len(v) > max {
		f.Problems[name] = "This is too long."
		return ""
	}
	return v
}

// Required returns a trimmed field and notes msg as its problem if empty.
func (f *Form) Required(name string, max int, msg string) string {
	v := f.String(name, max)
	if v == "" && f.Problems[name] == "" {
		f.Problems[name] = msg
	}
	return v
}

// Date returns a date field (YYYY-MM-DD), noting a problem if it is present
// but not a real date.
func (f *Form) Date(name string) model.Date {
	v := f.String(name, 10)
	if v == "" {
		return model.Date{}
	}
	d, err := model.ParseDate(v)
	if err != nil {
		f.Problems[name] = "Enter a real date as YYYY-MM-DD."
	}
	return d
}

// OneOf returns a field that must be one of allowed (or empty if allowEmpty).
func (f *Form) OneOf(name string, allowed []string, allowEmpty bool, msg string) string {
	v := f.String(name, 64)
	if v == "" && allowEmpty {
		return v
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	f.Problems[name] = msg
	return ""
}

// Merge adds problems (for example from a domain validator) that the form
// has not already noted.
func (f *Form) Merge(problems map[string]string) {
	for k, v := range problems {
		if _, ok := f.Problems[k]; !ok {
			f.Problems[k] = v
		}
	}
}

// OK reports whether there are no problems.
func (f *Form) OK() bool { return len(f.Problems) == 0 }

// Values returns every value sent for a repeated field (checkboxes),
// trimmed, noting a problem if there are more than max or one is too long.
func (f *Form) Values(name string, max, maxLen int) []string {
	vals := f.r.PostForm[name]
	if len(vals) > max {
		f.Problems[name] = "Too many choices were sent."
		return nil
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxLen {
			f.Problems[name] = "A choice could not be read."
			return nil
		}
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Int returns an integer field, or def when it is empty, noting a problem
// if it is present but not a whole number.
func (f *Form) Int(name string, def int) int {
	v := f.String(name, 12)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Problems[name] = "Enter a whole number."
		return def
	}
	return n
}

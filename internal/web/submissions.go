package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/platform/submission"
)

// rememberSubmission keeps where a keyed form's submission sent the
// browser, so that sending the form again goes to the same place. Best
// effort: the write itself is already recorded with its key.
func (s *Server) rememberSubmission(w http.ResponseWriter, r *http.Request, sub *submission.Submission) {
	loc := w.Header().Get("Location")
	if loc == "" {
		return
	}
	if err := s.Store.SetSubmissionLocation(r.Context(), sub.Scope, sub.Key(), loc); err != nil {
		s.Log.Warn("remembering a submission's answer", "error", err, "request_id", httpx.RequestID(r.Context()))
	}
}

// replayedSubmission answers a form sent again with a key already used:
// nothing is saved twice, and the browser goes where the first submission
// went (or back to the form's page, when the first answer is not known, as
// after a crash between the write and its answer).
func (s *Server) replayedSubmission(w http.ResponseWriter, r *http.Request) {
	sub := submission.From(r.Context())
	loc, err := s.Store.SubmissionLocation(r.Context(), sub.Scope, sub.Key())
	if err != nil {
		s.Log.Warn("reading a submission's answer", "error", err, "request_id", httpx.RequestID(r.Context()))
	}
	if loc == "" {
		loc = "/home"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
			loc = safeNext(ref.RequestURI())
		}
	}
	http.Redirect(w, r, loc, http.StatusSeeOther) // #nosec G710 -- our own earlier answer, or a path on this site
}

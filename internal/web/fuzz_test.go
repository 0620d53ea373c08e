package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

// FuzzRegisterClient posts arbitrary registration forms: each is either
// accepted (303) or refused with field messages (422) and stores nothing;
// none may crash the handler or corrupt the count.
func FuzzRegisterClient(f *testing.F) {
	f.Add("Ana", "Silva", "1990-01-31", "(312) 555-0100", "ana@example.org", "female")
	f.Add("", "", "", "", "", "")
	f.Add("<script>alert(1)</script>", "O'Brien", "1990-02-30", "call me", "not-an-email", "other")
	f.Add("Zoë", "Nguyễn", "2011-06-01", "+1 312 555 0199", "zoe@example.org", "")
	f.Add("x", "y", "9999-12-31", "0000000", "a@b.c", "male")
	e := newEnv(f, store.SQLite)
	session := e.signIn(model.RoleAdmissions)
	f.Fuzz(func(t *testing.T, first, last, dob, phone, email, sex string) {
		e.t = t
		before, _ := e.db.CountClients(t.Context())
		r := e.post(session, "/clients", url.Values{"first_name": {first}, "last_name": {last}, "date_of_birth": {dob},
			"phone": {phone}, "email": {email}, "sex_at_birth": {sex}})
		after, _ := e.db.CountClients(t.Context())
		switch r.StatusCode {
		case http.StatusSeeOther:
			if after != before+1 {
				t.Fatalf("accepted but %d clients were added", after-before)
			}
		case http.StatusUnprocessableEntity:
			if after != before {
				t.Fatal("refused but a client was stored")
			}
		default:
			t.Fatalf("status %d for %q %q %q %q %q %q", r.StatusCode, first, last, dob, phone, email, sex)
		}
	})
}

package consent_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
)

// FuzzConsentCheckAndDecide feeds arbitrary form values to the consent
// check and the disclosure decision: neither may panic, a consent that
// passes the check has every §2.31(a) element, and a decision allows only a
// consent that passed, is in force and names everything asked for.
func FuzzConsentCheckAndDecide(f *testing.F) {
	f.Add("organization", "Riverside Clinic", "treatment", "", "enrollment,discharge", "date", "2027-06-01", "Ana Ruiz", "client", "2026-11-02", true, "Riverside Clinic", "enrollment")
	f.Add("class", consent.TPORecipients, "tpo", "", "enrollment,counseling_notes", "none", "", "Ana Ruiz", "guardian", "2026-11-02", true, "Lakeside Plan", "counseling_notes")
	f.Add("person", "", "other", "", "", "end_of_treatment", "", "", "", "", false, "", "")
	f.Fuzz(func(t *testing.T, kind, name, purpose, detail, cats, expiry, expires, signer, authority, signed string, statements bool, recipient, asked string) {
		parse := func(s string) model.Date { d, _ := model.ParseDate(s); return d }
		k := consent.Consent{ID: "k1", ClientID: "c1", ClientName: "Ana Ruiz", Discloser: "Harbor IOP",
			Recipient: consent.Recipient{Kind: kind, Name: name}, Purpose: consent.Purpose(purpose), PurposeDetail: detail,
			Categories: strings.Split(cats, ","), Expiry: expiry, ExpiresOn: parse(expires),
			SignerName: signer, SignerAuthority: authority, SignedOn: parse(signed), StatementsGiven: statements}
		today := model.Date{Year: 2026, Month: 12, Day: 6}
		problems := k.Check(today)
		if len(problems) == 0 {
			if strings.TrimSpace(k.Recipient.Name) == "" || k.Purpose == "" || len(k.Categories) == 0 || strings.TrimSpace(k.SignerName) == "" || k.SignedOn.IsZero() || !k.StatementsGiven {
				t.Fatalf("a consent lacking an element passed the check: %+v", k)
			}
		}
		req := consent.Request{Recipient: recipient, TPO: k.Purpose == consent.PurposeTPO, Categories: strings.Split(asked, ",")}
		var on []consent.Consent
		if len(problems) == 0 {
			on = append(on, k)
		}
		d := consent.Decide(on, req, today, consent.Care{})
		if d.Allowed {
			if len(problems) != 0 || d.Consent.StateOn(today, consent.Care{}) != consent.StateActive {
				t.Fatalf("allowed under a consent not in force: %+v", d)
			}
			for _, c := range req.Categories {
				if !d.Consent.Covers(c) || c == consent.CatCounselingNotes && d.Consent.Purpose == consent.PurposeTPO {
					t.Fatalf("allowed %q, which the consent does not cover", c)
				}
			}
		} else if d.Reason == "" {
			t.Fatal("a refusal without a reason")
		}
	})
}

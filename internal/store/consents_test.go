package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/submission"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func signedConsent(clientID string) consent.Consent {
	return consent.Consent{ClientID: clientID, ClientName: "Ana Ruiz", Discloser: "Harbor Recovery IOP",
		Recipient: consent.Recipient{Kind: consent.RecipientOrganization, Name: "Riverside Clinic", Detail: "Dr. Lee, 12 Elm St"},
		Purpose:   consent.PurposeTreatment, Categories: []string{consent.CatEnrollment, consent.CatDischarge},
		Expiry: consent.ExpiresOnDate, ExpiresOn: model.Date{Year: 2027, Month: 6, Day: 1},
		SignerName: "Ana Ruiz", SignerAuthority: consent.SignerClient, SignedOn: model.Date{Year: 2026, Month: 11, Day: 2},
		StatementsGiven: true}
}

func TestConsentsGateDisclosuresOnBothEngines(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		today := model.Date{Year: 2026, Month: 12, Day: 6}
		_, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		other := newClient("Ben", "Ode")
		if err := db.CreateClient(ctx, other, rec(u.ID)); err != nil {
			t.Fatal(err)
		}

		// A consent lacking an element is refused naming it, and nothing is stored.
		bad := signedConsent(c.ID)
		bad.Purpose = ""
		if err := db.SaveConsent(ctx, &bad, today, u.ID, rec(u.ID)); model.FieldsOf(err)["purpose"] == "" {
			t.Fatalf("a consent without a purpose: %v", err)
		}
		if list, _ := db.Consents(ctx, c.ID); len(list) != 0 {
			t.Fatalf("a refused consent was stored: %+v", list)
		}
		ghost := signedConsent(model.NewID())
		if err := db.SaveConsent(ctx, &ghost, today, u.ID, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a consent for no client: %v", err)
		}

		k := signedConsent(c.ID)
		if err := db.SaveConsent(ctx, &k, today, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Consent(ctx, c.ID, k.ID)
		if err != nil || got.Recipient.Name != "Riverside Clinic" || got.Purpose != consent.PurposeTreatment ||
			len(got.Categories) != 2 || got.ExpiresOn != k.ExpiresOn || got.RecordedByName != u.Name || !got.StatementsGiven {
			t.Fatalf("stored consent: %+v, %v", got, err)
		}
		if _, err := db.Consent(ctx, other.ID, k.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("another client's consent: %v", err)
		}

		disclose := func(clientID, recipient string, cats ...string) (consent.Disclosure, error) {
			d := consent.Disclosure{ClientID: clientID, Channel: consent.ChannelPrint, Description: "discharge packet", ByID: u.ID, ByName: u.Name,
				Packet: consent.Packet{Sections: []consent.Section{{Code: consent.CatDischarge, Title: "Discharge", Lines: []string{"Completed the program"}}}}}
			_, err := db.Disclose(ctx, &d, consent.Request{Recipient: recipient, Categories: cats}, today, rec(u.ID))
			return d, err
		}
		// Named recipient and covered information: disclosed, with the notice.
		d, err := disclose(c.ID, "  riverside   clinic ", consent.CatDischarge)
		if err != nil || d.ConsentID != k.ID || d.Notice != consent.NoticeVersion {
			t.Fatalf("a covered disclosure: %+v, %v", d, err)
		}
		// Information the consent does not name, a recipient it does not
		// name, and another client's consent: each refused with its reason.
		if _, err := disclose(c.ID, "Riverside Clinic", consent.CatScreens); model.KindOf(err) != model.KindForbidden || !strings.Contains(err.Error(), "does not cover drug and alcohol test results") {
			t.Fatalf("uncovered information: %v", err)
		}
		if _, err := disclose(c.ID, "Acme Staffing", consent.CatDischarge); model.KindOf(err) != model.KindForbidden || !strings.Contains(err.Error(), "No consent on file names Acme Staffing") {
			t.Fatalf("an unnamed recipient: %v", err)
		}
		if _, err := disclose(other.ID, "Riverside Clinic", consent.CatDischarge); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("another client's consent lent: %v", err)
		}

		// Revocation needs a note, is effective at once, and happens once.
		if err := db.RevokeConsent(ctx, c.ID, k.ID, " ", u.ID, rec(u.ID)); model.FieldsOf(err)["note"] == "" {
			t.Fatalf("a revocation without a note: %v", err)
		}
		if err := db.RevokeConsent(ctx, other.ID, k.ID, "letter", u.ID, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("revoking through another client: %v", err)
		}
		if err := db.RevokeConsent(ctx, c.ID, k.ID, "Signed letter received at the front desk", u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeConsent(ctx, c.ID, k.ID, "again", u.ID, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := disclose(c.ID, "Riverside Clinic", consent.CatDischarge); model.KindOf(err) != model.KindForbidden || !strings.Contains(err.Error(), "revoked") {
			t.Fatalf("a disclosure after revocation: %v", err)
		}
		got, _ = db.Consent(ctx, c.ID, k.ID)
		if got.StateOn(today, consent.Care{}) != consent.StateRevoked || got.RevokedByName != u.Name || got.RevocationNote == "" {
			t.Fatalf("revoked consent: %+v", got)
		}

		// The accounting holds the one disclosure made, and cannot be edited.
		list, err := db.Disclosures(ctx, c.ID)
		if err != nil || len(list) != 1 || list[0].ID != d.ID || list[0].ConsentID != k.ID || list[0].Categories[0] != consent.CatDischarge {
			t.Fatalf("accounting: %+v, %v", list, err)
		}
		one, err := db.Disclosure(ctx, c.ID, d.ID)
		if err != nil || len(one.Packet.Sections) != 1 || one.Packet.Sections[0].Lines[0] != "Completed the program" {
			t.Fatalf("the packet as sent: %+v, %v", one, err)
		}
		if _, err := db.Disclosure(ctx, other.ID, d.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("a disclosure through another client: %v", err)
		}
		if none, _ := db.Disclosures(ctx, other.ID); len(none) != 0 {
			t.Fatalf("another client's accounting: %+v", none)
		}
		for _, stmt := range []string{`UPDATE disclosures SET recipient = 'someone else'`, `DELETE FROM disclosures`} {
			if err := db.ExecForTest(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: %v, want the append-only trigger to refuse", stmt, err)
			}
		}

		// Each refusal left a denied disclosure record; the one made left a disclose record.
		var made, refused int
		for r, err := range db.AuditRecords(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if r.Category == "client.disclosure" && r.Action == audit.ActionDisclose {
				if r.Outcome == audit.OutcomeDenied {
					refused++
				} else {
					made++
				}
			}
		}
		if made != 1 || refused != 4 {
			t.Fatalf("audit: %d disclosures, %d refusals; want 1 and 4", made, refused)
		}
		verifyChain(t, db)
	})
}

// TestConsentMatrix is the proof that nothing leaves without a consent:
// every consent state × every disclosure channel goes through Disclose, and
// only the valid cells are disclosed, each with the notice and the consent
// it relied on; every refusal is audited.
func TestConsentMatrix(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		recorded := model.Date{Year: 2026, Month: 11, Day: 3}
		today := model.Date{Year: 2026, Month: 12, Day: 6}
		_, _, u := fixture(t, db)
		channels := []string{consent.ChannelPrint, consent.ChannelAPI, consent.ChannelFHIR, consent.ChannelPortal, consent.ChannelExport}
		ask := consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatEnrollment}}
		states := []struct {
			name  string
			setup func(clientID string) // records the client's consents
			req   consent.Request
			valid bool
		}{
			{"none", func(string) {}, ask, false},
			{"valid", func(id string) { save(t, db, signedConsent(id), recorded, u.ID) }, ask, true},
			{"expired", func(id string) {
				k := signedConsent(id)
				k.ExpiresOn = model.Date{Year: 2026, Month: 11, Day: 30}
				save(t, db, k, recorded, u.ID)
			}, ask, false},
			{"revoked", func(id string) {
				kid := save(t, db, signedConsent(id), recorded, u.ID)
				if err := db.RevokeConsent(ctx, id, kid, "Signed letter", u.ID, rec(u.ID)); err != nil {
					t.Fatal(err)
				}
			}, ask, false},
			{"wrong recipient", func(id string) { save(t, db, signedConsent(id), recorded, u.ID) },
				consent.Request{Recipient: "Lakeview Hospital", Categories: []string{consent.CatEnrollment}}, false},
			{"wrong category", func(id string) { save(t, db, signedConsent(id), recorded, u.ID) },
				consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatEnrollment, consent.CatScreens}}, false},
			{"counseling notes under TPO", func(id string) {
				k := signedConsent(id)
				k.Recipient, k.Purpose = consent.Recipient{Kind: consent.RecipientClass, Name: consent.TPORecipients}, consent.PurposeTPO
				k.Categories = []string{consent.CatEnrollment}
				save(t, db, k, recorded, u.ID)
			}, consent.Request{Recipient: "Lakeside Health Plan", TPO: true, Categories: []string{consent.CatCounselingNotes}}, false},
		}
		head, err := db.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cells, disclosed, refused, withoutValid, withNotice := 0, 0, 0, 0, 0
		for i, st := range states {
			c := newClient("Matrix", string(rune('A'+i)))
			if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
				t.Fatal(err)
			}
			st.setup(c.ID)
			for _, ch := range channels {
				cells++
				d := consent.Disclosure{ClientID: c.ID, Channel: ch, ByID: u.ID, ByName: u.Name,
					Packet: consent.Packet{Sections: []consent.Section{{Code: consent.CatEnrollment, Title: "Enrollment"}}}}
				_, err := db.Disclose(ctx, &d, st.req, today, rec(u.ID))
				switch {
				case err == nil && !st.valid:
					t.Errorf("%s × %s: disclosed without a valid consent", st.name, ch)
				case err != nil && st.valid:
					t.Errorf("%s × %s: refused: %v", st.name, ch, err)
				case err != nil && model.KindOf(err) != model.KindForbidden:
					t.Errorf("%s × %s: %v, want a refusal", st.name, ch, err)
				case err != nil:
					refused++
				}
			}
			list, err := db.Disclosures(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			consents, _ := db.Consents(ctx, c.ID)
			for _, d := range list {
				disclosed++
				if d.Notice == consent.NoticeVersion {
					withNotice++
				}
				ok := false
				for _, k := range consents {
					ok = ok || k.ID == d.ConsentID && k.StateOn(today, consent.Care{}) == consent.StateActive
				}
				if !ok || !st.valid {
					withoutValid++
				}
			}
		}
		denied := 0
		for r, err := range db.AuditRecords(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if r.Seq > head.Seq && r.Action == audit.ActionDisclose && r.Outcome == audit.OutcomeDenied {
				denied++
			}
		}
		if disclosed != len(channels) || withoutValid != 0 || withNotice != disclosed || denied != refused {
			t.Errorf("disclosed=%d without_valid=%d notice=%d refused=%d audited_refusals=%d", disclosed, withoutValid, withNotice, refused, denied)
		}
		t.Logf("consent-matrix: states=%d channels=%d cells=%d disclosed=%d refused=%d disclosed_without_valid_consent=%d notice_carried=%d/%d refusals_audited=%d/%d",
			len(states), len(channels), cells, disclosed, refused, withoutValid, withNotice, disclosed, denied, refused)
	})
}

// save records a consent as of the day given and returns its id.
func save(t *testing.T, db *store.DB, k consent.Consent, on model.Date, byID string) string {
	t.Helper()
	if err := db.SaveConsent(context.Background(), &k, on, byID, rec(byID)); err != nil {
		t.Fatal(err)
	}
	return k.ID
}

// TestAKeyedSubmissionSavesOnce: the same form key sent twice (a retry
// after a lost answer) saves one consent; the second is ErrReplayed and
// writes nothing, not even an audit record. Another person's identical key
// and a new key each save.
func TestAKeyedSubmissionSavesOnce(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		today := model.Date{Year: 2026, Month: 12, Day: 6}
		_, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		send := func(scope, key string) error {
			sub := &submission.Submission{Scope: scope}
			sub.SetKey(key)
			k := signedConsent(c.ID)
			err := db.SaveConsent(submission.With(ctx, sub), &k, today, u.ID, rec(u.ID))
			if err == nil && submission.Valid(key) && !sub.WasRecorded() {
				t.Error("a saved keyed submission is not marked recorded")
			}
			return err
		}
		key := submission.NewKey()
		if err := send(u.ID, key); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSubmissionLocation(ctx, u.ID, key, "/clients/"+c.ID+"/consents?saved=1"); err != nil {
			t.Fatal(err)
		}
		head, _ := db.AuditHead(ctx)
		err := send(u.ID, key)
		if !errors.Is(err, submission.ErrReplayed) || model.KindOf(err) != model.KindConflict {
			t.Fatalf("the same key again: %v, want ErrReplayed", err)
		}
		if after, _ := db.AuditHead(ctx); after.Seq != head.Seq {
			t.Error("a replayed submission wrote an audit record")
		}
		if loc, err := db.SubmissionLocation(ctx, u.ID, key); err != nil || loc != "/clients/"+c.ID+"/consents?saved=1" {
			t.Errorf("the first answer: %q %v", loc, err)
		}
		if err := send("someone-else", key); err != nil {
			t.Errorf("the same key from another person: %v", err)
		}
		if err := send(u.ID, submission.NewKey()); err != nil {
			t.Errorf("a new key: %v", err)
		}
		if err := send(u.ID, "short"); err != nil {
			t.Errorf("an invalid key is ignored, not refused: %v", err)
		}
		if list, _ := db.Consents(ctx, c.ID); len(list) != 4 {
			t.Errorf("%d consents, want 4 (the replay saved nothing)", len(list))
		}
	})
}

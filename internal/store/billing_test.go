package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestCoverageAuthorizationsAndClaimBatchesOnBothEngines(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		today := model.Date{Year: 2026, Month: 11, Day: 23}
		prog, _, u := fixture(t, db)
		c := newClient("Ana", "Ruiz")
		if err := db.CreateClient(ctx, c, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Admit(ctx, c.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient, Date: today.AddDays(-20),
			CounselorID: u.ID, Diagnoses: []string{"F10.20", "F32.1"}}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}

		p := billing.Payer{Name: "Acme Health", Type: cost.Commercial, ElectronicID: "ACME1", RequiresAuth: true, Active: true,
			Codes: billing.Codes{PerDiem: "H0015", PerDiemModifiers: []string{"HF"}, PerDiemCents: 45000}}
		if err := db.SavePayer(ctx, &p, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		twin := billing.Payer{Name: "Acme Health", Type: cost.Medicaid}
		if err := db.SavePayer(ctx, &twin, rec(u.ID)); model.FieldsOf(err)["name"] == "" {
			t.Fatalf("a second payer of the same name: %v", err)
		}
		payers, err := db.Payers(ctx)
		if err != nil || len(payers) != 1 || payers[0].Codes.PerDiem != "H0015" || payers[0].Codes.PerDiemModifiers[0] != "HF" || !payers[0].RequiresAuth {
			t.Fatalf("payers %+v, %v", payers, err)
		}

		// Coverage: refused whole when wrong; verification names who verified.
		cov := billing.Coverage{ClientID: c.ID, PayerID: p.ID, MemberID: "", Relationship: billing.Self, Priority: billing.Primary, From: today.AddDays(-30)}
		if err := db.SaveCoverage(ctx, &cov, today, u.ID, rec(u.ID)); model.FieldsOf(err)["member_id"] == "" {
			t.Fatalf("coverage without member id: %v", err)
		}
		cov.MemberID, cov.VerifiedOn, cov.Notes = "XJ123", today.AddDays(-1), "IOP covered after deductible; auth needed"
		if err := db.SaveCoverage(ctx, &cov, today, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		list, err := db.Coverages(ctx, c.ID)
		if err != nil || len(list) != 1 || list[0].VerifiedByName != u.Name || list[0].PayerName != "Acme Health" || list[0].Notes != cov.Notes {
			t.Fatalf("coverages %+v, %v", list, err)
		}
		ghost := cov
		ghost.ID, ghost.PayerID = "", model.NewID()
		if err := db.SaveCoverage(ctx, &ghost, today, u.ID, rec(u.ID)); model.FieldsOf(err)["payer"] == "" {
			t.Fatalf("coverage with an unknown payer: %v", err)
		}

		// Authorizations: bad dates, negative units and overlaps are refused and store nothing.
		a := billing.Authorization{ClientID: c.ID, PayerID: p.ID, Number: "AUTH-77", Level: model.IntensiveOutpatient, Unit: billing.PerDiem,
			Units: 12, From: today.AddDays(-14), To: today.AddDays(14)}
		for name, bad := range map[string]func(*billing.Authorization){
			"end before start": func(x *billing.Authorization) { x.To = x.From.AddDays(-1) },
			"negative units":   func(x *billing.Authorization) { x.Units = -2 },
		} {
			x := a
			bad(&x)
			if err := db.SaveAuthorization(ctx, &x, u.ID, rec(u.ID)); model.KindOf(err) != model.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err := db.SaveAuthorization(ctx, &a, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		overlap := a
		overlap.ID, overlap.Number, overlap.From, overlap.To = "", "AUTH-78", today.AddDays(14), today.AddDays(30)
		if err := db.SaveAuthorization(ctx, &overlap, u.ID, rec(u.ID)); !strings.Contains(model.FieldsOf(err)["from"], "AUTH-77") {
			t.Fatalf("an overlapping authorization: %v", err)
		}
		overlap.From = today.AddDays(15)
		if err := db.SaveAuthorization(ctx, &overlap, u.ID, rec(u.ID)); err != nil {
			t.Fatalf("the next authorization, back to back: %v", err)
		}
		// Editing the first one does not count as overlapping itself.
		a.Units = 15
		if err := db.SaveAuthorization(ctx, &a, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		auths, err := db.Authorizations(ctx, c.ID)
		if err != nil || len(auths) != 2 || auths[1].Units != 15 || auths[1].PayerName != "Acme Health" {
			t.Fatalf("authorizations %+v, %v", auths, err)
		}
		if ending, _ := db.AuthorizationsEndingFrom(ctx, today.AddDays(20)); len(ending) != 1 || ending[0].Number != "AUTH-78" {
			t.Fatalf("authorizations ending after day 20: %+v", ending)
		}

		files, err := db.BillingFiles(ctx, []string{c.ID})
		f := files[c.ID]
		if err != nil || len(f.Coverage) != 1 || len(f.Auths) != 2 || len(f.Stays) != 1 || f.Stays[0].Diagnoses[1] != "F32.1" || f.Stays[0].CounselorID != u.ID {
			t.Fatalf("billing file %+v, %v", f, err)
		}

		// A batch bills each service once, and only under a consent naming the payer for payment.
		line := billing.Line{Key: "day|" + c.ID + "|" + today.String(), ClientID: c.ID, Name: "Ana Ruiz", Date: today, Code: "H0015",
			Modifiers: []string{"HF"}, Units: 1, ChargeCents: 45000, AuthID: a.ID, AuthNumber: "AUTH-77"}
		export := store.ClaimExport{Payer: p, From: today, To: today, Claims: []billing.Claim{{ClientID: c.ID, Lines: []billing.Line{line}}},
			Today: today, ByID: u.ID, ByName: u.Name, Files: func(n int64) ([]byte, []byte, error) {
				return []byte(fmt.Sprintf("ISA*%09d~", n)), []byte("client_id\n"), nil
			}}
		if _, err := db.CreateClaimBatch(ctx, export, rec(u.ID)); model.KindOf(err) != model.KindForbidden || !strings.Contains(err.Error(), "No consent on file names Acme Health") {
			t.Fatalf("claims without a consent: %v", err)
		}
		if billed, _ := db.BilledServices(ctx, today, today); len(billed) != 0 {
			t.Fatalf("a refused export billed %v", billed)
		}
		tpo := consent.Consent{ClientID: c.ID, ClientName: "Ana Ruiz", Discloser: "Harbor Recovery IOP",
			Recipient: consent.Recipient{Kind: consent.RecipientClass, Name: consent.TPORecipients}, Purpose: consent.PurposeTPO,
			Categories: store.ClaimCategories, Expiry: consent.ExpiresNever, SignerName: "Ana Ruiz", SignerAuthority: consent.SignerClient,
			SignedOn: today.AddDays(-20), StatementsGiven: true}
		if err := db.SaveConsent(ctx, &tpo, today, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		b, err := db.CreateClaimBatch(ctx, export, rec(u.ID))
		if err != nil || b.ControlNumber != 1 || b.TotalCents != 45000 {
			t.Fatalf("batch %+v, %v", b, err)
		}
		if _, err := db.CreateClaimBatch(ctx, export, rec(u.ID)); model.KindOf(err) != model.KindConflict {
			t.Fatalf("billing the same service twice: %v", err)
		}
		export.Claims = nil
		if _, err := db.CreateClaimBatch(ctx, export, rec(u.ID)); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("an empty batch: %v", err)
		}
		billed, err := db.BilledServices(ctx, today, today)
		if err != nil || billed[line.Key] != "batch 1" || len(billed) != 1 {
			t.Fatalf("billed %v, %v", billed, err)
		}
		batches, err := db.ClaimBatches(ctx, 10)
		if err != nil || len(batches) != 1 || batches[0].PayerName != "Acme Health" || batches[0].CreatedByName != u.Name || batches[0].Lines != 1 {
			t.Fatalf("batches %+v, %v", batches, err)
		}
		got, lines, err := db.ClaimBatch(ctx, b.ID)
		if err != nil || got.ControlNumber != 1 || len(lines) != 1 || lines[0].AuthNumber != "AUTH-77" || lines[0].Modifiers[0] != "HF" || lines[0].Name != "Ana Ruiz" {
			t.Fatalf("batch %+v lines %+v, %v", got, lines, err)
		}
		if edi, err := db.ClaimBatchFile(ctx, b.ID, "edi"); err != nil || string(edi) != "ISA*000000001~" {
			t.Fatalf("stored 837 %q, %v", edi, err)
		}
		// The export is in the client's accounting of disclosures.
		disclosed, err := db.Disclosures(ctx, c.ID)
		if err != nil || len(disclosed) != 1 || disclosed[0].Recipient != "Acme Health" || disclosed[0].Channel != consent.ChannelExport {
			t.Fatalf("disclosures %+v, %v", disclosed, err)
		}
		// A payer's decision: an approval adds its authorization; a denial needs its reason.
		deny := billing.Decision{ClientID: c.ID, PayerID: p.ID, Outcome: billing.Denied, DecidedOn: today}
		if err := db.RecordDecision(ctx, &deny, today, u.ID, rec(u.ID)); model.FieldsOf(err)["reason"] == "" {
			t.Fatalf("a denial without a reason: %v", err)
		}
		ok := billing.Decision{ClientID: c.ID, PayerID: p.ID, Outcome: billing.Partial, Requested: 14, Reason: "Step-down planned", DecidedOn: today,
			NextReview: today.AddDays(40), Auth: billing.Authorization{Number: "AUTH-79", Level: model.IntensiveOutpatient, Unit: billing.PerDiem,
				Units: 10, From: today.AddDays(31), To: today.AddDays(44)}}
		if err := db.RecordDecision(ctx, &ok, today, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		clash := ok
		clash.Auth.Number = "AUTH-80"
		if err := db.RecordDecision(ctx, &clash, today, u.ID, rec(u.ID)); !strings.Contains(model.FieldsOf(err)["from"], "AUTH-79") {
			t.Fatalf("a decision granting overlapping dates: %v", err)
		}
		decisions, err := db.Decisions(ctx, c.ID)
		if err != nil || len(decisions) != 1 || decisions[0].Auth.Number != "AUTH-79" || decisions[0].Outcome != billing.Partial || decisions[0].ByName != u.Name {
			t.Fatalf("decisions %+v, %v", decisions, err)
		}
		if auths, _ := db.Authorizations(ctx, c.ID); len(auths) != 3 || auths[0].Number != "AUTH-79" {
			t.Fatalf("the approval's authorization: %+v", auths)
		}
		verifyChain(t, db)
	})
}

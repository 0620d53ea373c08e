package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// twoBrackets is a whole scale: each size pays 20% under $20,000 and the
// full fee from there.
func twoBrackets() cost.Scale {
	var s cost.Scale
	for size := 1; size <= cost.MaxHousehold; size++ {
		s = append(s, cost.Bracket{Size: size, UnderCents: 20_000_00, Percent: 20}, cost.Bracket{Size: size, FromCents: 20_000_00, Percent: 100})
	}
	return s
}

func TestCostSettingsAreReplacedWholeOrNotAtAll(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if s, err := db.CostSettings(ctx); err != nil || s.Fees.Set() || len(s.Scale) != 0 || len(s.Texts) != 0 {
			t.Fatalf("a new center's cost settings: %+v, %v", s, err)
		}
		fees := cost.Fees{AmountCents: 175_50, Unit: cost.PerDay, DaysPerWeek: 3, Weeks: 10, Note: "Follows the HHS poverty guidelines."}
		if err := db.SaveFees(ctx, fees, twoBrackets(), rec("u-1")); err != nil {
			t.Fatal(err)
		}
		got, err := db.CostSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Fees != fees || !reflect.DeepEqual(got.Scale, twoBrackets().Sorted()) {
			t.Fatalf("read back %+v %+v", got.Fees, got.Scale)
		}
		e, ok := got.Estimate(cost.Household{Size: 4, IncomeCents: 19_000_00, HasIncome: true})
		if !ok || e.DayCents != 35_10 || e.ProgramCents != 1_053_00 {
			t.Errorf("estimate from the stored tables: %+v", e)
		}

		// A scale with a gap, or bad fees: refused, nothing changed, nothing audited.
		head := verifyChain(t, db).Checked
		gap := twoBrackets()
		gap[5].FromCents = 21_000_00
		err = db.SaveFees(ctx, cost.Fees{AmountCents: 99_00, Unit: cost.PerWeek, DaysPerWeek: 3, Weeks: 8}, gap, rec("u-1"))
		if p := model.FieldsOf(err); !strings.Contains(p["row-6"], "gap") {
			t.Fatalf("a scale with a gap: %v", err)
		}
		if err := db.SaveFees(ctx, cost.Fees{AmountCents: 0, Unit: cost.PerDay, DaysPerWeek: 3, Weeks: 8}, nil, rec("u-1")); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("a fee of $0: %v", err)
		}
		if after, _ := db.CostSettings(ctx); after.Fees != fees || len(after.Scale) != 2*cost.MaxHousehold {
			t.Fatalf("a refused save changed the settings: %+v, %d rows", after.Fees, len(after.Scale))
		}
		if n := verifyChain(t, db).Checked; n != head {
			t.Errorf("refused saves wrote %d audit records", n-head)
		}

		// No sliding scale at all is allowed: everyone pays the full fee.
		if err := db.SaveFees(ctx, cost.Fees{AmountCents: 500_00, Unit: cost.PerWeek, DaysPerWeek: 3, Weeks: 8}, nil, rec("u-1")); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.CostSettings(ctx); len(after.Scale) != 0 || after.Fees.Unit != cost.PerWeek {
			t.Fatalf("after removing the scale: %+v", after)
		}

		texts := cost.Texts{}
		for _, p := range cost.Payers {
			texts[p] = "About " + string(p) + ".\n\nAsk us."
		}
		if err := db.SavePayerTexts(ctx, texts, rec("u-1")); err != nil {
			t.Fatal(err)
		}
		delete(texts, cost.Medicare)
		if err := db.SavePayerTexts(ctx, texts, rec("u-1")); model.FieldsOf(err)["text_medicare"] == "" {
			t.Fatalf("texts without Medicare's: %v", err)
		}
		if got, _ := db.CostSettings(ctx); got.Texts[cost.Medicare] != "About medicare.\n\nAsk us." || len(got.Texts) != len(cost.Payers) {
			t.Errorf("texts read back: %v", got.Texts)
		}
		recs := auditWhere(t, db, "settings.cost")
		if len(recs) != 3 || recs[0].ActorID != "u-1" {
			t.Errorf("settings.cost audit records: %d, want 3 (two fee saves, one text save)", len(recs))
		}
	})
}

func TestInquiryPayerAndChecklist(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		in := admissions.Inquiry{Name: "Dana", Phone: "(312) 555-0177", Consent: "I agree", Payer: cost.SelfPay,
			Household: cost.Household{Size: 3, IncomeCents: 0, HasIncome: true}}
		if err := db.CreateInquiry(ctx, &in, rec("system:public")); err != nil {
			t.Fatal(err)
		}
		got, err := db.Inquiry(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		// An income of $0 is an answer, not a missing one.
		if got.Payer != cost.SelfPay || got.Household != in.Household {
			t.Fatalf("stored payer %q household %+v", got.Payer, got.Household)
		}
		other := admissions.Inquiry{Name: "Lee", Email: "lee@example.org", Consent: "I agree", Payer: cost.Commercial,
			Insurance: "Blue Cross PPO", MemberID: "XOF123456789"}
		if err := db.CreateInquiry(ctx, &other, rec("system:public")); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Inquiry(ctx, other.ID); got.MemberID != "XOF123456789" || got.Household.HasIncome || got.Household.Size != 0 {
			t.Fatalf("commercial inquiry read back %+v", got)
		}
		bad := admissions.Inquiry{Name: "Kim", Phone: "(312) 555-0100", Consent: "I agree", Payer: cost.Medicaid, Household: cost.Household{Size: 2}}
		if err := db.CreateInquiry(ctx, &bad, rec("system:public")); model.FieldsOf(err)["household_size"] == "" {
			t.Fatalf("a household size for Medicaid: %v", err)
		}

		if c, err := db.InquiryChecklist(ctx, in.ID); err != nil || len(c) != 0 || c.PreAuth() != "unknown" {
			t.Fatalf("a new checklist: %v %v", c, err)
		}
		changed, err := db.SetInquiryChecklist(ctx, in.ID, admissions.ChecklistUpdate{BenefitsVerified: true, PreAuth: "no"}, u.ID, rec(u.ID))
		if err != nil || !changed {
			t.Fatalf("first ticks: %v %v", changed, err)
		}
		c, _ := db.InquiryChecklist(ctx, in.ID)
		if !c.Done(admissions.CheckBenefits) || c.PreAuth() != "no" || c.Done(admissions.CheckEstimate) ||
			c[admissions.CheckBenefits].ByName != "Dana Reyes" || c[admissions.CheckBenefits].At.IsZero() {
			t.Fatalf("checklist read back %+v", c)
		}
		first := c[admissions.CheckBenefits].At

		// Saving the same again changes nothing and writes no audit record;
		// ticking one more keeps the earlier items' who and when.
		before := len(auditWhere(t, db, "inquiry"))
		if changed, err := db.SetInquiryChecklist(ctx, in.ID, admissions.ChecklistUpdate{BenefitsVerified: true, PreAuth: "no"}, u.ID, rec(u.ID)); err != nil || changed {
			t.Fatalf("the same checklist again: %v %v", changed, err)
		}
		if n := len(auditWhere(t, db, "inquiry")); n != before {
			t.Errorf("an unchanged checklist wrote %d audit records", n-before)
		}
		if _, err := db.SetInquiryChecklist(ctx, in.ID, admissions.ChecklistUpdate{BenefitsVerified: true, PreAuth: "no", EstimateTold: true}, u.ID, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		c, _ = db.InquiryChecklist(ctx, in.ID)
		if !c.Done(admissions.CheckEstimate) || !c[admissions.CheckBenefits].At.Equal(first) {
			t.Errorf("after telling the estimate: %+v", c)
		}
		recs := auditWhere(t, db, "inquiry")
		last := recs[len(recs)-1]
		if len(recs) != before+1 || last.EntityID != in.ID || last.Detail != "checklist estimate_told=yes" || last.ActorID != u.ID {
			t.Errorf("checklist audit: %d records, last %+v", len(recs)-before, last)
		}

		if _, err := db.SetInquiryChecklist(ctx, in.ID, admissions.ChecklistUpdate{PreAuth: "maybe"}, u.ID, rec(u.ID)); model.KindOf(err) != model.KindInvalid {
			t.Errorf("pre-authorization 'maybe': %v", err)
		}
		if _, err := db.SetInquiryChecklist(ctx, model.NewID(), admissions.ChecklistUpdate{PreAuth: "yes"}, u.ID, rec(u.ID)); model.KindOf(err) != model.KindNotFound {
			t.Errorf("an unknown inquiry's checklist: %v", err)
		}
	})
}

// auditWhere returns the audit records of a category, oldest first.
func auditWhere(t *testing.T, db *store.DB, category string) []audit.Record {
	t.Helper()
	var out []audit.Record
	for r, err := range db.AuditRecords(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Category == category {
			out = append(out, r)
		}
	}
	return out
}

package demo

import (
	"context"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/cost"
)

// CostStore is what the demo's cost settings are written through.
type CostStore interface {
	SavePayerTexts(ctx context.Context, t cost.Texts, rec audit.Record) error
	SaveFees(ctx context.Context, f cost.Fees, s cost.Scale, rec audit.Record) error
}

// Fees is the demo center's self-pay fee schedule: $175 per IOP day (a
// three-hour day), three days a week, for a typical ten weeks.
var Fees = cost.Fees{AmountCents: 175_00, Unit: cost.PerDay, DaysPerWeek: 3, Weeks: 10,
	Note: "Our sliding scale follows the 2025 HHS poverty guidelines for the 48 contiguous states ($15,650 a year for one person, $5,500 more for each additional person). Ask us about a payment plan."}

// povertyLine is the 2025 HHS poverty guideline for the 48 contiguous
// states and the District of Columbia, in cents: $15,650 for one person
// and $5,500 for each additional person.
func povertyLine(size int) int64 { return 15_650_00 + 5_500_00*int64(size-1) }

// Scale is the demo center's sliding scale: the share of the fee a
// household pays by its income as a percentage of the poverty guideline.
func Scale() cost.Scale {
	steps := []struct {
		fromPct int64 // of the poverty line
		pays    int
	}{{0, 10}, {100, 25}, {150, 40}, {200, 60}, {300, 80}, {400, 100}}
	var s cost.Scale
	for size := 1; size <= cost.MaxHousehold; size++ {
		for i, st := range steps {
			b := cost.Bracket{Size: size, FromCents: povertyLine(size) * st.fromPct / 100, Percent: st.pays}
			if i+1 < len(steps) {
				b.UnderCents = povertyLine(size) * steps[i+1].fromPct / 100
			}
			s = append(s, b)
		}
	}
	return s
}

// PayerTexts are the demo center's explanations of what each way of paying
// usually means for IOP. They state the law only where they cite it, say
// "usually" and "ask us", and promise nothing.
var PayerTexts = cost.Texts{
	cost.Medicaid: "Medicaid is run by each state, so whether intensive outpatient treatment is covered, for how many days, " +
		"and whether you pay anything depend on your state and your Medicaid health plan. Many Medicaid plans need " +
		"pre-authorization (approval before you start) and review your progress before approving more days.\n\n" +
		"We usually check your coverage and ask your plan for approval for you before you start. Ask us about your plan.",
	cost.Medicare: "Since 1 January 2024, Medicare covers intensive outpatient program services for mental health and " +
		"substance use disorders (Consolidated Appropriations Act, 2023, section 4124), in settings such as hospital " +
		"outpatient departments, community mental health centers, federally qualified health centers and rural health clinics.\n\n" +
		"To qualify, a physician certifies that you need at least 9 hours of services a week, and recertifies it regularly. " +
		"Your usual Medicare deductible and coinsurance may apply, and a Medicare Advantage plan may have its own rules, such as " +
		"pre-authorization. Ask us whether our program is one Medicare covers for you.",
	cost.Commercial: "Health plans from an employer, the Marketplace or bought on your own usually cover intensive outpatient " +
		"treatment. Under the federal parity law (the Mental Health Parity and Addiction Equity Act of 2008, MHPAEA), a plan " +
		"that covers substance use disorder care usually cannot limit it more strictly than medical and surgical care, for " +
		"example with higher copays, fewer days or stricter pre-authorization.\n\n" +
		"Individual and small-group plans under the Affordable Care Act must include mental health and substance use " +
		"disorder services as an essential health benefit (42 U.S.C. 18022(b)(1)(E)). Your deductible, copay or coinsurance " +
		"still apply, and many plans need pre-authorization. Give us your plan's name and member ID and we will check your " +
		"benefits and tell you what you would pay before you start.",
	cost.Employer: "An employee assistance program (EAP) usually offers a few free, confidential counseling sessions and can " +
		"refer you to treatment; it usually does not pay for a whole intensive outpatient program. Your employer's health " +
		"plan is then what usually pays, and the federal parity law (the Mental Health Parity and Addiction Equity Act of " +
		"2008, MHPAEA) applies to it.\n\n" +
		"Ask us: we can work with your EAP and your health plan.",
	cost.SelfPay: "If you pay yourself, you pay our fee for each day you attend. Our sliding scale lowers it by household size " +
		"and yearly income, and we can set up a payment plan. Below is an estimate from our fee schedule; we go through it " +
		"with you, and confirm it, before you start.",
	cost.NotSure: "That is fine: many people are not sure what their coverage is. Our admissions staff can check your " +
		"benefits with you from your insurance card, or help you look into Medicaid or Marketplace coverage if you have none.\n\n" +
		"Below is our full fee if you paid it yourself, for comparison. If you pay yourself, a sliding scale by household " +
		"size and income can lower it.",
}

// costs writes the demo center's cost settings.
func costs(ctx context.Context, db CostStore, rec audit.Record) error {
	if err := db.SavePayerTexts(ctx, PayerTexts, rec); err != nil {
		return err
	}
	return db.SaveFees(ctx, Fees, Scale(), rec)
}

package placement

// Self is what a person tells the public "Is an IOP right for me?"
// self-assessment, with the screeners already scored by
// internal/instrument. FromSelf turns it into dimension ratings and crisis
// findings, so the self-assessment and the clinician's assessment share one
// rule table.
type Self struct {
	Age        int
	Substances []string // any of SelfSubstances
	Frequency  string   // how often the most-used substance: one of SelfFrequencies, "" when none

	HasAuditC      bool // alcohol was screened with AUDIT-C
	AuditC         int  // 0-12
	AuditCPositive bool // at or above the sex-specific cut-off
	HasDAST        bool // other drugs were screened with DAST-10
	DAST           int  // 0-10
	PHQ2           int  // 0-6
	PHQ9Item9      int  // 0-3: thoughts of being better off dead or of self-harm
	GAD2           int  // 0-6

	WithdrawalHistory   bool // ever had seizures or delirium (DTs) when stopping or cutting down
	WithdrawalNow       bool // shaking, sweating, nausea or anxiety now when not using
	SevereWithdrawalNow bool // right now: a seizure, seeing or hearing things, severe confusion
	DailyHeavyAlcohol   bool // drinks heavily every day or almost every day
	DailyBenzo          bool // takes benzodiazepines or other sedatives every day
	DailyOpioid         bool // uses opioids every day

	SeriousMedical      bool // a serious medical condition that needs regular care
	Pregnant            bool
	MedicalEmergencyNow bool // chest pain, trouble breathing, overdose signs right now

	StableHousing    bool // a stable place to live
	SafeHome         bool // safe where they live
	OthersUseAtHome  bool // someone at home drinks heavily or uses drugs
	SupportivePerson bool // someone who supports their recovery

	Duties          []string // any of "work", "school", "caregiving"
	RecentTreatment string   // one of SelfTreatments
	Readiness       int      // 0-10: how ready to make a change
	CanAttend       string   // about 9 hours a week: "yes", "no" or "unsure"
}

// The answer codes the self-assessment uses.
var (
	SelfSubstances  = []string{"alcohol", "cannabis", "opioids", "stimulants", "sedatives", "other"}
	SelfFrequencies = []string{"less_than_monthly", "monthly", "weekly", "several_weekly", "daily"}
	SelfTreatments  = []string{"none", "residential", "hospital", "outpatient"} // in the past 30 days
)

package model

// LevelOfCare is a level in the addiction treatment continuum. The codes are
// our own plain names; the numbers in Label follow the public structure of
// the ASAM Criteria 3rd edition (shared/reference/clinical.md §2.3). OpenIOP
// does not claim ASAM certification.
type LevelOfCare string

// The levels of care, least intensive first.
const (
	EarlyIntervention      LevelOfCare = "early_intervention"
	Outpatient             LevelOfCare = "outpatient"
	IntensiveOutpatient    LevelOfCare = "intensive_outpatient"
	PartialHospitalization LevelOfCare = "partial_hospitalization"
	Residential            LevelOfCare = "residential"
	WithdrawalManagement   LevelOfCare = "withdrawal_management"
)

// LevelsOfCare lists the levels a client's episode may be at.
var LevelsOfCare = []LevelOfCare{
	EarlyIntervention, Outpatient, IntensiveOutpatient, PartialHospitalization, Residential, WithdrawalManagement,
}

// Valid reports whether l is a known level.
func (l LevelOfCare) Valid() bool {
	for _, x := range LevelsOfCare {
		if x == l {
			return true
		}
	}
	return false
}

// Intensity orders the levels: 0 for the least intensive. Withdrawal
// management ranks highest because it comes before anything else.
func (l LevelOfCare) Intensity() int {
	for i, x := range LevelsOfCare {
		if x == l {
			return i
		}
	}
	return -1
}

// Label is the level in words with its continuum number.
func (l LevelOfCare) Label() string {
	switch l {
	case EarlyIntervention:
		return "Early intervention (0.5)"
	case Outpatient:
		return "Outpatient (1)"
	case IntensiveOutpatient:
		return "Intensive outpatient (2.1)"
	case PartialHospitalization:
		return "Partial hospitalization (2.5)"
	case Residential:
		return "Residential (3)"
	case WithdrawalManagement:
		return "Withdrawal management"
	default:
		return string(l)
	}
}

// Short is the level's common abbreviation, e.g. "IOP".
func (l LevelOfCare) Short() string {
	switch l {
	case EarlyIntervention:
		return "EI"
	case Outpatient:
		return "OP"
	case IntensiveOutpatient:
		return "IOP"
	case PartialHospitalization:
		return "PHP"
	case Residential:
		return "RES"
	case WithdrawalManagement:
		return "WM"
	default:
		return string(l)
	}
}

// EpisodeStatus is where an episode of care stands.
type EpisodeStatus string

// The episode statuses.
const (
	EpisodeActive     EpisodeStatus = "active"
	EpisodeDischarged EpisodeStatus = "discharged"
)

// Episode is one stay of a client in a program, from admission to discharge.
type Episode struct {
	ID                 string
	ClientID           string
	ProgramID          string
	TrackID            string // empty until the client is placed in a track
	LevelOfCare        LevelOfCare
	AdmissionDate      Date
	DischargeDate      Date // zero while the episode is open
	Status             EpisodeStatus
	PrimaryCounselorID string   // a staff user; empty if not yet assigned
	Diagnoses          []string // ICD-10-CM codes, e.g. F10.20
	ReviewDue          Date     // the next continued-stay review; zero once discharged

	// Filled in by queries that join, for display.
	ProgramName      string
	TrackName        string
	CounselorName    string
	MinWeeklyMinutes int
}

// Problems validates an episode and returns field problems.
func (e Episode) Problems() map[string]string {
	p := map[string]string{}
	if !e.LevelOfCare.Valid() {
		p["level_of_care"] = "Choose a level of care."
	}
	if e.AdmissionDate.IsZero() {
		p["admission_date"] = "Enter the admission date."
	}
	if !e.DischargeDate.IsZero() && e.DischargeDate.Before(e.AdmissionDate) {
		p["discharge_date"] = "The discharge date cannot be before the admission date."
	}
	if e.ProgramID == "" {
		p["program_id"] = "Choose a program."
	}
	switch e.Status {
	case EpisodeActive:
		if !e.DischargeDate.IsZero() {
			p["discharge_date"] = "An open episode has no discharge date."
		}
	case EpisodeDischarged:
		if e.DischargeDate.IsZero() {
			p["discharge_date"] = "Enter the discharge date."
		}
	default:
		p["status"] = "Choose active or discharged."
	}
	return p
}

// DaysInCare is the number of days since admission, counting the day of
// admission as day 1.
func (e Episode) DaysInCare(today Date) int {
	end := today
	if !e.DischargeDate.IsZero() {
		end = e.DischargeDate
	}
	return int(end.In(timeUTC).Sub(e.AdmissionDate.In(timeUTC)).Hours()/24) + 1
}

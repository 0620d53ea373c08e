package release

import (
	"fmt"
	"strconv"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
)

// Review is a continued-stay review as a payer's utilization reviewer reads
// it: the level and why it still fits, the six dimensions, and what is asked.
type Review struct {
	Payer      string
	Episode    model.Episode
	Event      care.Event       // the continued-stay review
	Assessment *care.Assessment // the assessment it rests on, if any
	Requested  string           // e.g. "12 days (per diem)"
	From, To   model.Date       // the dates asked for
}

// ReviewCategories is what a utilization review packet carries besides the
// request: who the client is, the episode, attendance and weekly hours, the
// treatment plan and its progress, measures with their trends, drug screens.
var ReviewCategories = []string{consent.CatDemographics, consent.CatEnrollment, consent.CatAttendance, consent.CatTreatmentPlan,
	consent.CatMeasures, consent.CatScreens}

// UtilizationReview is the packet's first section: the request and the
// clinical case for it. It is filed under treatment plan and progress, the
// category a continued-stay review belongs to.
func UtilizationReview(r Review) consent.Section {
	s := consent.Section{Code: consent.CatTreatmentPlan, Title: "Utilization review: request for continued stay"}
	fact(&s, "Payer", r.Payer)
	fact(&s, "Program", r.Episode.ProgramName)
	fact(&s, "Current level of care", r.Episode.LevelOfCare.Label())
	fact(&s, "Admitted", date(r.Episode.AdmissionDate)+" (day "+strconv.Itoa(r.Episode.AdmissionDate.DaysUntil(r.Event.Date)+1)+" at the review)")
	fact(&s, "Review", date(r.Event.Date)+", by "+r.Event.ByName)
	fact(&s, "Why the level still fits", r.Event.Reason)
	fact(&s, "Request", fmt.Sprintf("%s, %s to %s", r.Requested, date(r.From), date(r.To)))
	a := r.Assessment
	if a == nil {
		s.Empty = "No level-of-care assessment is on file for this review; the dimensions are not rated."
		return s
	}
	fact(&s, "Assessment", date(a.AssessedOn)+", by "+a.AssessorName)
	s.Head = []string{"Dimension", "Risk (0-4)", "What the rating rests on"}
	for d := 1; d <= 6; d++ {
		s.Rows = append(s.Rows, []string{fmt.Sprintf("%d. %s", d, placement.DimensionNames[d]), strconv.Itoa(a.Ratings[d]), a.Evidence[d]})
	}
	return s
}

package api

import "github.com/openiop/openiop/internal/auth"

// routes is every API endpoint, its method and the permission it needs.
func (h *Handler) routes() []route {
	return []route{
		// This API's OpenAPI 3.1 description.
		{Method: "GET", Pattern: "/api/v1/openapi.json", Perm: auth.Public, Handle: h.openAPI},

		// Instruments: definitions and scoring. Public: they read and store no client data.
		{Method: "GET", Pattern: "/api/v1/instruments", Perm: auth.Public, Handle: h.instrumentList},
		{Method: "GET", Pattern: "/api/v1/instruments/{code}", Perm: auth.Public, Handle: h.instrumentShow},
		{Method: "POST", Pattern: "/api/v1/instruments/{code}/score", Perm: auth.Public, Handle: h.instrumentScore},

		// The public self-assessment: anonymous, kept a day unless an inquiry sent with consent keeps it.
		{Method: "GET", Pattern: "/api/v1/self-assessments/schema", Perm: auth.Public, Handle: h.selfAssessSchema},
		{Method: "POST", Pattern: "/api/v1/self-assessments", Perm: auth.Public, Handle: h.selfAssessCreate},

		// The program calendar: a staff member's bearer token, with their role's permissions.
		{Method: "GET", Pattern: "/api/v1/occurrences", Perm: auth.ViewSchedule, Handle: h.occurrenceList},
		{Method: "POST", Pattern: "/api/v1/enrolments", Perm: auth.ManageSchedule, Handle: h.enrolmentCreate},
		{Method: "POST", Pattern: "/api/v1/appointments", Perm: auth.ManageSchedule, Handle: h.appointmentCreate},

		// The clinical record: the same permissions and audit as the pages.
		{Method: "GET", Pattern: "/api/v1/clients/{id}/treatment-plans", Perm: auth.ViewClinical, Handle: h.treatmentPlans},
		{Method: "GET", Pattern: "/api/v1/clients/{id}/measures", Perm: auth.ViewClinical, Handle: h.measures},
	}
}

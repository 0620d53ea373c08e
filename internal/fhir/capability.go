package fhir

// SearchParams are the search parameters each type takes besides _id,
// _count, _offset and _format. patient (and subject, its synonym) names the
// client for every client-bound type.
var SearchParams = map[string][]string{
	"Patient":               {"name", "identifier", "birthdate"},
	"EpisodeOfCare":         {"patient", "status"},
	"Encounter":             {"patient", "subject"},
	"Condition":             {"patient", "subject", "code"},
	"Observation":           {"patient", "subject", "category", "code"},
	"QuestionnaireResponse": {"patient", "subject", "questionnaire"},
	"Questionnaire":         {"url"},
	"CarePlan":              {"patient", "subject", "status"},
	"Appointment":           {"patient", "status"},
	"Practitioner":          {"name"},
	"Organization":          {},
	"Location":              {"name"},
	"Consent":               {"patient", "status"},
}

var supported = map[string]string{
	"Patient":      "us-core-patient",
	"Condition":    "us-core-condition-problems-health-concerns",
	"Observation":  "us-core-observation-screening-assessment",
	"Encounter":    "us-core-encounter",
	"CarePlan":     "us-core-careplan",
	"Practitioner": "us-core-practitioner",
	"Organization": "us-core-organization",
	"Location":     "us-core-location",
}

type capability struct {
	ResourceType string    `json:"resourceType"`
	Status       string    `json:"status"`
	Date         string    `json:"date"`
	Publisher    string    `json:"publisher"`
	Kind         string    `json:"kind"`
	Software     capSW     `json:"software"`
	Implement    capImpl   `json:"implementation"`
	FHIRVersion  string    `json:"fhirVersion"`
	Format       []string  `json:"format"`
	Rest         []capRest `json:"rest"`
}

type capSW struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type capImpl struct {
	Description string `json:"description"`
	URL         string `json:"url,omitempty"`
}

type capRest struct {
	Mode     string        `json:"mode"`
	Doc      string        `json:"documentation,omitempty"`
	Security capSecurity   `json:"security"`
	Resource []capResource `json:"resource"`
}

type capSecurity struct {
	Description string `json:"description"`
}

type capResource struct {
	Type        string        `json:"type"`
	Supported   []string      `json:"supportedProfile,omitempty"`
	Interaction []capInteract `json:"interaction"`
	SearchParam []capParam    `json:"searchParam,omitempty"`
	Operation   []capOp       `json:"operation,omitempty"`
}

type capInteract struct {
	Code string `json:"code"`
}

type capParam struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type capOp struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

var paramTypes = map[string]string{"patient": "reference", "subject": "reference", "name": "string", "identifier": "token",
	"birthdate": "date", "status": "token", "code": "token", "category": "token", "questionnaire": "reference", "url": "uri"}

// Capability is the CapabilityStatement at base (version is OpenIOP's).
func Capability(base, version, date string) any {
	r := capRest{Mode: "server", Doc: "Read-only FHIR R4 API of an OpenIOP center.",
		Security: capSecurity{Description: "Send Authorization: Bearer <token>, a staff member's API token with SMART-style scopes " +
			"(patient/Observation.read, user/*.read, system/*.read). A token of an outside system reads a client's record only " +
			"under the client's 42 CFR part 2 consent naming it, and every such read is recorded as a disclosure."}}
	for _, t := range Types {
		cr := capResource{Type: t, Interaction: []capInteract{{"read"}, {"search-type"}}}
		if p, ok := supported[t]; ok {
			cr.Supported = []string{usCore + p}
			if t == "Observation" {
				cr.Supported = append(cr.Supported, usCore+"us-core-observation-lab")
			}
		}
		cr.SearchParam = []capParam{{"_id", "token"}}
		for _, p := range SearchParams[t] {
			cr.SearchParam = append(cr.SearchParam, capParam{p, paramTypes[p]})
		}
		if t == "Patient" {
			cr.Operation = []capOp{{"everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything"}}
		}
		r.Resource = append(r.Resource, cr)
	}
	return capability{ResourceType: "CapabilityStatement", Status: "active", Date: date, Publisher: "OpenIOP", Kind: "instance",
		Software: capSW{Name: "OpenIOP", Version: version}, Implement: capImpl{Description: "OpenIOP FHIR R4 API", URL: base},
		FHIRVersion: "4.0.1", Format: []string{"json"}, Rest: []capRest{r}}
}

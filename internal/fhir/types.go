// Package fhir maps OpenIOP's records to FHIR R4 resources: pure Go types
// holding only the elements OpenIOP fills in (JSON names exactly as the
// specification spells them), the mapping from the domain types, SMART-style
// scopes, search Bundles and OperationOutcome errors. The HTTP side is in
// internal/api (fhir.go); the bulk export in internal/app (export.go).
package fhir

// Code systems and other canonical URLs used in resources.
const (
	LOINC         = "http://loinc.org"
	SNOMED        = "http://snomed.info/sct"
	ICD10CM       = "http://hl7.org/fhir/sid/icd-10-cm"
	URI           = "urn:ietf:rfc:3986"
	ActCode       = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	Confidential  = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
	ObsCategory   = "http://terminology.hl7.org/CodeSystem/observation-category"
	CondCategory  = "http://terminology.hl7.org/CodeSystem/condition-category"
	CondClinical  = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	CondVerify    = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	AbsentReason  = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
	ConsentScope  = "http://terminology.hl7.org/CodeSystem/consentscope"
	PurposeOfUse  = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	Participation = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	CarePlanCat   = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
	OrdinalValue  = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

	// OpenIOP's own identifier and code systems.
	MRNSystem        = "http://openiop.org/fhir/sid/mrn"
	InstrumentSystem = "http://openiop.org/fhir/CodeSystem/instrument"
	AnswerSystem     = "http://openiop.org/fhir/CodeSystem/answer"
	QuestionnaireURL = "http://openiop.org/fhir/Questionnaire/"
	Part2Policy      = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"

	usCore = "http://hl7.org/fhir/us/core/StructureDefinition/"
)

// Resource is any FHIR resource OpenIOP serves.
type Resource interface {
	// TypeName is the resourceType, ID the logical id.
	TypeName() string
	ID() string
	// Client is the client (Patient id) whose record the resource is part
	// of; "" for resources about no one (Practitioner, Questionnaire...).
	Client() string
	base() *Base
}

// Base holds the elements every resource here has.
type Base struct {
	ResourceType string `json:"resourceType"`
	Id           string `json:"id"`
	Meta         *Meta  `json:"meta,omitempty"`
	Text         *Narr  `json:"text,omitempty"`
	client       string
}

func (b *Base) TypeName() string { return b.ResourceType }
func (b *Base) ID() string       { return b.Id }
func (b *Base) Client() string   { return b.client }
func (b *Base) base() *Base      { return b }

// Meta is resource metadata: profiles claimed and security labels.
type Meta struct {
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
	Security    []Coding `json:"security,omitempty"`
}

// Narr is a narrative; Div is XHTML.
type Narr struct {
	Status string `json:"status"`
	Div    string `json:"div"`
}

type Coding struct {
	System  string `json:"system,omitempty"`
	Version string `json:"version,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type Reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

type Identifier struct {
	Use    string `json:"use,omitempty"`
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}

type Address struct {
	Text string `json:"text,omitempty"`
}

type Annotation struct {
	Text string `json:"text"`
}

type Extension struct {
	URL          string   `json:"url"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
	ValueString  string   `json:"valueString,omitempty"`
}

// Patient is a client.
type Patient struct {
	Base
	Identifier []Identifier     `json:"identifier,omitempty"`
	Active     *bool            `json:"active,omitempty"`
	Name       []HumanName      `json:"name,omitempty"`
	Telecom    []ContactPoint   `json:"telecom,omitempty"`
	Gender     string           `json:"gender,omitempty"`
	BirthDate  string           `json:"birthDate,omitempty"`
	Address    []Address        `json:"address,omitempty"`
	Contact    []PatientContact `json:"contact,omitempty"`
	Managing   *Reference       `json:"managingOrganization,omitempty"`
}

type PatientContact struct {
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         *HumanName        `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
}

// EpisodeOfCare is an episode of treatment.
type EpisodeOfCare struct {
	Base
	Status      string             `json:"status"`
	Type        []CodeableConcept  `json:"type,omitempty"`
	Diagnosis   []EpisodeDiagnosis `json:"diagnosis,omitempty"`
	Patient     Reference          `json:"patient"`
	Managing    *Reference         `json:"managingOrganization,omitempty"`
	Period      *Period            `json:"period,omitempty"`
	CareManager *Reference         `json:"careManager,omitempty"`
}

type EpisodeDiagnosis struct {
	Condition Reference `json:"condition"`
	Rank      int       `json:"rank,omitempty"`
}

// Encounter is an attended group meeting or individual session.
type Encounter struct {
	Base
	Identifier    []Identifier      `json:"identifier,omitempty"`
	Status        string            `json:"status"`
	Class         Coding            `json:"class"`
	Type          []CodeableConcept `json:"type,omitempty"`
	Subject       Reference         `json:"subject"`
	EpisodeOfCare []Reference       `json:"episodeOfCare,omitempty"`
	Participant   []EncParticipant  `json:"participant,omitempty"`
	Appointment   []Reference       `json:"appointment,omitempty"`
	Period        *Period           `json:"period,omitempty"`
	Length        *Duration         `json:"length,omitempty"`
	Location      []EncLocation     `json:"location,omitempty"`
	Provider      *Reference        `json:"serviceProvider,omitempty"`
}

type Duration struct {
	Value  int    `json:"value"`
	Unit   string `json:"unit"`
	System string `json:"system"`
	Code   string `json:"code"`
}

type EncParticipant struct {
	Type       []CodeableConcept `json:"type,omitempty"`
	Individual *Reference        `json:"individual,omitempty"`
}

type EncLocation struct {
	Location Reference `json:"location"`
}

// Condition is an episode diagnosis.
type Condition struct {
	Base
	Clinical     *CodeableConcept  `json:"clinicalStatus,omitempty"`
	Verification *CodeableConcept  `json:"verificationStatus,omitempty"`
	Category     []CodeableConcept `json:"category,omitempty"`
	Code         CodeableConcept   `json:"code"`
	Subject      Reference         `json:"subject"`
	Onset        string            `json:"onsetDateTime,omitempty"`
	Abatement    string            `json:"abatementDateTime,omitempty"`
	Recorded     string            `json:"recordedDate,omitempty"`
}

// Observation is an instrument score or a drug-screen result.
type Observation struct {
	Base
	Status       string            `json:"status"`
	Category     []CodeableConcept `json:"category,omitempty"`
	Code         CodeableConcept   `json:"code"`
	Subject      Reference         `json:"subject"`
	Effective    string            `json:"effectiveDateTime,omitempty"`
	Issued       string            `json:"issued,omitempty"`
	Performer    []Reference       `json:"performer,omitempty"`
	ValueInteger *int              `json:"valueInteger,omitempty"`
	ValueConcept *CodeableConcept  `json:"valueCodeableConcept,omitempty"`
	AbsentReason *CodeableConcept  `json:"dataAbsentReason,omitempty"`
	Interpret    []CodeableConcept `json:"interpretation,omitempty"`
	Note         []Annotation      `json:"note,omitempty"`
	Method       *CodeableConcept  `json:"method,omitempty"`
	DerivedFrom  []Reference       `json:"derivedFrom,omitempty"`
}

// Questionnaire is an instrument.
type Questionnaire struct {
	Base
	URL         string   `json:"url"`
	Version     string   `json:"version,omitempty"`
	Name        string   `json:"name,omitempty"`
	Title       string   `json:"title,omitempty"`
	Status      string   `json:"status"`
	SubjectType []string `json:"subjectType,omitempty"`
	Publisher   string   `json:"publisher,omitempty"`
	Description string   `json:"description,omitempty"`
	Copyright   string   `json:"copyright,omitempty"`
	Code        []Coding `json:"code,omitempty"`
	Item        []QItem  `json:"item,omitempty"`
}

type QItem struct {
	LinkID   string    `json:"linkId"`
	Code     []Coding  `json:"code,omitempty"`
	Text     string    `json:"text,omitempty"`
	Type     string    `json:"type"`
	Required *bool     `json:"required,omitempty"`
	Option   []QOption `json:"answerOption,omitempty"`
}

type QOption struct {
	Extension   []Extension `json:"extension,omitempty"`
	ValueCoding Coding      `json:"valueCoding"`
}

// QuestionnaireResponse is one administration of an instrument.
type QuestionnaireResponse struct {
	Base
	Questionnaire string     `json:"questionnaire,omitempty"`
	Status        string     `json:"status"`
	Subject       Reference  `json:"subject"`
	Authored      string     `json:"authored,omitempty"`
	Author        *Reference `json:"author,omitempty"`
	Source        *Reference `json:"source,omitempty"`
	Item          []QRItem   `json:"item,omitempty"`
}

type QRItem struct {
	LinkID string     `json:"linkId"`
	Text   string     `json:"text,omitempty"`
	Answer []QRAnswer `json:"answer,omitempty"`
}

type QRAnswer struct {
	ValueCoding *Coding `json:"valueCoding,omitempty"`
}

// CarePlan is a version of a treatment plan.
type CarePlan struct {
	Base
	Status      string            `json:"status"`
	Intent      string            `json:"intent"`
	Category    []CodeableConcept `json:"category,omitempty"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Subject     Reference         `json:"subject"`
	Period      *Period           `json:"period,omitempty"`
	Created     string            `json:"created,omitempty"`
	Addresses   []Reference       `json:"addresses,omitempty"`
	Activity    []CPActivity      `json:"activity,omitempty"`
	Note        []Annotation      `json:"note,omitempty"`
}

type CPActivity struct {
	Detail CPDetail `json:"detail"`
}

type CPDetail struct {
	Kind        string `json:"kind,omitempty"`
	Status      string `json:"status"`
	Description string `json:"description,omitempty"`
}

// Appointment is an individual appointment.
type Appointment struct {
	Base
	Status      string            `json:"status"`
	ServiceType []CodeableConcept `json:"serviceType,omitempty"`
	Description string            `json:"description,omitempty"`
	Start       string            `json:"start,omitempty"`
	End         string            `json:"end,omitempty"`
	Minutes     int               `json:"minutesDuration,omitempty"`
	Participant []ApptParticipant `json:"participant"`
}

type ApptParticipant struct {
	Actor  *Reference `json:"actor,omitempty"`
	Status string     `json:"status"`
}

// Practitioner is a staff member.
type Practitioner struct {
	Base
	Identifier []Identifier   `json:"identifier,omitempty"`
	Active     *bool          `json:"active,omitempty"`
	Name       []HumanName    `json:"name,omitempty"`
	Telecom    []ContactPoint `json:"telecom,omitempty"`
}

// Organization is the center.
type Organization struct {
	Base
	Identifier []Identifier   `json:"identifier,omitempty"`
	Active     *bool          `json:"active,omitempty"`
	Name       string         `json:"name,omitempty"`
	Telecom    []ContactPoint `json:"telecom,omitempty"`
	Address    []Address      `json:"address,omitempty"`
}

// Location is a site.
type Location struct {
	Base
	Status   string         `json:"status,omitempty"`
	Name     string         `json:"name,omitempty"`
	Telecom  []ContactPoint `json:"telecom,omitempty"`
	Address  *Address       `json:"address,omitempty"`
	Managing *Reference     `json:"managingOrganization,omitempty"`
}

// Consent is a Part 2 consent.
type Consent struct {
	Base
	Status    string            `json:"status"`
	Scope     CodeableConcept   `json:"scope"`
	Category  []CodeableConcept `json:"category"`
	Patient   Reference         `json:"patient"`
	DateTime  string            `json:"dateTime,omitempty"`
	Performer []Reference       `json:"performer,omitempty"`
	Org       []Reference       `json:"organization,omitempty"`
	Policy    []ConsentPolicy   `json:"policy,omitempty"`
	Provision *Provision        `json:"provision,omitempty"`
}

type ConsentPolicy struct {
	URI string `json:"uri,omitempty"`
}

type Provision struct {
	Type    string           `json:"type,omitempty"`
	Period  *Period          `json:"period,omitempty"`
	Actor   []ProvisionActor `json:"actor,omitempty"`
	Purpose []Coding         `json:"purpose,omitempty"`
	Class   []Coding         `json:"class,omitempty"`
}

type ProvisionActor struct {
	Role      CodeableConcept `json:"role"`
	Reference Reference       `json:"reference"`
}

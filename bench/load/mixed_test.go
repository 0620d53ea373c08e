package main

import (
	"strings"
	"testing"
)

func TestMixPlan(t *testing.T) {
	plan := mixPlan()
	if len(plan) != 100 {
		t.Fatalf("plan has %d requests, want 100", len(plan))
	}
	var count [mixKinds]int
	for _, k := range plan {
		count[k]++
	}
	if count != mixShares {
		t.Errorf("plan counts %v, want the shares %v", count, mixShares)
	}
	reads := 0
	for k := mixHome; k < mixSearch; k++ {
		reads += count[k]
	}
	if reads != 70 || count[mixSearch] != 15 || count[mixAttendance]+count[mixNote] != 10 || count[mixLogin] != 5 {
		t.Errorf("plan: %d reads, %d searches, %d writes, %d sign-ins; want 70, 15, 10, 5",
			reads, count[mixSearch], count[mixAttendance]+count[mixNote], count[mixLogin])
	}
	if plan[0] >= mixSearch {
		t.Errorf("plan starts with %s: wrk throws the first request away, it must be a page read", mixNames[plan[0]])
	}
	if again := mixPlan(); !equalPlans(plan, again) {
		t.Error("mixPlan is not deterministic")
	}
	// Shuffled: the ten writes are not all in one run of requests.
	first, last := -1, -1
	for i, k := range plan {
		if k == mixAttendance || k == mixNote {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if last-first < 50 {
		t.Errorf("the writes are bunched between requests %d and %d", first, last)
	}
}

func equalPlans(a, b []mixKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const (
	seriesA = "01a2534e-5e93-794b-9fa2-8c584eee74eb"
	seriesB = "01a2534e-5eb3-71c9-95e9-caf0cbeefecc"
)

func TestAckOf(t *testing.T) {
	for loc, want := range map[string]writeSlot{
		"/program/groups/" + seriesA + "/attendance?date=2026-12-07&saved=1":     {mixAttendance, seriesA + " 2026-12-07"},
		"/program/groups/" + seriesA + "/note?date=2026-12-07&saved=draft":       {mixNote, seriesA + " 2026-12-07"},
		"/program/groups/" + seriesA + "/note?date=2026-12-07&saved=signed":      {},
		"/program/groups/" + seriesA + "/note?date=2026-12-07&saved=1":           {},
		"/program/groups/" + seriesA + "/attendance?date=2026-12-07&saved=draft": {},
		"/program/groups/" + seriesA + "/attendance?date=2026-12-07":             {},
		"/program/groups/" + seriesA + "/attendance?date=2026-12-07&saved=10":    {},
		"/login?next=%2Fhome": {},
		"/home":               {},
	} {
		got, ok := ackOf(loc)
		if ok != (want != writeSlot{}) || got != want {
			t.Errorf("ackOf(%q) = %+v, %v; want %+v", loc, got, ok, want)
		}
	}
}

// log is two threads' logs: thread 1 sent two attendance saves to A (both
// acked) and a note to B (acked); thread 2 sent a note to B that got a 503,
// signed in once, and once was sent to the sign-in page.
const log1 = `sent 1
sent 7 mixed-run-1-0000001 ` + seriesA + ` 2026-12-07
sent 7 mixed-run-1-0000002 ` + seriesA + ` 2026-12-07
sent 8 mixed-run-1-0000003 ` + seriesB + ` 2026-12-08
got 200 -
got 303 /program/groups/` + seriesA + `/attendance?date=2026-12-07&saved=1
got 303 /program/groups/` + seriesB + `/note?date=2026-12-08&saved=draft
got 303 /program/groups/` + seriesA + `/attendance?date=2026-12-07&saved=1
`

const log2 = `sent 8 mixed-run-2-0000001 ` + seriesB + ` 2026-12-08
sent 9
sent 4
got 503 -
got 303 /home
got 303 /login?next=%2Fschedule
`

func readLogs(t *testing.T, logs ...string) *mixLog {
	t.Helper()
	l := newMixLog()
	for _, s := range logs {
		if err := l.read(strings.NewReader(s)); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func TestMixLogRead(t *testing.T) {
	l := readLogs(t, log1, log2)
	if l.Sent[mixHome] != 1 || l.Sent[mixWeek] != 1 || l.Sent[mixAttendance] != 2 || l.Sent[mixNote] != 2 || l.Sent[mixLogin] != 1 {
		t.Errorf("sent %v", l.Sent)
	}
	if l.Statuses[200] != 1 || l.Statuses[303] != 5 || l.Statuses[503] != 1 || l.SignIns != 1 || l.ToSignIn != 1 {
		t.Errorf("statuses %v, sign-ins %d, to sign-in %d", l.Statuses, l.SignIns, l.ToSignIn)
	}
	a, b := writeSlot{mixAttendance, seriesA + " 2026-12-07"}, writeSlot{mixNote, seriesB + " 2026-12-08"}
	if l.Acks[a] != 2 || l.Acks[b] != 1 || len(l.Writes[a]) != 2 || len(l.Writes[b]) != 2 {
		t.Errorf("acks %v, writes %v", l.Acks, l.Writes)
	}
	for _, bad := range []string{"sent 10\n", "sent 7 k\n", "got x -\n", "hello\n"} {
		if err := newMixLog().read(strings.NewReader(bad)); err == nil {
			t.Errorf("read accepted %q", bad)
		}
	}
}

func TestCheckAcks(t *testing.T) {
	l := readLogs(t, log1, log2)
	note := func(key string) map[string]string {
		return map[string]string{seriesB + " 2026-12-08": mixedNoteTopic + key}
	}
	all := map[string]bool{"mixed-run-1-0000001": true, "mixed-run-1-0000002": true, "mixed-run-1-0000003": true}

	c := checkAcks(l, all, note("mixed-run-1-0000003"))
	if c.Acked != 3 || c.Found != 3 || c.Unsure != 1 || c.Unanswered != 0 || c.Notes != 1 || c.NotesWrong != 0 || !c.ok() {
		t.Errorf("everything committed: %+v", c)
	}

	// An acked attendance save is missing: in a slot where every write was
	// acked, each key must be there.
	lost := map[string]bool{"mixed-run-1-0000001": true, "mixed-run-1-0000003": true}
	if c := checkAcks(l, lost, note("mixed-run-1-0000003")); c.Found != 2 || c.ok() {
		t.Errorf("one acked save lost: %+v", c)
	}

	// The note's slot had an unanswered write: the one acked note is
	// matched by count, whichever of the two committed.
	other := map[string]bool{"mixed-run-1-0000001": true, "mixed-run-1-0000002": true, "mixed-run-2-0000001": true}
	if c := checkAcks(l, other, note("mixed-run-2-0000001")); c.Found != 3 || c.Unanswered != 0 || !c.ok() {
		t.Errorf("the unanswered note committed instead: %+v", c)
	}

	// Both notes committed, one answered: the other was cut off.
	both := map[string]bool{"mixed-run-1-0000001": true, "mixed-run-1-0000002": true, "mixed-run-1-0000003": true, "mixed-run-2-0000001": true}
	if c := checkAcks(l, both, note("mixed-run-2-0000001")); c.Found != 3 || c.Unanswered != 1 || !c.ok() {
		t.Errorf("an unanswered note committed too: %+v", c)
	}

	// The note holds a draft no write of the run committed.
	if c := checkAcks(l, all, note("mixed-run-2-0000001")); c.NotesWrong != 1 || c.ok() {
		t.Errorf("note from an uncommitted write: %+v", c)
	}
	if c := checkAcks(l, all, map[string]string{}); c.NotesWrong != 1 || c.ok() {
		t.Errorf("note missing: %+v", c)
	}

	// Nothing acked is no pass.
	if c := checkAcks(newMixLog(), nil, nil); c.ok() {
		t.Errorf("no writes: %+v passes", c)
	}
}

func TestMixedScript(t *testing.T) {
	s := mixedScript(mixSetup{Base: "http://127.0.0.1:1", Cookie: "iop_session=abc", Search: "lopez",
		Pages:    [mixSearch]string{"/home", "/clients?status=active", "/clients/x", "/schedule", "/sheet"},
		Meetings: []meeting{{Series: seriesA, Date: "2026-12-07", Clients: []string{"c1", "c2"}}}, LogDir: "/tmp/x"})
	for _, want := range []string{
		`"/program/groups/` + seriesA + `/attendance?date=2026-12-07"`,
		`marks = "client=c1&client=c2&status_c1=present&status_c2=present"`,
		`local signin = "email=clinician%40demo.openiop.org&password=welcome-to-openiop"`,
		`local search = "q=lopez&status=all"`,
		`local topic = "Load+test+note+"`,
		"function request()", "function response(status, headers, body)", "function setup(thread)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the script lacks %s", want)
		}
	}
}

func TestParseOnly(t *testing.T) {
	o, err := parseOnly("mixed, overload")
	if err != nil || !o["mixed"] || !o["overload"] || o["pages"] {
		t.Errorf("parseOnly = %v, %v", o, err)
	}
	if opts := (options{only: o}); opts.runs("pages") || !opts.runs("mixed") {
		t.Error("runs ignores --only")
	}
	if (options{}).runs("pages") == false {
		t.Error("without --only every part runs")
	}
	if _, err := parseOnly("mixed,everything"); err == nil {
		t.Error("parseOnly accepted an unknown part")
	}
}

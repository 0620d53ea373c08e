package audit_test

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
)

var chicago = func() *time.Location {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		return time.FixedZone("CST", -6*3600)
	}
	return loc
}()

// records returns n unchained records with every field filled and distinct,
// and times in a non-UTC zone with nanoseconds, as callers pass them.
func records(n int) []audit.Record {
	recs := make([]audit.Record, n)
	start := time.Date(2026, 3, 8, 1, 59, 59, 123456789, chicago) // just before a DST change
	for i := range recs {
		recs[i] = audit.Record{
			At:        start.Add(time.Duration(i) * 1500 * time.Millisecond),
			ActorID:   fmt.Sprintf("user-%d", i%7),
			ActorRole: "clinician",
			Action:    audit.ActionRead,
			Category:  "client.demographics",
			ClientID:  fmt.Sprintf("client-%d", i),
			EntityID:  fmt.Sprintf("entity-%d", i),
			Outcome:   audit.OutcomeSuccess,
			IP:        "192.0.2.10",
			RequestID: fmt.Sprintf("req-%d", i),
			Detail:    fmt.Sprintf("viewed chart header %d", i),
		}
	}
	return recs
}

// chain returns a chain of n records and its head.
func chain(n int) ([]audit.Record, audit.Head) {
	recs := records(n)
	audit.Chain(0, audit.GenesisHash, recs)
	head := audit.Head{}
	if n > 0 {
		head = audit.Head{Seq: recs[n-1].Seq, Hash: recs[n-1].Hash}
	}
	return recs, head
}

// seq turns a slice into the iterator Verify reads, as the store provides.
func seq(recs []audit.Record) iter.Seq2[audit.Record, error] {
	return func(yield func(audit.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func verify(t *testing.T, recs []audit.Record, head audit.Head) audit.Report {
	t.Helper()
	rep, err := audit.Verify(seq(recs), head, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

// TestChainLinks checks what Chain fills in: consecutive sequence numbers,
// each record's PrevHash is the previous record's Hash (the genesis hash
// first), and each Hash is HashOf the record.
func TestChainLinks(t *testing.T) {
	recs, _ := chain(5)
	prev := audit.GenesisHash
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Errorf("record %d: Seq = %d", i, r.Seq)
		}
		if r.PrevHash != prev {
			t.Errorf("record %d: PrevHash = %s, want %s", i, r.PrevHash, prev)
		}
		if len(r.Hash) != 64 || r.Hash != audit.HashOf(r) {
			t.Errorf("record %d: Hash = %q, want HashOf = %q", i, r.Hash, audit.HashOf(r))
		}
		if r.At.Location() != time.UTC || r.At.Nanosecond()%1000 != 0 {
			t.Errorf("record %d: At = %v, not normalized", i, r.At)
		}
		prev = r.Hash
	}
	if audit.GenesisHash != strings.Repeat("0", 64) {
		t.Errorf("GenesisHash = %q", audit.GenesisHash)
	}
}

// TestChainInParts: appending in several transactions (Chain continuing from
// the last seq and hash, as the store does) gives the same chain as one call.
func TestChainInParts(t *testing.T) {
	whole, head := chain(10)
	parts := records(10)
	audit.Chain(0, audit.GenesisHash, parts[:3])
	audit.Chain(3, parts[2].Hash, parts[3:4])
	audit.Chain(4, parts[3].Hash, parts[4:])
	for i := range whole {
		if parts[i] != whole[i] {
			t.Errorf("record %d differs:\n%+v\n%+v", i, parts[i], whole[i])
		}
	}
	if rep := verify(t, parts, head); !rep.OK() {
		t.Errorf("chain built in parts: %+v", rep)
	}
}

// TestVerifyIntact: an untouched chain verifies and every record is read.
func TestVerifyIntact(t *testing.T) {
	for _, n := range []int{0, 1, 2, 100} {
		recs, head := chain(n)
		rep := verify(t, recs, head)
		if !rep.OK() || rep.Checked != int64(n) || rep.FirstBad != 0 || rep.Problem != "" {
			t.Errorf("n=%d: %+v, want OK with Checked=%d", n, rep, n)
		}
	}
}

// mutators change one field of a record each. They cover every field that
// HashOf covers.
var mutators = []struct {
	field  string
	mutate func(*audit.Record)
}{
	{"Seq", func(r *audit.Record) { r.Seq += 100 }},
	{"At", func(r *audit.Record) { r.At = r.At.Add(time.Microsecond) }},
	{"ActorID", func(r *audit.Record) { r.ActorID += "x" }},
	{"ActorRole", func(r *audit.Record) { r.ActorRole = "admin" }},
	{"Action", func(r *audit.Record) { r.Action = audit.ActionDelete }},
	{"Category", func(r *audit.Record) { r.Category = "client.notes" }},
	{"ClientID", func(r *audit.Record) { r.ClientID = "client-other" }},
	{"EntityID", func(r *audit.Record) { r.EntityID = "" }},
	{"Outcome", func(r *audit.Record) { r.Outcome = audit.OutcomeDenied }},
	{"IP", func(r *audit.Record) { r.IP = "198.51.100.7" }},
	{"RequestID", func(r *audit.Record) { r.RequestID += "0" }},
	{"Detail", func(r *audit.Record) { r.Detail = strings.ToUpper(r.Detail) }},
	{"PrevHash", func(r *audit.Record) { r.PrevHash = strings.Repeat("f", 64) }},
}

// TestHashOfCoversEveryField: the hash is stable, and changing any single
// field changes it, so no field can be altered unnoticed.
func TestHashOfCoversEveryField(t *testing.T) {
	recs, _ := chain(1)
	r := recs[0]
	base := audit.HashOf(r)
	if again := audit.HashOf(r); again != base {
		t.Fatalf("HashOf is not stable: %s then %s", base, again)
	}
	for _, m := range mutators {
		t.Run(m.field, func(t *testing.T) {
			c := r
			m.mutate(&c)
			if c == r {
				t.Fatalf("mutator did not change the record")
			}
			if audit.HashOf(c) == base {
				t.Errorf("changing %s does not change the hash", m.field)
			}
		})
	}
	// Hash itself is the output, not an input.
	c := r
	c.Hash = "anything"
	if audit.HashOf(c) != base {
		t.Errorf("HashOf depends on the Hash field")
	}
	// The same instant in another zone hashes the same (stored as UTC).
	c = r
	c.At = r.At.In(chicago)
	if audit.HashOf(c) != base {
		t.Errorf("HashOf depends on the time zone of At")
	}
}

// TestHashOfUnambiguous: length prefixes keep text from moving between
// adjacent fields without changing the hash, e.g. ("ab","c") vs ("a","bc").
func TestHashOfUnambiguous(t *testing.T) {
	fields := []func(*audit.Record) *string{
		func(r *audit.Record) *string { return &r.ActorID },
		func(r *audit.Record) *string { return &r.ActorRole },
		func(r *audit.Record) *string { return &r.Action },
		func(r *audit.Record) *string { return &r.Category },
		func(r *audit.Record) *string { return &r.ClientID },
		func(r *audit.Record) *string { return &r.EntityID },
		func(r *audit.Record) *string { return &r.Outcome },
		func(r *audit.Record) *string { return &r.IP },
		func(r *audit.Record) *string { return &r.RequestID },
		func(r *audit.Record) *string { return &r.Detail },
	}
	for i := 0; i+1 < len(fields); i++ {
		var a, b audit.Record
		*fields[i](&a), *fields[i+1](&a) = "ab", "c"
		*fields[i](&b), *fields[i+1](&b) = "a", "bc"
		if audit.HashOf(a) == audit.HashOf(b) {
			t.Errorf("fields %d and %d: (\"ab\",\"c\") and (\"a\",\"bc\") hash the same", i, i+1)
		}
		// Nor may an empty field and its neighbour be confused.
		var c, d audit.Record
		*fields[i](&c), *fields[i+1](&c) = "abc", ""
		*fields[i](&d), *fields[i+1](&d) = "", "abc"
		if audit.HashOf(c) == audit.HashOf(d) {
			t.Errorf("fields %d and %d: (\"abc\",\"\") and (\"\",\"abc\") hash the same", i, i+1)
		}
	}
	// The first text field and PrevHash are adjacent in the encoding too.
	a := audit.Record{PrevHash: "ab", ActorID: "c"}
	b := audit.Record{PrevHash: "a", ActorID: "bc"}
	if audit.HashOf(a) == audit.HashOf(b) {
		t.Errorf("PrevHash and ActorID are ambiguous")
	}
}

// TestNormalize: the stored form is UTC with microseconds (what both engines
// keep), so a hash computed before storing matches one after reading back;
// an empty outcome means success.
func TestNormalize(t *testing.T) {
	at := time.Date(2026, 11, 1, 1, 30, 15, 123456789, chicago)
	r := audit.Record{At: at}
	r.Normalize()
	if r.At.Location() != time.UTC {
		t.Errorf("At location = %v, want UTC", r.At.Location())
	}
	if r.At.Nanosecond() != 123456000 {
		t.Errorf("At nanoseconds = %d, want 123456000 (truncated, not rounded)", r.At.Nanosecond())
	}
	if !r.At.Equal(at.Truncate(time.Microsecond)) {
		t.Errorf("At = %v, want the same instant as %v", r.At, at)
	}
	if r.Outcome != audit.OutcomeSuccess {
		t.Errorf("empty Outcome became %q, want %q", r.Outcome, audit.OutcomeSuccess)
	}
	for _, o := range []string{audit.OutcomeDenied, audit.OutcomeFailure} {
		r := audit.Record{Outcome: o}
		r.Normalize()
		if r.Outcome != o {
			t.Errorf("Outcome %q became %q", o, r.Outcome)
		}
	}
	// Round trip: a record read back with microsecond precision verifies.
	recs, head := chain(3)
	for i := range recs {
		recs[i].At = time.UnixMicro(recs[i].At.UnixMicro()).In(chicago) // as a driver might return it
	}
	if rep := verify(t, recs, head); !rep.OK() {
		t.Errorf("chain read back in another zone: %+v", rep)
	}
}

// TestVerifyDetectsTampering guards the point of the chain: each kind of
// tampering with stored records is found, at the right record.
func TestVerifyDetectsTampering(t *testing.T) {
	const n = 10
	tests := []struct {
		name     string
		tamper   func(recs []audit.Record, head audit.Head) ([]audit.Record, audit.Head)
		firstBad int64
		checked  int64
	}{
		{"edit record 1", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[0].Detail = "nothing to see"
			return r, h
		}, 1, 1},
		{"edit record 5", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[4].ClientID = "client-other"
			return r, h
		}, 5, 5},
		{"edit the last record", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[9].Outcome = audit.OutcomeSuccess + "!"
			return r, h
		}, 10, 10},
		{"edit record 5 and recompute its hash", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[4].ActorID = "someone-else"
			r[4].Hash = audit.HashOf(r[4])
			return r, h // record 6 no longer links to it
		}, 6, 6},
		{"delete record 1", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			return slices.Delete(r, 0, 1), h
		}, 1, 1},
		{"delete record 5", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			return slices.Delete(r, 4, 5), h
		}, 5, 5},
		{"delete records 5 to 7", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			return slices.Delete(r, 4, 7), h
		}, 5, 5},
		{"delete the last record", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			return r[:9], h // the head still says 10
		}, 10, 9},
		{"insert a crude forgery at 5", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			f := r[4]
			f.Detail = "forged"
			return slices.Insert(r, 4, f), h
		}, 5, 5},
		{"insert a well-formed forgery at 5", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			// Correct seq, link and hash: it passes itself, but the genuine
			// record 5 that follows is now out of order.
			f := audit.Record{At: r[4].At, ActorID: "forger", Action: audit.ActionRead}
			f.Normalize()
			f.Seq, f.PrevHash = 5, r[3].Hash
			f.Hash = audit.HashOf(f)
			return slices.Insert(r, 4, f), h
		}, 6, 6},
		{"insert and renumber the rest", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			f := r[4]
			f.Detail = "forged"
			f.Hash = audit.HashOf(f)
			r = slices.Insert(r, 4, f)
			for i := 5; i < len(r); i++ {
				r[i].Seq++
			}
			return r, h
		}, 6, 6},
		{"append a forgery without moving the head", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			f := audit.Record{At: r[9].At, ActorID: "forger", Action: audit.ActionRead, Outcome: audit.OutcomeSuccess,
				Seq: 11, PrevHash: r[9].Hash}
			f.Hash = audit.HashOf(f)
			return append(r, f), h
		}, 11, 11},
		{"swap records 1 and 2", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[0], r[1] = r[1], r[0]
			return r, h
		}, 1, 1},
		{"swap records 4 and 7", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[3], r[6] = r[6], r[3]
			return r, h
		}, 4, 4},
		{"swap and renumber records 4 and 5", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			r[3], r[4] = r[4], r[3]
			r[3].Seq, r[4].Seq = 4, 5
			return r, h
		}, 4, 4},
		{"truncate the tail, head still at the old end", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			return r[:6], h
		}, 7, 6},
		{"truncate everything", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			return nil, h
		}, 1, 0},
		{"head hash altered", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			h.Hash = strings.Repeat("a", 64)
			return r, h // every record is fine; the last one or the head was altered
		}, 10, 10},
		{"head seq moved back but its hash kept", func(r []audit.Record, h audit.Head) ([]audit.Record, audit.Head) {
			h.Seq = 8
			return r, h
		}, 9, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, head := chain(n)
			recs, head = tt.tamper(recs, head)
			rep := verify(t, recs, head)
			if rep.OK() {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			if rep.FirstBad != tt.firstBad {
				t.Errorf("FirstBad = %d, want %d (%s)", rep.FirstBad, tt.firstBad, rep.Problem)
			}
			if rep.Checked != tt.checked {
				t.Errorf("Checked = %d, want %d", rep.Checked, tt.checked)
			}
			if rep.Problem == "" {
				t.Errorf("no Problem text")
			}
		})
	}
}

// TestVerifyLimitHeadMovedBack documents a limit of the design: the chain is
// an unkeyed hash chain, so someone who can cut records off the end AND move
// the separately stored Head back to the new last record leaves a chain that
// is internally consistent. Verify cannot detect it; only a copy of the head
// kept elsewhere (an export, a later verification report) can. This test
// asserts the limit so that a change to it is noticed and this comment updated.
func TestVerifyLimitHeadMovedBack(t *testing.T) {
	recs, _ := chain(10)
	recs = recs[:6]
	head := audit.Head{Seq: recs[5].Seq, Hash: recs[5].Hash}
	rep := verify(t, recs, head)
	if !rep.OK() || rep.Checked != 6 {
		t.Errorf("truncated chain with a matching head: %+v, want OK (undetectable by design)", rep)
	}
}

// TestVerifyStopsAtFirstBad: Verify stops reading at the first broken record
// rather than walking a possibly huge log to the end.
func TestVerifyStopsAtFirstBad(t *testing.T) {
	recs, head := chain(100)
	recs[9].Detail = "altered"
	read := 0
	it := func(yield func(audit.Record, error) bool) {
		for _, r := range recs {
			read++
			if !yield(r, nil) {
				return
			}
		}
	}
	rep, err := audit.Verify(it, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.FirstBad != 10 || read != 10 {
		t.Errorf("FirstBad = %d after reading %d records, want 10 and 10", rep.FirstBad, read)
	}
}

// TestVerifyIteratorError: a read error is returned, not reported as
// tampering, with the count of records read so far.
func TestVerifyIteratorError(t *testing.T) {
	recs, head := chain(5)
	boom := errors.New("connection reset")
	it := func(yield func(audit.Record, error) bool) {
		for _, r := range recs[:3] {
			if !yield(r, nil) {
				return
			}
		}
		yield(audit.Record{}, boom)
	}
	rep, err := audit.Verify(it, head, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if rep.Checked != 3 || rep.FirstBad != 0 {
		t.Errorf("report = %+v, want Checked 3, FirstBad 0", rep)
	}
}

// TestVerifyProgress: progress is reported every 10,000 records, so the
// audit verification page can show it on a long log.
func TestVerifyProgress(t *testing.T) {
	recs, head := chain(25000)
	var calls []int64
	rep, err := audit.Verify(seq(recs), head, func(n int64) { calls = append(calls, n) })
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Checked != 25000 {
		t.Errorf("report = %+v", rep)
	}
	if !slices.Equal(calls, []int64{10000, 20000}) {
		t.Errorf("progress calls = %v, want [10000 20000]", calls)
	}
}

// TestReportOK: a report is OK only with neither a bad record nor a problem.
func TestReportOK(t *testing.T) {
	tests := []struct {
		rep  audit.Report
		want bool
	}{
		{audit.Report{}, true},
		{audit.Report{Checked: 5}, true},
		{audit.Report{FirstBad: 3}, false},
		{audit.Report{Problem: "x"}, false},
	}
	for _, tt := range tests {
		if got := tt.rep.OK(); got != tt.want {
			t.Errorf("%+v.OK() = %v, want %v", tt.rep, got, tt.want)
		}
	}
}

package audit_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
)

// key returns a fixed signing key and its public key.
func key(t *testing.T, seed byte) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv, priv.Public().(ed25519.PublicKey)
}

var signedAt = time.Date(2026, 3, 8, 9, 30, 0, 123456789, chicago)

// anchorAt signs the head as it stood at record seq.
func anchorAt(priv ed25519.PrivateKey, recs []audit.Record, seq int64) audit.Anchor {
	return audit.SignAnchor(priv, audit.Head{Seq: seq, Hash: recs[seq-1].Hash}, signedAt.Add(time.Duration(seq)*time.Minute))
}

func verifyAnchored(t *testing.T, recs []audit.Record, head audit.Head, anchors []audit.Anchor, pub ed25519.PublicKey) audit.Report {
	t.Helper()
	rep, err := audit.VerifyAnchored(seq(recs), head, anchors, pub, nil)
	if err != nil {
		t.Fatalf("VerifyAnchored: %v", err)
	}
	return rep
}

// rebuild is the attack anchors exist for: change record n, then recompute
// the hash of it and of every record after it, and move the head. The chain
// verifies again.
func rebuild(recs []audit.Record, n int64) audit.Head {
	recs[n-1].Detail = "nothing to see here"
	audit.Chain(n-1, recs[n-2].Hash, recs[n-1:])
	last := recs[len(recs)-1]
	return audit.Head{Seq: last.Seq, Hash: last.Hash}
}

func TestAnchorSignature(t *testing.T) {
	priv, pub := key(t, 1)
	_, other := key(t, 2)
	recs, head := chain(3)
	a := audit.SignAnchor(priv, head, signedAt)
	if a.Seq != 3 || a.Hash != recs[2].Hash || !a.At.Equal(signedAt.Truncate(time.Microsecond)) || a.At.Location() != time.UTC {
		t.Fatalf("anchor %+v: want record 3, its hash, and the time in UTC to the microsecond", a)
	}
	if !a.Valid(pub) {
		t.Fatal("a fresh anchor does not verify")
	}
	if a.Valid(other) {
		t.Error("an anchor verifies with another key")
	}
	changed := map[string]func(*audit.Anchor){
		"seq":       func(a *audit.Anchor) { a.Seq++ },
		"hash":      func(a *audit.Anchor) { a.Hash = recs[1].Hash },
		"time":      func(a *audit.Anchor) { a.At = a.At.Add(time.Microsecond) },
		"signature": func(a *audit.Anchor) { a.Signature = a.Signature[:10] },
		"not hex":   func(a *audit.Anchor) { a.Hash = strings.ToUpper(a.Hash) },
	}
	for name, change := range changed {
		b := a
		change(&b)
		if b.Valid(pub) {
			t.Errorf("an anchor with its %s changed still verifies", name)
		}
	}
	// The time is signed as an instant: the same instant in another zone verifies.
	b := a
	b.At = a.At.In(chicago)
	if !b.Valid(pub) {
		t.Error("the same instant in another zone does not verify")
	}
}

func TestVerifyAnchoredIntact(t *testing.T) {
	priv, pub := key(t, 1)
	recs, head := chain(30)
	anchors := []audit.Anchor{anchorAt(priv, recs, 20), anchorAt(priv, recs, 10), anchorAt(priv, recs, 10)}
	rep := verifyAnchored(t, recs, head, anchors, pub)
	if !rep.OK() || rep.Checked != 30 || rep.Anchors != 2 || rep.AnchoredTo != 20 {
		t.Fatalf("intact chain (the repeated anchor counts once): %+v", rep)
	}
	// An empty chain with no anchors is intact as well.
	if rep := verifyAnchored(t, nil, audit.Head{}, nil, pub); !rep.OK() {
		t.Fatalf("empty chain: %+v", rep)
	}
}

// TestVerifyAnchoredRebuiltChain: a chain rebuilt from record 15 verifies on
// its own; the anchors at 10 and 20 place the change between 11 and 20.
func TestVerifyAnchoredRebuiltChain(t *testing.T) {
	priv, pub := key(t, 1)
	recs, _ := chain(30)
	anchors := []audit.Anchor{anchorAt(priv, recs, 10), anchorAt(priv, recs, 20), anchorAt(priv, recs, 30)}
	head := rebuild(recs, 15)
	if rep := verify(t, recs, head); !rep.OK() {
		t.Fatalf("the rebuilt chain should fool plain Verify: %+v", rep)
	}
	rep := verifyAnchored(t, recs, head, anchors, pub)
	if rep.OK() || rep.FirstBad != 11 || !strings.Contains(rep.Problem, "rebuilt from a record between 11 and 20") ||
		!strings.Contains(rep.Problem, "record 20 does not carry the hash") {
		t.Fatalf("rebuilt chain: %+v", rep)
	}
	if rep.Anchors != 1 || rep.AnchoredTo != 10 {
		t.Errorf("matching anchors %d up to %d, want 1 up to 10", rep.Anchors, rep.AnchoredTo)
	}
	// With no anchor before the change, the range starts at record 1.
	rep = verifyAnchored(t, recs, head, anchors[1:], pub)
	if rep.FirstBad != 1 || !strings.Contains(rep.Problem, "between 1 and 20") {
		t.Fatalf("rebuilt chain, no earlier anchor: %+v", rep)
	}
}

// TestVerifyAnchoredCutOffTail: records cut off the end with the head moved
// back verify on their own; an anchor past the new end shows them gone.
func TestVerifyAnchoredCutOffTail(t *testing.T) {
	priv, pub := key(t, 1)
	recs, _ := chain(30)
	anchors := []audit.Anchor{anchorAt(priv, recs, 10), anchorAt(priv, recs, 25)}
	cut := recs[:20]
	head := audit.Head{Seq: 20, Hash: cut[19].Hash}
	if rep := verify(t, cut, head); !rep.OK() {
		t.Fatalf("the cut chain should fool plain Verify: %+v", rep)
	}
	rep := verifyAnchored(t, cut, head, anchors, pub)
	if rep.FirstBad != 21 || !strings.Contains(rep.Problem, "the chain ends at record 20") ||
		!strings.Contains(rep.Problem, "shows record 25: records were removed from the end") {
		t.Fatalf("cut-off tail: %+v", rep)
	}
	// Cut off and then written on: the new record 25 is not the anchored one.
	more := append(cut[:20:20], records(10)...)
	audit.Chain(20, cut[19].Hash, more[20:])
	head = audit.Head{Seq: 30, Hash: more[29].Hash}
	rep = verifyAnchored(t, more, head, anchors, pub)
	if rep.FirstBad != 11 || !strings.Contains(rep.Problem, "between 11 and 25") {
		t.Fatalf("cut off and written on: %+v", rep)
	}
	// Without moving the head back, the break is named as plain Verify names it.
	rep = verifyAnchored(t, cut, audit.Head{Seq: 30, Hash: recs[29].Hash}, anchors, pub)
	if rep.FirstBad != 21 || !strings.Contains(rep.Problem, "its head says 30") {
		t.Fatalf("cut-off tail, head left: %+v", rep)
	}
}

// TestVerifyAnchoredKeepsChainProblems: a break in the chain itself is named
// as Verify names it, even with anchors after it.
func TestVerifyAnchoredKeepsChainProblems(t *testing.T) {
	priv, pub := key(t, 1)
	recs, head := chain(30)
	anchors := []audit.Anchor{anchorAt(priv, recs, 10), anchorAt(priv, recs, 20)}
	recs[6].ActorID = "someone-else"
	rep := verifyAnchored(t, recs, head, anchors, pub)
	if rep.FirstBad != 7 || !strings.Contains(rep.Problem, "record 7 was altered") || strings.Contains(rep.Problem, "anchor") {
		t.Fatalf("edited record: %+v", rep)
	}
	recs, head = chain(30)
	gone := append(recs[:9:9], recs[10:]...) // record 10, which an anchor names, deleted
	rep = verifyAnchored(t, gone, head, anchors, pub)
	if rep.FirstBad != 10 || !strings.Contains(rep.Problem, "record 10 is missing") {
		t.Fatalf("deleted anchored record: %+v", rep)
	}
	// A careless rebuild: the anchors show the earlier change, and the
	// break after it is named too.
	recs, _ = chain(30)
	head = rebuild(recs, 15)
	recs[24].IP = "203.0.113.9"
	rep = verifyAnchored(t, recs, head, anchors, pub)
	if rep.FirstBad != 11 || !strings.Contains(rep.Problem, "between 11 and 20") || !strings.Contains(rep.Problem, "also breaks at record 25") {
		t.Fatalf("careless rebuild: %+v", rep)
	}
}

func TestVerifyAnchoredForgedAnchor(t *testing.T) {
	priv, pub := key(t, 1)
	stranger, _ := key(t, 2)
	recs, head := chain(30)
	forged := anchorAt(priv, recs, 20)
	forged.Seq = 25 // a real signature moved to another record
	anchors := []audit.Anchor{anchorAt(priv, recs, 10), forged, anchorAt(stranger, recs, 28)}
	rep := verifyAnchored(t, recs, head, anchors, pub)
	if rep.OK() || rep.FirstBad != 0 || !strings.Contains(rep.Problem, "2 of 3 anchors are not signed by this public key") ||
		!strings.Contains(rep.Problem, "names record 25") {
		t.Fatalf("forged anchors: %+v", rep)
	}
	if rep.Anchors != 1 {
		t.Errorf("%d anchors matched, want 1", rep.Anchors)
	}
	// A forged anchor does not hide a rebuilt chain.
	head = rebuild(recs, 15)
	rep = verifyAnchored(t, recs, head, append(anchors, anchorAt(priv, chainCopy(30), 20)), pub)
	if rep.FirstBad != 11 {
		t.Fatalf("rebuilt chain with a forged anchor: %+v", rep)
	}
}

// TestVerifyAnchoredAfterAKeyChange: anchors signed before and after a key
// change verify with both public keys, and not with either alone.
func TestVerifyAnchoredAfterAKeyChange(t *testing.T) {
	old, oldPub := key(t, 1)
	cur, curPub := key(t, 2)
	recs, head := chain(30)
	anchors := []audit.Anchor{anchorAt(old, recs, 10), anchorAt(cur, recs, 20)}
	rep, err := audit.VerifyAnchoredKeys(seq(recs), head, anchors, []ed25519.PublicKey{curPub, oldPub}, nil)
	if err != nil || !rep.OK() || rep.Anchors != 2 || rep.AnchoredTo != 20 {
		t.Fatalf("both keys: %+v %v", rep, err)
	}
	if rep := verifyAnchored(t, recs, head, anchors, curPub); rep.OK() || !strings.Contains(rep.Problem, "1 of 2 anchors are not signed by this public key") {
		t.Fatalf("the new key alone: %+v", rep)
	}
	_, strangerPub := key(t, 3)
	rep, _ = audit.VerifyAnchoredKeys(seq(recs), head, anchors, []ed25519.PublicKey{curPub, strangerPub}, nil)
	if rep.OK() || !strings.Contains(rep.Problem, "not signed by any of the public keys given") {
		t.Fatalf("the new key and a stranger's: %+v", rep)
	}
}

func chainCopy(n int) []audit.Record { recs, _ := chain(n); return recs }

func TestVerifyAnchoredWrongKey(t *testing.T) {
	priv, _ := key(t, 1)
	_, wrong := key(t, 2)
	recs, head := chain(30)
	rep := verifyAnchored(t, recs, head, []audit.Anchor{anchorAt(priv, recs, 10), anchorAt(priv, recs, 20)}, wrong)
	if rep.OK() || !strings.Contains(rep.Problem, "none of the 2 anchors is signed by this public key") {
		t.Fatalf("wrong key: %+v", rep)
	}
}

func TestVerifyAnchoredReadError(t *testing.T) {
	_, pub := key(t, 1)
	boom := errors.New("connection lost")
	bad := func(yield func(audit.Record, error) bool) { yield(audit.Record{}, boom) }
	if _, err := audit.VerifyAnchored(bad, audit.Head{}, nil, pub, nil); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read error", err)
	}
}

func TestAnchorLogRoundTrip(t *testing.T) {
	priv, pub := key(t, 1)
	recs, _ := chain(5)
	var buf bytes.Buffer
	want := []audit.Anchor{anchorAt(priv, recs, 2), anchorAt(priv, recs, 5)}
	for _, a := range want {
		if err := audit.WriteAnchorLine(&buf, a); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("%d lines, want one per anchor:\n%s", n, buf.String())
	}
	got, err := audit.ReadAnchorLines(strings.NewReader(buf.String() + "\n  \n"))
	if err != nil || len(got) != 2 {
		t.Fatalf("read back %v, %v", got, err)
	}
	for i := range got {
		if got[i].Seq != want[i].Seq || got[i].Hash != want[i].Hash || !got[i].At.Equal(want[i].At) ||
			got[i].Signature != want[i].Signature || !got[i].Valid(pub) {
			t.Errorf("anchor %d read back as %+v, want %+v", i, got[i], want[i])
		}
	}
	_, err = audit.ReadAnchorLines(strings.NewReader(buf.String() + "{\"seq\": 7, \"hash\": \n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("torn line: %v", err)
	}
	_, err = audit.ReadAnchorLines(strings.NewReader(`{"seq": 1, "colour": "blue"}` + "\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("unknown field: %v", err)
	}
}

func TestAnchorKeys(t *testing.T) {
	text, err := audit.NewAnchorKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := audit.ParseAnchorKey(text + "\n")
	if err != nil {
		t.Fatalf("ParseAnchorKey(NewAnchorKey()): %v", err)
	}
	pub, err := audit.ParsePublicKey(audit.PublicKeyText(priv))
	if err != nil {
		t.Fatal(err)
	}
	_, head := chain(2)
	if !audit.SignAnchor(priv, head, signedAt).Valid(pub) {
		t.Fatal("an anchor signed with a parsed key does not verify with its public key")
	}
	if other, _ := audit.NewAnchorKey(); other == text {
		t.Fatal("two new keys are the same")
	}
	cases := []struct {
		text string
		want error
	}{
		{"", audit.ErrKeyEmpty},
		{"  \n", audit.ErrKeyEmpty},
		{"not base64 at all!", audit.ErrKeyEncoding},
		{"c2hvcnQ=", audit.ErrKeySize},
		{text + text, audit.ErrKeyEncoding}, // padding in the middle
	}
	for _, c := range cases {
		if _, err := audit.ParseAnchorKey(c.text); !errors.Is(err, c.want) || !strings.Contains(err.Error(), "signing key") {
			t.Errorf("ParseAnchorKey(%q): %v, want %v", c.text, err, c.want)
		}
		if _, err := audit.ParsePublicKey(c.text); !errors.Is(err, c.want) || !strings.Contains(err.Error(), "public key") {
			t.Errorf("ParsePublicKey(%q): %v, want %v", c.text, err, c.want)
		}
	}
	if _, err := audit.ParseAnchorKey("c2hvcnQ="); err == nil || !strings.Contains(err.Error(), "5 bytes, want 32") {
		t.Errorf("short key: %v", err)
	}
}

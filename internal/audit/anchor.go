package audit

// Anchors defend the chain against someone who controls the database. The
// hash chain alone shows an edit, but an attacker who can drop the
// append-only triggers can also rewrite every record after the edit,
// recompute every hash and move the head: the chain verifies again. Cutting
// records off the end and rewriting the head verifies too.
//
// An anchor is the chain's head signed with an Ed25519 key kept outside the
// database. The attacker above cannot sign a new one, so the old anchors
// keep naming the hashes the records had. Anchors are kept in the database
// and, for an attacker who deletes those, in an append-only log on other
// storage. Checking them needs only the public key.

import (
	"bufio"
	"cmp"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Anchor is a signed statement that the chain's record Seq had hash Hash at
// time At.
type Anchor struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`        // UTC, microsecond precision (what both engines keep)
	Signature string    `json:"signature"` // base64 Ed25519 signature of Message()
}

// Errors of ParseAnchorKey and ParsePublicKey.
var (
	ErrKeyEmpty    = errors.New("the key is empty")
	ErrKeyEncoding = errors.New("the key is not base64 text")
	ErrKeySize     = errors.New("the key has the wrong length")
)

// Message is the exact text an anchor's signature covers. The prefix keeps
// an anchor signature from being mistaken for a signature over anything else.
func (a Anchor) Message() []byte {
	return []byte("openiop-audit-anchor\n" + strconv.FormatInt(a.Seq, 10) + "\n" + a.Hash + "\n" +
		a.At.UTC().Format(time.RFC3339Nano))
}

// SignAnchor signs head as of at. at is put into the stored form (UTC,
// microseconds) first, so the anchor reads back from either engine exactly
// as signed.
func SignAnchor(priv ed25519.PrivateKey, head Head, at time.Time) Anchor {
	a := Anchor{Seq: head.Seq, Hash: head.Hash, At: at.UTC().Truncate(time.Microsecond)}
	a.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, a.Message()))
	return a
}

// Valid reports whether a is well formed and signed by the key pub belongs to.
func (a Anchor) Valid(pub ed25519.PublicKey) bool {
	if len(pub) != ed25519.PublicKeySize || a.Seq < 0 || !validHash(a.Hash) {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, a.Message(), sig)
}

func validHash(h string) bool {
	b, err := hex.DecodeString(h)
	return err == nil && len(b) == 32 && h == strings.ToLower(h)
}

// NewAnchorKey returns a new signing key as text: the base64 of a random
// 32-byte Ed25519 seed.
func NewAnchorKey() (string, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return "", fmt.Errorf("generating an audit anchor key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(seed), nil
}

// ParseAnchorKey reads a signing key written by NewAnchorKey. Surrounding
// space (a file's final newline) is ignored.
func ParseAnchorKey(text string) (ed25519.PrivateKey, error) {
	seed, err := decodeKey(text, ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("audit anchor signing key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// PublicKeyText is the base64 public key of priv: what verification needs.
func PublicKeyText(priv ed25519.PrivateKey) string {
	pub, _ := priv.Public().(ed25519.PublicKey)
	return base64.StdEncoding.EncodeToString(pub)
}

// ParsePublicKey reads a public key written by PublicKeyText.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	b, err := decodeKey(text, ed25519.PublicKeySize)
	if err != nil {
		return nil, fmt.Errorf("audit anchor public key: %w", err)
	}
	return ed25519.PublicKey(b), nil
}

func decodeKey(text string, size int) ([]byte, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, ErrKeyEmpty
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, ErrKeyEncoding
	}
	if len(b) != size {
		return nil, fmt.Errorf("%w: %d bytes, want %d (as `iop audit keygen` writes)", ErrKeySize, len(b), size)
	}
	return b, nil
}

// WriteAnchorLine writes a as one JSON line of an anchor log.
func WriteAnchorLine(w io.Writer, a Anchor) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadAnchorLines reads an anchor log written by WriteAnchorLine. Blank lines
// are skipped; any other line that is not an anchor is an error naming it.
func ReadAnchorLines(r io.Reader) ([]Anchor, error) {
	var out []Anchor
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var a Anchor
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			return out, fmt.Errorf("anchor log line %d is not an anchor: %w", n, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("reading the anchor log: %w", err)
	}
	return out, nil
}

// VerifyAnchored verifies the chain as Verify does and also checks it
// against anchors, which may come from several places and repeat (an
// anchor given twice counts once):
//
//   - every anchor must be signed by pub; one that is not was forged or
//     altered (or pub is the wrong key);
//   - the record each signed anchor names must carry the anchored hash; if
//     it does not, the chain was rebuilt from some record after the last
//     anchor that still matched;
//   - no signed anchor may name a record past the end of the chain; if one
//     does, records were removed from the end.
//
// A problem with the records themselves is reported first, as Verify names
// it, unless an anchor shows an earlier one. Records missing from the middle
// of the chain are left to Verify, which names them precisely.
func VerifyAnchored(records iter.Seq2[Record, error], head Head, anchors []Anchor, pub ed25519.PublicKey,
	progress func(checked int64)) (Report, error) {
	return VerifyAnchoredKeys(records, head, anchors, []ed25519.PublicKey{pub}, progress)
}

// VerifyAnchoredKeys is VerifyAnchored for anchors signed with any of
// several keys: after a key change the older anchors need the older public
// key, and the database holds anchors of both.
func VerifyAnchoredKeys(records iter.Seq2[Record, error], head Head, anchors []Anchor, pubs []ed25519.PublicKey,
	progress func(checked int64)) (Report, error) {
	byKey := "this public key"
	if len(pubs) > 1 {
		byKey = "any of the public keys given"
	}
	var signed, forged []Anchor
	type same struct {
		seq       int64
		hash, at  string
		signature string
	}
	seen := map[same]bool{}
	for _, a := range anchors {
		k := same{a.Seq, a.Hash, a.At.UTC().Format(time.RFC3339Nano), a.Signature}
		if seen[k] {
			continue // the same anchor from the database and the log
		}
		seen[k] = true
		if slices.ContainsFunc(pubs, func(pub ed25519.PublicKey) bool { return a.Valid(pub) }) {
			signed = append(signed, a)
		} else {
			forged = append(forged, a)
		}
	}
	slices.SortStableFunc(signed, func(a, b Anchor) int { return cmp.Compare(a.Seq, b.Seq) })

	var (
		next     int   // first signed anchor not yet compared
		lastGood int64 // seq of the last anchor that matched
		last     int64 // seq of the last record read
		matched  int
		anchRep  Report // the first problem the anchors show
	)
	mismatch := func(a Anchor) {
		if anchRep.FirstBad == 0 {
			anchRep.FirstBad = lastGood + 1
			anchRep.Problem = fmt.Sprintf("record %d does not carry the hash its signed anchor of %s holds: the chain was rebuilt from a record between %d and %d",
				a.Seq, a.At.UTC().Format(time.RFC3339), lastGood+1, a.Seq)
		}
	}
	observe := func(r Record) {
		last = r.Seq
		for ; next < len(signed) && signed[next].Seq <= r.Seq; next++ {
			a := signed[next]
			switch {
			case a.Seq < r.Seq:
				// The record is missing from the middle: Verify reports the gap.
			case a.Hash == r.Hash:
				if anchRep.FirstBad == 0 {
					matched++
					lastGood = a.Seq
				}
			default:
				mismatch(a)
			}
		}
	}
	// Genesis anchors (an empty chain) match by definition.
	for next < len(signed) && signed[next].Seq == 0 {
		if signed[next].Hash == GenesisHash {
			matched++
		} else {
			mismatch(signed[next])
		}
		next++
	}

	pull, stop := iter.Pull2(records)
	defer stop()
	watched := func(yield func(Record, error) bool) {
		for {
			r, err, ok := pull()
			if !ok {
				return
			}
			if err == nil {
				observe(r)
			}
			if !yield(r, err) {
				return
			}
		}
	}
	rep, err := Verify(watched, head, progress)
	if err != nil {
		return rep, err
	}
	// Verify stops at the first broken record; the anchors past it still count.
	for {
		r, err, ok := pull()
		if !ok {
			break
		}
		if err != nil {
			return rep, err
		}
		observe(r)
	}
	if next < len(signed) && anchRep.FirstBad == 0 {
		a := signed[len(signed)-1]
		anchRep.FirstBad = last + 1
		anchRep.Problem = fmt.Sprintf("the chain ends at record %d, but a signed anchor of %s shows record %d: records were removed from the end",
			last, a.At.UTC().Format(time.RFC3339), a.Seq)
	}

	switch {
	case anchRep.FirstBad != 0 && (rep.FirstBad == 0 || anchRep.FirstBad < rep.FirstBad):
		if rep.FirstBad != 0 {
			anchRep.Problem += fmt.Sprintf("; the chain itself also breaks at record %d: %s", rep.FirstBad, rep.Problem)
		}
		rep.FirstBad, rep.Problem = anchRep.FirstBad, anchRep.Problem
	case rep.FirstBad != 0:
	case len(forged) > 0 && len(signed) == 0:
		rep.Problem = fmt.Sprintf("none of the %d anchors is signed by %s: the key is wrong (anchors made before a key change need the old public key), or the anchors were forged", len(forged), byKey)
	case len(forged) > 0:
		a := forged[0]
		rep.Problem = fmt.Sprintf("%d of %d anchors are not signed by %s (the first names record %d, dated %s): they were forged or altered, or signed with another key",
			len(forged), len(signed)+len(forged), byKey, a.Seq, a.At.UTC().Format(time.RFC3339))
	}
	rep.Anchors = matched
	rep.AnchoredTo = lastGood
	return rep, nil
}

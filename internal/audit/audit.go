// Package audit defines OpenIOP's audit record, the hash chain that makes the
// log tamper-evident, its verification, and a batching writer for read
// records. It holds no SQL: the store appends records inside its own
// transactions, calling Chain to link them.
//
// Each record carries the fields of ASTM E2147 as required by HIPAA 45 CFR
// 164.312(b) and ONC 170.315(d)(2): when, who (user and role), what action,
// on which client and data category, from where, with what outcome.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"
)

// Actions recorded. Reads and queries are recorded as well as changes.
const (
	ActionCreate      = "create"
	ActionRead        = "read"
	ActionQuery       = "query" // a list or search that showed client data
	ActionUpdate      = "update"
	ActionDelete      = "delete"
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	ActionDenied      = "denied" // a request refused for lack of permission
	ActionExport      = "export"
	ActionPrint       = "print"
	ActionDisclose    = "disclose"  // client data sent outside the program under a consent
	ActionEmergency   = "emergency" // break-glass access
)

// Outcomes recorded.
const (
	OutcomeSuccess = "success"
	OutcomeDenied  = "denied"
	OutcomeFailure = "failure"
)

// Record is one audit entry. Seq, PrevHash and Hash are set when the record
// is appended to the chain.
type Record struct {
	Seq       int64
	At        time.Time // UTC, microsecond precision (what both engines keep)
	ActorID   string    // a user id, or "system:<tool>" for command-line work
	ActorRole string
	Action    string
	Category  string // the kind of data touched, e.g. "client.demographics"
	ClientID  string // the client whose record was touched, if one was
	EntityID  string // the specific record, if not the client itself
	Outcome   string
	IP        string
	RequestID string
	Detail    string // short, PHI-free explanation; for queries, the ids shown
	PrevHash  string
	Hash      string
}

// GenesisHash is the PrevHash of the first record.
var GenesisHash = strings.Repeat("0", 64)

// Normalize puts At into the stored form (UTC, microseconds) so that the hash
// computed before storing equals the one recomputed after reading back.
func (r *Record) Normalize() {
	r.At = r.At.UTC().Truncate(time.Microsecond)
	if r.Outcome == "" {
		r.Outcome = OutcomeSuccess
	}
}

// Chain links recs to a chain whose last record has sequence number seq and
// hash prev, filling in Seq, PrevHash and Hash of each.
func Chain(seq int64, prev string, recs []Record) {
	for i := range recs {
		seq++
		recs[i].Normalize()
		recs[i].Seq = seq
		recs[i].PrevHash = prev
		recs[i].Hash = HashOf(recs[i])
		prev = recs[i].Hash
	}
}

// HashOf computes a record's hash: SHA-256 over its previous hash and a
// canonical, length-prefixed encoding of every other field. Length prefixes
// make the encoding unambiguous: no two different records encode the same.
func HashOf(r Record) string {
	h := sha256.New()
	var n [4]byte
	write := func(s string) {
		binary.BigEndian.PutUint32(n[:], uint32(len(s))) // #nosec G115 -- fields are far below 4 GiB
		h.Write(n[:])
		h.Write([]byte(s))
	}
	write(r.PrevHash)
	write(strconv.FormatInt(r.Seq, 10))
	write(r.At.UTC().Format("2006-01-02T15:04:05.000000Z"))
	for _, f := range []string{r.ActorID, r.ActorRole, r.Action, r.Category, r.ClientID, r.EntityID,
		r.Outcome, r.IP, r.RequestID, r.Detail} {
		write(f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Head is the last link of the chain as the store keeps it separately from
// the records; comparing it with the last record detects a cut-off tail.
type Head struct {
	Seq  int64
	Hash string
}

// Report is the result of verifying a chain.
type Report struct {
	Checked  int64  // records read
	FirstBad int64  // sequence number of the first broken record; 0 if none
	Problem  string // what is wrong with it

	// Set by VerifyAnchored only.
	Anchors    int   // signed anchors that matched the chain
	AnchoredTo int64 // the furthest record a matching anchor names
}

// OK reports whether the chain verified. With anchors, a problem with an
// anchor alone (FirstBad 0, Problem set) is not OK either.
func (r Report) OK() bool { return r.FirstBad == 0 && r.Problem == "" }

// Verify walks records in sequence order and checks that each follows the
// previous one (no gap, no reordering), links to its hash, and hashes to what
// it claims; then that the chain ends where head says. It stops at the first
// broken record. progress, if not nil, is called every 10,000 records.
func Verify(records iter.Seq2[Record, error], head Head, progress func(checked int64)) (Report, error) {
	var rep Report
	prevSeq, prevHash := int64(0), GenesisHash
	for r, err := range records {
		if err != nil {
			return rep, err
		}
		rep.Checked++
		switch {
		case r.Seq != prevSeq+1:
			rep.FirstBad = prevSeq + 1
			rep.Problem = fmt.Sprintf("record %d is missing or out of order (found %d next)", prevSeq+1, r.Seq)
		case r.PrevHash != prevHash:
			rep.FirstBad = r.Seq
			rep.Problem = fmt.Sprintf("record %d does not link to record %d (its previous hash differs)", r.Seq, prevSeq)
		case HashOf(r) != r.Hash:
			rep.FirstBad = r.Seq
			rep.Problem = fmt.Sprintf("record %d was altered (its content does not match its hash)", r.Seq)
		}
		if rep.FirstBad != 0 {
			return rep, nil
		}
		prevSeq, prevHash = r.Seq, r.Hash
		if progress != nil && rep.Checked%10000 == 0 {
			progress(rep.Checked)
		}
	}
	switch {
	case head.Seq > prevSeq:
		rep.FirstBad = prevSeq + 1
		rep.Problem = fmt.Sprintf("the chain ends at record %d but its head says %d: records were removed from the end", prevSeq, head.Seq)
	case head.Seq < prevSeq:
		rep.FirstBad = head.Seq + 1
		rep.Problem = fmt.Sprintf("the chain has records after %d, where its head says it ends: records were added outside OpenIOP", head.Seq)
	case head.Seq > 0 && head.Hash != prevHash:
		rep.FirstBad = prevSeq
		rep.Problem = fmt.Sprintf("the head's hash does not match record %d: the last record or the head was altered", prevSeq)
	}
	return rep, nil
}

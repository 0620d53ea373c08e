package store_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestAuditAnchors: an anchor reads back exactly as signed (its time to the
// microsecond, so its signature still verifies), a second anchor of the same
// record keeps the first, and saving an anchor does not move the chain.
func TestAuditAnchors(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
		pub := priv.Public().(ed25519.PublicKey)
		if got, err := db.AuditAnchors(ctx); err != nil || len(got) != 0 {
			t.Fatalf("a new database has anchors %v, %v", got, err)
		}
		if err := db.AppendAudit(ctx, []audit.Record{rec("a"), rec("b"), rec("c")}); err != nil {
			t.Fatal(err)
		}
		head, err := db.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 5, 4, 3, 2, 1, 987654321, time.FixedZone("EST", -5*3600))
		first := audit.SignAnchor(priv, head, at)
		if saved, err := db.SaveAuditAnchor(ctx, first); err != nil || !saved {
			t.Fatalf("SaveAuditAnchor: %v, %v", saved, err)
		}
		again := audit.SignAnchor(priv, head, at.Add(time.Hour))
		if saved, err := db.SaveAuditAnchor(ctx, again); err != nil || saved {
			t.Fatalf("a second anchor of record %d: saved %v, %v; want kept out", head.Seq, saved, err)
		}
		if after, _ := db.AuditHead(ctx); after != head {
			t.Fatalf("saving an anchor moved the head from %+v to %+v", head, after)
		}
		if err := db.AppendAudit(ctx, []audit.Record{rec("d")}); err != nil {
			t.Fatal(err)
		}
		head2, _ := db.AuditHead(ctx)
		second := audit.SignAnchor(priv, head2, at.Add(2*time.Hour))
		if _, err := db.SaveAuditAnchor(ctx, second); err != nil {
			t.Fatal(err)
		}
		got, err := db.AuditAnchors(ctx)
		if err != nil || len(got) != 2 {
			t.Fatalf("AuditAnchors: %v, %v", got, err)
		}
		for i, want := range []audit.Anchor{first, second} {
			a := got[i]
			if a.Seq != want.Seq || a.Hash != want.Hash || !a.At.Equal(want.At) || a.At.Location() != time.UTC ||
				a.Signature != want.Signature || !a.Valid(pub) {
				t.Errorf("anchor %d read back as %+v, want %+v", i, a, want)
			}
		}
		rep, err := audit.VerifyAnchored(db.AuditRecords(ctx), head2, got, pub, nil)
		if err != nil || !rep.OK() || rep.Anchors != 2 || rep.AnchoredTo != head2.Seq {
			t.Fatalf("VerifyAnchored on the stored chain: %+v, %v", rep, err)
		}
	})
}

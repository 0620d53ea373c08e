package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestAuthenticatorKeysAreSealedAtRest: a key being set up and a confirmed
// one are stored sealed, read back opened; keys stored before sealing are
// sealed at start; another key cannot open them.
func TestAuthenticatorKeysAreSealedAtRest(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, u := fixture(t, db)
		key, _ := auth.ParseSecretKey(auth.NewSecretKey())
		// Stored before sealing: plain text in the column.
		if err := db.WithSecretKeyForTest(nil); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPendingTOTP(ctx, u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
			t.Fatal(err)
		}
		raw := func() string {
			s, err := db.StringForTest(ctx, `SELECT totp_secret || '|' || totp_pending FROM users WHERE id = $1`, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if raw() != "|JBSWY3DPEHPK3PXP" {
			t.Fatalf("without a key the pending key is stored as it is: %q", raw())
		}
		if err := db.WithSecretKeyForTest(key); err != nil {
			t.Fatal(err)
		}
		if n, err := db.SealStoredSecrets(ctx); err != nil || n != 1 {
			t.Fatalf("sealing stored keys: %d, %v", n, err)
		}
		if strings.Contains(raw(), "JBSWY3DP") || !strings.Contains(raw(), "enc1:") {
			t.Fatalf("after sealing the column shows %q", raw())
		}
		if n, _ := db.SealStoredSecrets(ctx); n != 0 {
			t.Errorf("sealing twice changed %d accounts", n)
		}
		// Confirming the key: compared opened, stored sealed, read back opened.
		if err := db.EnableTOTP(ctx, u.ID, "SOMEOTHERKEY", 1, nil, rec(u.ID)); err == nil {
			t.Fatal("enabling with a key other than the pending one")
		}
		if err := db.EnableTOTP(ctx, u.ID, "JBSWY3DPEHPK3PXP", 1, nil, rec(u.ID)); err != nil {
			t.Fatal(err)
		}
		secret, pending, err := db.TOTPSecrets(ctx, u.ID)
		if err != nil || secret != "JBSWY3DPEHPK3PXP" || pending != "" || strings.Contains(raw(), "JBSWY3DP") {
			t.Fatalf("confirmed key %q pending %q (%v); column %q", secret, pending, err, raw())
		}
		// Another key cannot open it: the server says which key is missing.
		other, _ := auth.ParseSecretKey(auth.NewSecretKey())
		if err := db.WithSecretKeyForTest(other); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.TOTPSecrets(ctx, u.ID); err == nil || !strings.Contains(err.Error(), "another key") {
			t.Fatalf("opening with another key: %v", err)
		}
	})
}

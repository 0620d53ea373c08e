package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/auth"
)

// The RFC 6238 appendix B vectors for SHA-1, cut to six digits (the last
// six of the eight the RFC prints).
func TestCheckTOTPMatchesRFC6238(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	for _, v := range []struct {
		unix int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		now := time.Unix(v.unix, 0)
		if got, _ := auth.TOTPCode(secret, now); got != v.code {
			t.Errorf("code at %d = %s, want %s", v.unix, got, v.code)
		}
		step, ok := auth.CheckTOTP(secret, v.code, now)
		if !ok || step != v.unix/30 {
			t.Errorf("check at %d: step %d ok %v", v.unix, step, ok)
		}
		// One step of drift is allowed, two are not.
		if _, ok := auth.CheckTOTP(secret, v.code, now.Add(30*time.Second)); !ok {
			t.Errorf("a code one step old is refused at %d", v.unix)
		}
		if _, ok := auth.CheckTOTP(secret, v.code, now.Add(95*time.Second)); ok {
			t.Errorf("a code three steps old is accepted at %d", v.unix)
		}
	}
	if _, ok := auth.CheckTOTP(secret, "28708", time.Unix(59, 0)); ok {
		t.Error("a five-digit code is accepted")
	}
	if _, ok := auth.CheckTOTP(secret, "287 082", time.Unix(59, 0)); !ok {
		t.Error("a code typed with a space is refused")
	}
}

func TestNewTOTPKeyAndRecoveryCodes(t *testing.T) {
	k, err := auth.NewTOTPKey("Riverbend Recovery Center", "jordan@example.org")
	if err != nil || len(k.Secret) < 16 || !strings.HasPrefix(k.URI, "otpauth://totp/") || len(k.QR) < 100 {
		t.Fatalf("key: %+v %v", k, err)
	}
	code, _ := auth.TOTPCode(k.Secret, time.Now())
	if _, ok := auth.CheckTOTP(k.Secret, code, time.Now()); !ok {
		t.Fatal("a fresh key does not check its own code")
	}
	codes := auth.NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("recovery code %q", c)
		}
		seen[c] = true
	}
	if auth.HashRecoveryCode(codes[0]) != auth.HashRecoveryCode(" "+strings.ToUpper(strings.ReplaceAll(codes[0], "-", ""))+" ") {
		t.Error("a recovery code typed without its dash or in capitals does not match")
	}
}

// FuzzCheckTOTP: no input panics, and only a code that is the key's code at
// one of the three steps checked is ever accepted.
func FuzzCheckTOTP(f *testing.F) {
	f.Add("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "287082", int64(59))
	f.Add("not base32!", "000000", int64(-5))
	f.Add("", "", int64(0))
	f.Fuzz(func(t *testing.T, secret, code string, unix int64) {
		if unix < -1e12 || unix > 1e12 {
			return
		}
		now := time.Unix(unix, 0)
		step, ok := auth.CheckTOTP(secret, code, now)
		if !ok {
			return
		}
		if step < unix/30-1 || step > unix/30+1 {
			t.Fatalf("accepted for step %d at %d", step, unix)
		}
		want, err := auth.TOTPCode(secret, time.Unix(step*30, 0))
		if err != nil || want != strings.Join(strings.Fields(code), "") {
			t.Fatalf("accepted %q, the code for that step is %q (%v)", code, want, err)
		}
	})
}

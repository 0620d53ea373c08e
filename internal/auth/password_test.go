package auth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/auth"
)

// cheap are argon2id parameters that make tests fast. They are far below
// DefaultParams and must never be used outside tests.
var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// phcRE is the PHC string format for argon2id with the cheap parameters:
// 16 salt bytes are 22 unpadded base64 characters, 32 key bytes are 43.
var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func mustHash(t *testing.T, h *auth.Hasher, password string) string {
	t.Helper()
	phc, err := h.Hash(context.Background(), password)
	if err != nil {
		t.Fatalf("Hash(%q): %v", password, err)
	}
	return phc
}

// TestHashIsPHCString guards the stored format: the parameters are recorded
// in every hash so they can be raised later and old hashes still verify.
func TestHashIsPHCString(t *testing.T) {
	h := auth.NewHasher(cheap, 2)
	phc := mustHash(t, h, "maple river lantern")
	if !phcRE.MatchString(phc) {
		t.Fatalf("Hash = %q, want PHC string matching %s", phc, phcRE)
	}
	parts := strings.Split(phc, "$")
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != int(cheap.SaltLen) {
		t.Errorf("salt %q decodes to %d bytes (err %v), want %d", parts[4], len(salt), err, cheap.SaltLen)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) != int(cheap.KeyLen) {
		t.Errorf("key %q decodes to %d bytes (err %v), want %d", parts[5], len(key), err, cheap.KeyLen)
	}
}

// TestHashIsSalted guards that each hash uses a fresh random salt, so equal
// passwords do not produce equal hashes.
func TestHashIsSalted(t *testing.T) {
	h := auth.NewHasher(cheap, 1)
	a := mustHash(t, h, "the same password twice")
	b := mustHash(t, h, "the same password twice")
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
	if strings.Split(a, "$")[4] == strings.Split(b, "$")[4] {
		t.Errorf("two hashes share a salt: %q and %q", a, b)
	}
	for _, phc := range []string{a, b} {
		ok, _, err := h.Verify(context.Background(), "the same password twice", phc)
		if err != nil || !ok {
			t.Errorf("Verify(%q) = %v, %v; want true, nil", phc, ok, err)
		}
	}
}

// TestVerify checks that only the right password verifies.
func TestVerify(t *testing.T) {
	h := auth.NewHasher(cheap, 1)
	const pw = "Ünïcödé and spaces are fine"
	phc := mustHash(t, h, pw)
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right password", pw, true},
		{"wrong password", "another password entirely", false},
		{"different case", strings.ToLower(pw), false},
		{"trailing space", pw + " ", false},
		{"prefix only (no truncation)", pw[:len(pw)-1], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), tt.password, phc)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tt.want {
				t.Errorf("Verify(%q) ok = %v, want %v", tt.password, ok, tt.want)
			}
			if rehash {
				t.Errorf("Verify with the Hasher's own params asks for a rehash")
			}
		})
	}
}

// TestVerifyMalformed guards that a stored hash that cannot be parsed is
// reported as ErrBadHash rather than as a wrong password or a panic.
func TestVerifyMalformed(t *testing.T) {
	h := auth.NewHasher(cheap, 1)
	good := mustHash(t, h, "maple river lantern")
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	short := base64.RawStdEncoding.EncodeToString([]byte("only8byt"))
	tests := []struct {
		name string
		phc  string
	}{
		{"empty", ""},
		{"plain text", "maple river lantern"},
		{"bcrypt hash", "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
		{"argon2i not argon2id", with(1, "argon2i")},
		{"wrong version", with(2, "v=16")},
		{"version not a number", with(2, "v=x")},
		{"params not numbers", with(3, "m=a,t=b,p=c")},
		{"params missing", with(3, "")},
		{"threads overflow uint8", with(3, "m=64,t=1,p=300")},
		{"salt not base64", with(4, "!!!not-base64!!!")},
		{"key not base64", with(5, "!!!not-base64!!!")},
		{"key shorter than 16 bytes", with(5, short)},
		{"key missing", strings.Join(parts[:5], "$")},
		{"extra field", good + "$extra"},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), "maple river lantern", tt.phc)
			if !errors.Is(err, auth.ErrBadHash) {
				t.Errorf("Verify(%q) err = %v, want ErrBadHash", tt.phc, err)
			}
			if ok || rehash {
				t.Errorf("Verify(%q) = ok %v, rehash %v; want false, false", tt.phc, ok, rehash)
			}
		})
	}
}

// TestVerifyZeroCostParams: a stored hash with t=0 or p=0 is malformed, and
// should be ErrBadHash like any other. argon2.IDKey panics on both.
func TestVerifyZeroCostParams(t *testing.T) {
	h := auth.NewHasher(cheap, 1)
	parts := strings.Split(mustHash(t, h, "maple river lantern"), "$")
	for _, params := range []string{"m=64,t=0,p=1", "m=64,t=1,p=0"} {
		t.Run(params, func(t *testing.T) {
			p := append([]string(nil), parts...)
			p[3] = params
			phc := strings.Join(p, "$")
			var err error
			panicked := func() (v any) {
				defer func() { v = recover() }()
				_, _, err = h.Verify(context.Background(), "maple river lantern", phc)
				return nil
			}()
			if panicked != nil {
				t.Fatalf("Verify(%q) panics (%v) instead of returning ErrBadHash", phc, panicked)
			}
			if !errors.Is(err, auth.ErrBadHash) {
				t.Errorf("Verify(%q) err = %v, want ErrBadHash", phc, err)
			}
		})
	}
}

// TestVerifyRehash guards raising the cost later: a hash made with less
// memory or fewer passes than the Hasher's still verifies, and asks to be
// recomputed; one made with the same or stronger params does not.
func TestVerifyRehash(t *testing.T) {
	const pw = "maple river lantern"
	stored := mustHash(t, auth.NewHasher(cheap, 1), pw)
	tests := []struct {
		name   string
		params auth.Params
		rehash bool
	}{
		{"same params", cheap, false},
		{"more memory now", auth.Params{Memory: 128, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, true},
		{"more passes now", auth.Params{Memory: 64, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, true},
		{"weaker memory now", auth.Params{Memory: 32, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, false},
		{"default params now", auth.DefaultParams, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := auth.NewHasher(tt.params, 1).Verify(context.Background(), pw, stored)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Errorf("hash made with other params no longer verifies")
			}
			if rehash != tt.rehash {
				t.Errorf("rehash = %v, want %v", rehash, tt.rehash)
			}
		})
	}
}

// TestDefaultParams runs the real cost once: OWASP's argon2id minimum of
// 19 MiB, 2 passes, 1 lane, recorded in the hash.
func TestDefaultParams(t *testing.T) {
	if auth.DefaultParams.Memory != 19*1024 || auth.DefaultParams.Time != 2 || auth.DefaultParams.Threads != 1 {
		t.Errorf("DefaultParams = %+v, want m=19456 t=2 p=1 (OWASP minimum)", auth.DefaultParams)
	}
	h := auth.NewHasher(auth.DefaultParams, 1)
	phc := mustHash(t, h, "maple river lantern")
	if want := fmt.Sprintf("$argon2id$v=19$m=%d,t=2,p=1$", 19*1024); !strings.HasPrefix(phc, want) {
		t.Errorf("Hash = %q, want prefix %q", phc, want)
	}
	ok, rehash, err := h.Verify(context.Background(), "maple river lantern", phc)
	if err != nil || !ok || rehash {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, _, err = h.Verify(context.Background(), "maple river lanterns", phc)
	if err != nil || ok {
		t.Errorf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
}

package auth_test

import (
	"encoding/base64"
	"math"
	"regexp"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/auth"
)

// TestDefaultSessionPolicy guards the HIPAA automatic-logoff defaults:
// 15 minutes idle, 12 hours at most.
func TestDefaultSessionPolicy(t *testing.T) {
	want := auth.SessionPolicy{Idle: 15 * time.Minute, Absolute: 12 * time.Hour}
	if auth.DefaultSessionPolicy != want {
		t.Errorf("DefaultSessionPolicy = %+v, want %+v", auth.DefaultSessionPolicy, want)
	}
}

// TestThrottleDelay guards sign-in throttling (NIST SP 800-63B-4 §3.2.2): the
// first FreeAttempts failures cost nothing, then the wait starts at Base and
// doubles with each failure up to Max, with no permanent lock-out.
func TestThrottleDelay(t *testing.T) {
	def := auth.DefaultThrottle
	if def.FreeAttempts != 5 || def.Base != 30*time.Second || def.Max != 15*time.Minute {
		t.Fatalf("DefaultThrottle = %+v, want 5 free, 30s base, 15m max", def)
	}
	odd := auth.Throttle{FreeAttempts: 0, Base: time.Second, Max: 5 * time.Second}
	tests := []struct {
		name     string
		throttle auth.Throttle
		failures int
		want     time.Duration
	}{
		{"no failures", def, 0, 0},
		{"one failure", def, 1, 0},
		{"last free failure", def, 4, 0},
		{"FreeAttempts failures: Base", def, 5, 30 * time.Second},
		{"one more: doubled", def, 6, time.Minute},
		{"two more", def, 7, 2 * time.Minute},
		{"three more", def, 8, 4 * time.Minute},
		{"four more", def, 9, 8 * time.Minute},
		{"five more: capped at Max", def, 10, 15 * time.Minute},
		{"far beyond: still Max", def, 1000, 15 * time.Minute},
		{"huge count does not overflow", def, math.MaxInt, 15 * time.Minute},
		{"negative count", def, -1, 0},
		{"no free attempts", odd, 0, time.Second},
		{"cap that is not a power of two times Base", odd, 3, 5 * time.Second},
		{"just under the cap", odd, 2, 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.throttle.Delay(tt.failures); got != tt.want {
				t.Errorf("Delay(%d) = %v, want %v", tt.failures, got, tt.want)
			}
		})
	}
}

// TestThrottleDelayNeverDecreases: another failure never shortens the wait.
func TestThrottleDelayNeverDecreases(t *testing.T) {
	prev := time.Duration(0)
	for n := 0; n <= 100; n++ {
		d := auth.DefaultThrottle.Delay(n)
		if d < prev {
			t.Fatalf("Delay(%d) = %v < Delay(%d) = %v", n, d, n-1, prev)
		}
		if d > auth.DefaultThrottle.Max {
			t.Fatalf("Delay(%d) = %v exceeds Max", n, d)
		}
		prev = d
	}
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
var hexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestNewToken guards session tokens: 32 random bytes as unpadded base64url
// (43 characters, safe in cookies and URLs), distinct each time, and stored
// only as their SHA-256 hash so a database leak does not reveal them.
func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, hash := auth.NewToken()
		if !tokenRE.MatchString(tok) {
			t.Fatalf("token %q is not 43 base64url characters", tok)
		}
		if b, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(b) != 32 {
			t.Fatalf("token %q decodes to %d bytes (%v), want 32", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatalf("token %q issued twice", tok)
		}
		seen[tok] = true
		if !hexRE.MatchString(hash) {
			t.Fatalf("hash %q is not 64 lower-case hex characters", hash)
		}
		if hash == tok {
			t.Fatalf("hash equals the token")
		}
		if hash != auth.HashToken(tok) {
			t.Fatalf("NewToken's hash %q differs from HashToken(token) %q", hash, auth.HashToken(tok))
		}
	}
}

// TestHashToken checks HashToken is hex SHA-256: deterministic, and equal to
// the published test vectors.
func TestHashToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := auth.HashToken(tt.in); got != tt.want {
			t.Errorf("HashToken(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	tok, hash := auth.NewToken()
	if auth.HashToken(tok) != hash {
		t.Errorf("NewToken's hash is not HashToken of its token")
	}
	other, _ := auth.NewToken()
	if auth.HashToken(tok) == auth.HashToken(other) {
		t.Errorf("two tokens hash the same")
	}
}

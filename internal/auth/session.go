package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// SessionPolicy sets how long a staff session lives.
type SessionPolicy struct {
	Idle     time.Duration // sign out after this long without a request (HIPAA automatic logoff)
	Absolute time.Duration // sign out this long after sign-in, however active
}

// DefaultSessionPolicy: 15 minutes idle, 12 hours at most.
var DefaultSessionPolicy = SessionPolicy{Idle: 15 * time.Minute, Absolute: 12 * time.Hour}

// NewToken returns a fresh session token (32 bytes from crypto/rand, base64url)
// and the hash under which it is stored.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // the OS entropy source is gone; nothing is safe
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the stored form of a token: hex SHA-256. A database leak
// then does not reveal usable session tokens.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Throttle decides how long sign-in is refused after repeated failures. The
// first FreeAttempts failures cost nothing; after that each failure doubles
// the wait, up to Max. There is no permanent lock-out, which would let anyone
// lock a colleague out (NIST SP 800-63B-4 §3.2.2).
type Throttle struct {
	FreeAttempts int
	Base         time.Duration
	Max          time.Duration
	Window       time.Duration // failures older than this are forgotten
}

// DefaultThrottle allows 5 free attempts, then waits 30 s, 1 min, 2 min ...
// up to 15 minutes: well under 100 guesses per account per day.
var DefaultThrottle = Throttle{FreeAttempts: 5, Base: 30 * time.Second, Max: 15 * time.Minute, Window: 24 * time.Hour}

// Delay returns how long to refuse attempts after the given number of
// consecutive failures.
func (t Throttle) Delay(failures int) time.Duration {
	if failures < t.FreeAttempts {
		return 0
	}
	d := t.Base
	for i := t.FreeAttempts; i < failures && d < t.Max; i++ {
		d *= 2
	}
	return min(d, t.Max)
}

package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the RFC 6238 defaults every authenticator app reads
// (SHA-1, 6 digits, 30-second steps).
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
)

// TOTPKey is a new authenticator key: the secret to store, the otpauth URI
// and a QR code of it (PNG) for the app to scan.
type TOTPKey struct {
	Secret string
	URI    string
	QR     []byte
}

// NewTOTPKey makes a key for account at issuer (the center's name).
func NewTOTPKey(issuer, account string) (TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPKey{}, err
	}
	return keyWithQR(k, k.Secret())
}

// keyWithQR draws the QR code of k's URI for the app to scan.
func keyWithQR(k *otp.Key, secret string) (TOTPKey, error) {
	img, err := k.Image(240, 240)
	if err != nil {
		return TOTPKey{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPKey{}, err
	}
	return TOTPKey{Secret: secret, URI: k.URL(), QR: buf.Bytes()}, nil
}

// CheckTOTP reports the time step a code is valid for at now, allowing one
// step of clock drift either way, or ok false. The caller accepts the
// code only if the step is later than the last one it accepted (a code is
// never good twice).
func CheckTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, s := range []int64{current - 1, current, current + 1} {
		if s < 0 {
			continue // before 1970: no such step
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}) // #nosec G115 -- s >= 0 just above
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true // keep looking: the latest matching step wins, in constant time
		}
	}
	return step, ok
}

// TOTPCode is the code for secret at now, for tests and the demo.
func TOTPCode(secret string, now time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
}

// NewRecoveryCodes makes n single-use recovery codes of 50 random bits
// each, written as two groups of five letters and digits.
func NewRecoveryCodes(n int) []string {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 7)
		_, _ = rand.Read(b) // crypto/rand.Read does not fail (Go 1.24+)
		s := strings.ToLower(enc.EncodeToString(b))[:10]
		out[i] = s[:5] + "-" + s[5:]
	}
	return out
}

// HashRecoveryCode is how a recovery code is stored. The codes carry 50
// random bits, so a fast hash suffices, as for session tokens.
func HashRecoveryCode(code string) string {
	norm := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// TOTPKeyFor rebuilds the QR code and URI of a stored key, for showing a
// key that is still being set up again.
func TOTPKeyFor(issuer, account, secret string) (TOTPKey, error) {
	k, err := otp.NewKeyFromURL((&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account,
		RawQuery: url.Values{"secret": {secret}, "issuer": {issuer}, "period": {"30"}, "digits": {"6"}, "algorithm": {"SHA1"}}.Encode()}).String())
	if err != nil {
		return TOTPKey{}, err
	}
	return keyWithQR(k, secret)
}

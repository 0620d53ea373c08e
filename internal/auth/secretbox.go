package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SecretKeySize is the length of the key that seals secrets at rest: 32
// bytes, AES-256.
const SecretKeySize = 32

// sealedPrefix marks a value sealed by a SecretBox; a value without it was
// stored before sealing and is read as it is (and sealed on the next write).
const sealedPrefix = "enc1:"

// SecretBox seals secrets the database keeps but must not hand to whoever
// reads a backup or a stolen copy: authenticator (TOTP) keys. AES-256-GCM
// with a random nonce per value; the key lives outside the database.
type SecretBox struct{ aead cipher.AEAD }

// NewSecretBox makes a box from a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("the secret key must be %d bytes, not %d", SecretKeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

// NewSecretKey makes a random key, written as base64 for a file or an
// environment variable.
func NewSecretKey() string {
	k := make([]byte, SecretKeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.StdEncoding.EncodeToString(k)
}

// ParseSecretKey reads a key written by NewSecretKey.
func ParseSecretKey(text string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(k) != SecretKeySize {
		return nil, fmt.Errorf("the secret key must be %d random bytes in base64 (make one with 'iop secret-key')", SecretKeySize)
	}
	return k, nil
}

// Seal seals a value; the empty value stays empty (no key set).
func (b *SecretBox) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// ErrSealedElsewhere is the error of a value sealed under another key.
var ErrSealedElsewhere = errors.New("a secret was sealed with another key: give the server the key it was stored with")

// Open reads a value Seal made, or a value stored before sealing as it is.
func (b *SecretBox) Open(stored string) (string, error) {
	text, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, nil
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	n := b.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", ErrSealedElsewhere
	}
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", ErrSealedElsewhere
	}
	return string(plain), nil
}

// Sealed reports whether a stored value is sealed.
func Sealed(stored string) bool { return strings.HasPrefix(stored, sealedPrefix) }

package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password length limits. NIST SP 800-63B-4 asks for at least 15 characters
// when the password is the only factor, and for at least 64 to be allowed;
// 256 is generous and keeps a form field from carrying megabytes.
const (
	MinPasswordLen = 15
	MaxPasswordLen = 256
)

//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// CheckPassword returns a reason a new password is not acceptable, or "" if
// it is. It follows NIST SP 800-63B-4: length, not composition; no
// truncation; any characters; refuse common, repetitive, sequential and
// context-specific choices and say why. context holds words tied to the
// account (email, name, the center's name).
func CheckPassword(password string, context ...string) string {
	if !utf8.ValidString(password) {
		return "The password contains characters that cannot be read."
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return "Use at least 15 characters. A few unrelated words make a long password that is easy to remember."
	}
	if n > MaxPasswordLen {
		return "Use at most 256 characters."
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] {
		return "That password is on a list of commonly used passwords. Choose another."
	}
	if repetitive(lower) {
		return "That password repeats a short pattern. Choose something less predictable."
	}
	if sequential(lower) {
		return "That password is a simple sequence. Choose something less predictable."
	}
	squashed := squash(lower)
	for _, word := range contextWords(context) {
		n, m := utf8.RuneCountInString(squashed), utf8.RuneCountInString(word)
		if m >= 4 && (squashed == word || strings.Contains(squashed, word) && n-m < 6) {
			return "The password is too close to your name, email or the center's name."
		}
	}
	return ""
}

// contextWords expands the context into the forms a guesser would try: each
// item whole, and for an email also the part before the @ (the sign-in
// name), all lower-cased with punctuation removed.
func contextWords(context []string) []string {
	var out []string
	for _, c := range context {
		c = strings.ToLower(strings.TrimSpace(c))
		out = append(out, squash(c))
		if local, _, ok := strings.Cut(c, "@"); ok {
			out = append(out, squash(local))
		}
	}
	return out
}

// repetitive reports whether s is a unit of at most 4 runes repeated.
func repetitive(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= 4 && unit < len(r); unit++ {
		same := true
		for i := unit; i < len(r); i++ {
			if r[i] != r[i%unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// sequential reports whether s steps by +1 or -1 at every character, such as
// "123456789012345" (digits wrap) or "abcdefghijklmnop".
func sequential(s string) bool {
	r := []rune(s)
	for _, step := range []rune{1, -1} {
		ok := true
		for i := 1; i < len(r); i++ {
			d := r[i] - r[i-1]
			wrap := unicode.IsDigit(r[i]) && unicode.IsDigit(r[i-1]) && (d == -9*step)
			if d != step && !wrap {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// squash keeps only letters and digits, so "J.Smith@x" compares as "jsmithx".
func squash(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

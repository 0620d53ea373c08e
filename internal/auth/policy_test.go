package auth_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/auth"
)

// Reasons CheckPassword gives, by a word each contains. Tests match on these so
// that a password refused for the wrong reason fails.
const (
	reasonUnreadable = "cannot be read"
	reasonShort      = "at least 15"
	reasonLong       = "at most 256"
	reasonCommon     = "commonly used"
	reasonRepeats    = "repeats"
	reasonSequence   = "sequence"
	reasonContext    = "too close"
)

// runes returns the first n runes of a long, non-repeating text of unrelated
// words, for passwords of an exact length.
func runes(n int) string {
	words := []string{"maple", "river", "lantern", "quartz", "velvet", "harbor", "tulip", "orbit",
		"cobalt", "meadow", "pepper", "saddle", "glacier", "walnut", "copper", "thistle"}
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < n; i++ {
		b.WriteString(words[(i*7)%len(words)])
		b.WriteString(words[(i*3+1)%len(words)][:2+i%3])
		b.WriteByte(byte('a' + i%26))
	}
	return string([]rune(b.String())[:n])
}

func checkReason(t *testing.T, password string, context []string, want string) {
	t.Helper()
	got := auth.CheckPassword(password, context...)
	switch {
	case want == "" && got != "":
		t.Errorf("CheckPassword(%q, %q) = %q, want accepted", password, context, got)
	case want != "" && !strings.Contains(got, want):
		if got == "" {
			t.Errorf("CheckPassword(%q, %q) accepted it, want refused (%q)", password, context, want)
		} else {
			t.Errorf("CheckPassword(%q, %q) = %q, want a reason containing %q", password, context, got, want)
		}
	}
}

// TestCheckPasswordLength guards NIST SP 800-63B-4's length rules: at least 15
// characters for a single-factor password, and a generous maximum (256 here,
// NIST asks to allow at least 64). Length counts characters (runes), not bytes.
func TestCheckPasswordLength(t *testing.T) {
	fifteenBytes := "ñandúñandúa" // 11 runes, 15 bytes
	if len(fifteenBytes) != 15 || utf8.RuneCountInString(fifteenBytes) >= 15 {
		t.Fatalf("bad fixture: %q has %d bytes and %d runes", fifteenBytes, len(fifteenBytes), utf8.RuneCountInString(fifteenBytes))
	}
	tests := []struct {
		name     string
		password string
		want     string
	}{
		{"empty", "", reasonShort},
		{"14 characters", runes(14), reasonShort},
		{"15 characters (minimum)", runes(15), ""},
		{"64 characters", runes(64), ""},
		{"256 characters (maximum)", runes(256), ""},
		{"257 characters", runes(257), reasonLong},
		{"10000 characters", runes(10000), reasonLong},
		{"15 characters, 5 of them two-byte", "ñandúcaféüberßé", ""},
		{"fifteen bytes but 11 characters", fifteenBytes, reasonShort},
		{"15 characters, all four-byte emoji", "🍎🍊🍋🍉🍇🍓🫐🍒🍑🥭🍍🥥🥝🍅🥑", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name[0] >= '0' && tt.name[0] <= '9' {
				if n := utf8.RuneCountInString(tt.password); !strings.HasPrefix(tt.name, strconv.Itoa(n)+" ") {
					t.Fatalf("bad fixture: %q has %d runes", tt.name, n)
				}
			}
			checkReason(t, tt.password, nil, tt.want)
		})
	}
	if auth.MinPasswordLen != 15 || auth.MaxPasswordLen != 256 {
		t.Errorf("limits = %d..%d, want 15..256", auth.MinPasswordLen, auth.MaxPasswordLen)
	}
}

// TestCheckPasswordAnyCharacters guards NIST SP 800-63B-4: any printing
// characters, spaces and Unicode are allowed, and there are no composition
// rules (no required digits, capitals or symbols).
func TestCheckPasswordAnyCharacters(t *testing.T) {
	tests := []struct {
		name     string
		password string
	}{
		{"lowercase words only", "maplerivertulip"},
		{"words with spaces", "quiet maple river at dawn"},
		{"leading and trailing spaces", "  maple river lantern  "},
		{"accented letters", "crème brûlée à la française"},
		{"Japanese", "月が綺麗ですね、本当に綺麗な夜です"},
		{"Cyrillic", "тихая река под кленом"},
		{"symbols", "~!@#$%^&*()_+{}|:<>?"},
		{"mixed", "Tr0ub4dor & 3 quiet maples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkReason(t, tt.password, nil, "") })
	}
}

// TestCheckPasswordInvalidUTF8: bytes that are not UTF-8 cannot be typed
// back reliably and are refused before anything else.
func TestCheckPasswordInvalidUTF8(t *testing.T) {
	for _, pw := range []string{"maple river lantern\xff", "\xc3\x28maple river lantern", "\xed\xa0\x80 surrogate half"} {
		checkReason(t, pw, nil, reasonUnreadable)
	}
}

// TestCheckPasswordCommon guards NIST SP 800-63B-4's blocklist: passwords from
// common-passwords.txt are refused whatever their case.
func TestCheckPasswordCommon(t *testing.T) {
	for _, pw := range []string{
		"passwordpassword",
		"PasswordPassword",
		"PASSWORDPASSWORD",
		"this is my password",
		"This Is My Password",
		"correcthorsebatterystaple",
		"CorrectHorseBatteryStaple",
		"one day at a time",
		"onedayatatime2026",
		"recoveryrecovery",
		"counselor1234567", // the last line of the file
		"qwertyuiopasdfgh",
		"p@ssw0rdp@ssw0rd",
	} {
		checkReason(t, pw, nil, reasonCommon)
	}
	// Comment lines of the file are not passwords, and near misses pass.
	for _, pw := range []string{
		"# Commonly used passwords of 15 or more characters (shorter ones are refused by",
		"passwordpassword and a maple",
		"onedayatatime2027 by the river",
	} {
		checkReason(t, pw, nil, "")
	}
}

// TestCheckPasswordRepetitiveAndSequential guards NIST SP 800-63B-4's
// "repetitive or sequential characters" rule.
func TestCheckPasswordRepetitiveAndSequential(t *testing.T) {
	tests := []struct {
		password string
		want     string
	}{
		{"aaaaaaaaaaaaaaa", reasonRepeats},
		{"AAAAAAAAAAAAAAA", reasonRepeats},
		{"abababababababab", reasonRepeats},
		{"abcabcabcabcabcabc", reasonRepeats},
		{"abcdabcdabcdabcd", reasonRepeats},
		{"AbAbabABababABab", reasonRepeats}, // case-insensitive
		{"ééééééééééééééé", reasonRepeats},
		{"abcdefghijklmnop", reasonCommon}, // refused: it is also on the common list, which is checked first
		{"bcdefghijklmnopq", reasonSequence},
		{"ABCDEFGHIJKLMNOPQ", reasonSequence},
		{"zyxwvutsrqponmlk", reasonSequence},
		{"123456789012345", reasonSequence}, // digits wrap 9 -> 0
		{"987654321098765", reasonSequence}, // and 0 -> 9 going down
		{"012345678901234567890", reasonSequence},
		// Runs and repeats inside a longer password are fine: the rule is
		// about the whole password being a pattern.
		{"abc maple river 123", ""},
		{"aaa quiet lantern zzz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.password, func(t *testing.T) { checkReason(t, tt.password, nil, tt.want) })
	}
}

// TestCheckPasswordContext guards NIST SP 800-63B-4's context-specific words:
// a password that is basically the user's name, email or the center's name
// is refused; one that merely contains it among much more text is not.
func TestCheckPasswordContext(t *testing.T) {
	ctx := []string{"margaret.hamilton@example.org", "Margaret Hamilton", "Riverside Recovery"}
	tests := []struct {
		name     string
		password string
		context  []string
		want     string
	}{
		{"the name itself", "Margaret Hamilton", ctx, reasonContext},
		{"the name squashed", "margarethamilton", ctx, reasonContext},
		{"the name with punctuation", "Margaret.Hamilton!", ctx, reasonContext},
		{"the name plus a year", "MargaretHamilton2026", ctx, reasonContext},
		{"the name plus five characters", "margarethamilton12345", ctx, reasonContext},
		{"the name plus six characters", "margarethamilton123456", ctx, ""},
		{"the name among many words", "Margaret Hamilton likes quiet mornings by the lake", ctx, ""},
		{"the whole email", "margaret.hamilton@example.org", ctx, reasonContext},
		{"the email plus a few", "margaret.hamilton@example.org!1", ctx, reasonContext},
		{"the center's name", "riverside recovery", ctx, reasonContext},
		{"the center's name plus digits", "RiversideRecovery1", ctx, reasonContext},
		{"the center's name in a sentence", "I walked past Riverside Recovery every spring", ctx, ""},
		{"an email local part passed as a word", "jhamilton2026!!", []string{"jhamilton"}, reasonContext},
		{"unrelated password", "quiet maple river at dawn", ctx, ""},
		{"no context", "margarethamilton", nil, ""},
		{"context shorter than 4 letters is ignored", "bobthebuilder99x", []string{"Bob"}, ""},
		{"empty context word is ignored", "quiet maple river", []string{"", "  "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkReason(t, tt.password, tt.context, tt.want) })
	}
}

// TestCheckPasswordEmailLocalPart: callers (web/admin_users.go,
// app/commands.go) pass the whole email address as context. A password that
// is the email's local part plus a few characters is a derivative of the
// user name and should be refused (NIST SP 800-63B-4: "context-specific
// words, such as ... the username, and derivatives thereof").
func TestCheckPasswordEmailLocalPart(t *testing.T) {
	got := auth.CheckPassword("mhamilton2026!!!", "mhamilton@example.org", "Margaret Hamilton")
	if got == "" {
		t.Fatal(`CheckPassword("mhamilton2026!!!", "mhamilton@example.org", ...) accepts a derivative of the sign-in name`)
	}
	if !strings.Contains(got, reasonContext) {
		t.Errorf("reason = %q, want one containing %q", got, reasonContext)
	}
}

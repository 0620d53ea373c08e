package auth_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/auth"
)

func TestSecretBoxSealsAndReadsOldValues(t *testing.T) {
	key, err := auth.ParseSecretKey(auth.NewSecretKey())
	if err != nil {
		t.Fatal(err)
	}
	box, _ := auth.NewSecretBox(key)
	a, b := box.Seal("JBSWY3DPEHPK3PXP"), box.Seal("JBSWY3DPEHPK3PXP")
	if !auth.Sealed(a) || a == b || strings.Contains(a, "JBSWY3DP") {
		t.Fatalf("sealed values %q %q: want prefixed, different each time, not showing the key", a, b)
	}
	if got, err := box.Open(a); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if got, err := box.Open("JBSWY3DPEHPK3PXP"); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("a value stored before sealing reads as it is: %q, %v", got, err)
	}
	if box.Seal("") != "" {
		t.Error("an empty value stays empty")
	}
	other, _ := auth.NewSecretBox(make([]byte, auth.SecretKeySize))
	if _, err := other.Open(a); err != auth.ErrSealedElsewhere {
		t.Errorf("another key: %v", err)
	}
	tampered := a[:len(a)-2] + "AA"
	if _, err := box.Open(tampered); err == nil {
		t.Error("a tampered value opened")
	}
	for _, bad := range []string{"", "c2hvcnQ=", "not base64!"} {
		if _, err := auth.ParseSecretKey(bad); err == nil {
			t.Errorf("ParseSecretKey(%q) accepted", bad)
		}
	}
}

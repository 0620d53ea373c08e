package fhir

import (
	"math/big"
	"strings"

	"github.com/google/uuid"
)

// FHIR ids are at most 64 characters of [A-Za-z0-9.-]. A resource that
// belongs to a client carries the client in its id, so that a read can find
// whose record it is before anything is loaded: "<client>.<local>", both
// parts in base 36 (25 characters for a UUID). A Patient's id is the
// client's own id.

// Short is a UUID in 25 base-36 digits; other strings pass unchanged.
func Short(id string) string {
	u, err := uuid.Parse(id)
	if err != nil {
		return id
	}
	n := new(big.Int).SetBytes(u[:])
	s := n.Text(36)
	return strings.Repeat("0", 25-len(s)) + s
}

// Long turns Short's form back into a UUID; ok is false for anything else.
func Long(s string) (string, bool) {
	if len(s) != 25 {
		return "", false
	}
	n, ok := new(big.Int).SetString(s, 36)
	if !ok || n.BitLen() > 128 {
		return "", false
	}
	var u uuid.UUID
	n.FillBytes(u[:])
	return u.String(), true
}

// localID is the id of a resource of client clientID made of parts.
func localID(clientID string, parts ...string) string {
	out := Short(clientID)
	for _, p := range parts {
		out += "." + Short(p)
	}
	return out
}

// ClientOfID is the client a resource id of a client-bound type names.
func ClientOfID(resourceType, id string) (string, bool) {
	if resourceType == "Patient" {
		u, err := uuid.Parse(id)
		return u.String(), err == nil && len(id) == 36
	}
	head, _, ok := strings.Cut(id, ".")
	if !ok {
		return "", false
	}
	return Long(head)
}

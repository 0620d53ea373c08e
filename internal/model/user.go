package model

import "time"

// Role is a staff member's job, which decides what they may do. The
// permissions of each role live in internal/auth.
type Role string

// The staff roles.
const (
	RoleAdmin            Role = "admin"
	RoleClinicalDirector Role = "clinical_director"
	RoleClinician        Role = "clinician"
	RoleAdmissions       Role = "admissions"
	RoleBiller           Role = "biller"
	RoleFrontDesk        Role = "front_desk"
)

// Roles lists every staff role, in the order forms show them.
var Roles = []Role{RoleClinician, RoleClinicalDirector, RoleAdmissions, RoleFrontDesk, RoleBiller, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleClinicalDirector:
		return "Clinical director"
	case RoleClinician:
		return "Clinician"
	case RoleAdmissions:
		return "Admissions"
	case RoleBiller:
		return "Biller"
	case RoleFrontDesk:
		return "Front desk"
	default:
		return string(r)
	}
}

// User is a staff member who signs in.
type User struct {
	ID           string
	Email        string // the sign-in name, stored lower-case
	Name         string
	Credentials  string // e.g. "LCSW, LCADC"; printed after the name on notes
	Role         Role
	Active       bool
	PasswordHash string // argon2id in PHC string form; never leaves internal/auth and store
	CreatedAt    time.Time
	MFAEnabled   bool // signs in with a one-time code after the password
	MFAExempt    bool // need not set up two-step sign-in (the demo accounts)
}

// Session is a signed-in browser. The token itself is never stored, only its
// SHA-256 hash.
type Session struct {
	TokenHash  string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute lifetime; the idle timeout is checked against LastSeenAt
	IP         string
	UserAgent  string

	User User // joined on lookup
	// MFARequired is the center's setting at lookup: staff must set up
	// two-step sign-in before anything else.
	MFARequired bool
}

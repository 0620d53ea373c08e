// Package auth holds who may do what: roles and their permissions, password
// hashing and policy, session tokens and sign-in throttling. It has no SQL and
// no HTTP; the store persists what it produces and the web layer enforces it.
package auth

import (
	"slices"

	"github.com/openiop/openiop/internal/model"
)

// Permission names one thing a route or action needs. Every route declares
// exactly one.
type Permission string

// The permissions. Public, SignedIn and Portal are pseudo-permissions: the
// first needs no session at all, the second any staff session, the third a
// portal session (a client or family member; no staff role has it).
const (
	Public   Permission = "public"    // anyone, no session (landing page, login, health)
	SignedIn Permission = "signed_in" // any active staff member (home page, logout)
	Portal   Permission = "portal"    // a signed-in client or family member, on their own records only

	ViewSchedule     Permission = "schedule.view"   // today's sessions: times, rooms, counts, no names
	ViewCaseload     Permission = "caseload.view"   // the clients assigned to me
	SearchClients    Permission = "clients.search"  // the client list and search
	ViewClientHeader Permission = "clients.header"  // a client's chart header: demographics, contacts, episode
	CreateClient     Permission = "clients.create"  // register a new client
	EditClient       Permission = "clients.edit"    // correct demographics and contacts
	ManageUsers      Permission = "users.manage"    // add staff, change roles, deactivate
	ViewAuditLog     Permission = "audit.view"      // the audit report
	ViewProgram      Permission = "program.view"    // sites, programs and tracks (no client data)
	ManageSettings   Permission = "settings.manage" // organization settings

	ViewClinical      Permission = "clinical.view"      // assessments, measures, episode history, discharge summaries
	RecordClinical    Permission = "clinical.record"    // give measures, assess, decide, step down/up, review, discharge
	AdmitClient       Permission = "episodes.admit"     // admit a client to a program
	ManageInstruments Permission = "instruments.manage" // switch instruments on or off for the center
	ManagePrograms    Permission = "programs.manage"    // program settings such as the continued-stay review interval
	ManageInquiries   Permission = "inquiries.manage"   // the admissions board: inquiries, call log, admit or refer
	ManageSchedule    Permission = "schedule.manage"    // a client's groups, availability, appointments and calendar feed
	RecordAttendance  Permission = "attendance.record"  // take attendance at a group; acknowledge attendance alerts
	ViewBilling       Permission = "billing.view"       // billable-days export
	CheckIn           Permission = "attendance.checkin" // check clients in at the front desk; see meetings' check-in codes
	CoSignNotes       Permission = "notes.cosign"       // co-sign other clinicians' signed notes as their supervisor
	ManageConsents    Permission = "consents.manage"    // record and revoke Part 2 consents; read the accounting of disclosures
	DiscloseRecords   Permission = "records.disclose"   // release records outside the program under a consent on file
	EmergencyAccess   Permission = "records.emergency"  // open a record outside one's care team, with a reason, for a few hours
	ManageCareTeams   Permission = "careteams.manage"   // name staff on a client's care team; review uses of emergency access
	ViewOutbox        Permission = "outbox.view"        // the emails queued for clients (portal reminders): addresses, words, whether sent
	ManageCoverage    Permission = "coverage.manage"    // a client's insurance coverage and payer authorizations
	ManageBilling     Permission = "billing.manage"     // payers and their codes, the billing profile, claim exports
	BuildSchedule     Permission = "schedule.build"     // the schedule builder: propose a site's week and apply it to enrolments
	CounselingHours   Permission = "counseling.hours"   // one's own weekly counseling hours and caseload limit (a director: anyone's)
)

// CareTeamLimited reports whether the center's care-team rule limits role r
// to the records of clients they care for. Clinicians are limited; the
// clinical director oversees every record, and front desk, admissions and
// billing staff see only their minimum-necessary views of any client.
func CareTeamLimited(r model.Role) bool { return r == model.RoleClinician }

// rolePermissions is the single source of truth for what each role may do.
// Administrators run the system and read the audit log; they do not open
// clinical charts (minimum necessary), so they lack the client permissions.
var rolePermissions = map[model.Role][]Permission{
	model.RoleAdmin: {
		ViewSchedule, ManageUsers, ViewAuditLog, ViewProgram, ManageSettings, ManageInstruments, ManagePrograms,
	},
	model.RoleClinicalDirector: {
		ViewSchedule, ViewCaseload, SearchClients, ViewClientHeader, CreateClient, EditClient, ViewProgram, ViewAuditLog,
		ViewClinical, RecordClinical, AdmitClient, ManageInstruments, ManagePrograms, ManageInquiries, ManageSchedule,
		RecordAttendance, ViewBilling, CheckIn, CoSignNotes, ManageConsents, DiscloseRecords, ManageCareTeams, ViewOutbox,
		ManageCoverage, ManageBilling, BuildSchedule, CounselingHours,
	},
	model.RoleClinician: {
		ViewSchedule, ViewCaseload, SearchClients, ViewClientHeader, EditClient, ViewProgram,
		ViewClinical, RecordClinical, AdmitClient, ManageSchedule, RecordAttendance, CheckIn, ManageConsents, DiscloseRecords,
		EmergencyAccess, CounselingHours,
	},
	// Admissions staff admit clients at intake and take their consents; the
	// clinical record itself (assessments, measures, discharge), and so its
	// release, is for clinicians.
	model.RoleAdmissions: {
		ViewSchedule, SearchClients, ViewClientHeader, CreateClient, EditClient, ViewProgram, AdmitClient, ManageInquiries, ManageSchedule,
		ManageConsents, ManageCoverage,
	},
	model.RoleBiller: {
		ViewSchedule, SearchClients, ViewClientHeader, ViewProgram, ViewBilling, ManageCoverage, ManageBilling,
	},
	model.RoleFrontDesk: {
		ViewSchedule, SearchClients, ViewClientHeader, ViewProgram, ManageSchedule, CheckIn,
	},
}

// Can reports whether role r has permission p. SignedIn is granted to every
// known role; Public to everyone.
func Can(r model.Role, p Permission) bool {
	switch p {
	case Public:
		return true
	case SignedIn:
		return r.Valid()
	}
	return slices.Contains(rolePermissions[r], p)
}

// PermissionsOf lists the permissions of a role, for the admin pages and docs.
func PermissionsOf(r model.Role) []Permission {
	return slices.Clone(rolePermissions[r])
}

// AllPermissions lists every real permission (not the pseudo-permissions).
func AllPermissions() []Permission {
	return []Permission{ViewSchedule, ViewCaseload, SearchClients, ViewClientHeader, CreateClient, EditClient,
		ManageUsers, ViewAuditLog, ViewProgram, ManageSettings, ViewClinical, RecordClinical, AdmitClient, ManageInstruments, ManagePrograms, ManageInquiries, ManageSchedule, RecordAttendance, ViewBilling, CheckIn, CoSignNotes,
		ManageConsents, DiscloseRecords, EmergencyAccess, ManageCareTeams, ViewOutbox, ManageCoverage, ManageBilling, BuildSchedule, CounselingHours}
}

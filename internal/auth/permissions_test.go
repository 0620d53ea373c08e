package auth_test

import (
	"slices"
	"testing"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
)

// TestCanPseudoPermissions: Public needs nothing; SignedIn needs a known role.
func TestCanPseudoPermissions(t *testing.T) {
	for _, r := range append(slices.Clone(model.Roles), "", "superuser", "Admin") {
		if !auth.Can(r, auth.Public) {
			t.Errorf("Can(%q, Public) = false, want true", r)
		}
	}
	for _, r := range model.Roles {
		if !auth.Can(r, auth.SignedIn) {
			t.Errorf("Can(%q, SignedIn) = false, want true", r)
		}
	}
	for _, r := range []model.Role{"", "superuser", "Admin", " admin"} {
		if auth.Can(r, auth.SignedIn) {
			t.Errorf("Can(%q, SignedIn) = true, want false for an unknown role", r)
		}
	}
}

// TestUnknownRoleHasNoPermissions: a role that is not in model.Roles (a
// deactivated or corrupted value) can do nothing but public things.
func TestUnknownRoleHasNoPermissions(t *testing.T) {
	for _, r := range []model.Role{"", "superuser", "ADMIN"} {
		for _, p := range auth.AllPermissions() {
			if auth.Can(r, p) {
				t.Errorf("Can(%q, %q) = true", r, p)
			}
		}
		if ps := auth.PermissionsOf(r); len(ps) != 0 {
			t.Errorf("PermissionsOf(%q) = %v, want none", r, ps)
		}
	}
	if auth.Can(model.RoleClinician, "no.such.permission") {
		t.Errorf("Can grants an undefined permission")
	}
}

// TestAllPermissions: every permission is real (not a pseudo-permission),
// listed once, and granted to at least one role, so none is dead.
func TestAllPermissions(t *testing.T) {
	all := auth.AllPermissions()
	if len(all) == 0 {
		t.Fatal("AllPermissions is empty")
	}
	seen := map[auth.Permission]bool{}
	for _, p := range all {
		if p == auth.Public || p == auth.SignedIn || p == "" {
			t.Errorf("AllPermissions lists %q", p)
		}
		if seen[p] {
			t.Errorf("AllPermissions lists %q twice", p)
		}
		seen[p] = true
		granted := false
		for _, r := range model.Roles {
			granted = granted || auth.Can(r, p)
		}
		if !granted {
			t.Errorf("no role has %q", p)
		}
	}
	// Every permission any role holds is one AllPermissions lists.
	for _, r := range model.Roles {
		for _, p := range auth.PermissionsOf(r) {
			if !seen[p] {
				t.Errorf("%s holds %q, which AllPermissions does not list", r, p)
			}
		}
	}
}

// TestAdminMinimumNecessary guards HIPAA's minimum-necessary standard as the
// design applies it: administrators run the system and read the audit log,
// but do not open clinical charts.
func TestAdminMinimumNecessary(t *testing.T) {
	for _, p := range []auth.Permission{auth.SearchClients, auth.ViewClientHeader, auth.ViewCaseload, auth.CreateClient, auth.EditClient,
		auth.ViewClinical, auth.RecordClinical, auth.AdmitClient} {
		if auth.Can(model.RoleAdmin, p) {
			t.Errorf("admin has %q", p)
		}
	}
	for _, p := range []auth.Permission{auth.ManageUsers, auth.ViewAuditLog, auth.ManageSettings} {
		if !auth.Can(model.RoleAdmin, p) {
			t.Errorf("admin lacks %q", p)
		}
	}
}

// TestRoleMatrix writes out the reviewed role table independently of
// rolePermissions, so that any change to who may do what shows up here.
func TestRoleMatrix(t *testing.T) {
	type P = auth.Permission
	want := map[model.Role][]P{
		model.RoleAdmin:            {auth.ViewSchedule, auth.ManageUsers, auth.ViewAuditLog, auth.ViewProgram, auth.ManageSettings, auth.ManageInstruments, auth.ManagePrograms},
		model.RoleClinicalDirector: {auth.ViewSchedule, auth.ViewCaseload, auth.SearchClients, auth.ViewClientHeader, auth.CreateClient, auth.EditClient, auth.ViewProgram, auth.ViewAuditLog, auth.ViewClinical, auth.RecordClinical, auth.AdmitClient, auth.ManageInstruments, auth.ManagePrograms, auth.ManageInquiries, auth.ManageSchedule, auth.RecordAttendance, auth.ViewBilling, auth.CheckIn, auth.CoSignNotes, auth.ManageConsents, auth.DiscloseRecords, auth.ManageCareTeams, auth.ViewOutbox, auth.ManageCoverage, auth.ManageBilling, auth.BuildSchedule, auth.CounselingHours},
		model.RoleClinician:        {auth.ViewSchedule, auth.ViewCaseload, auth.SearchClients, auth.ViewClientHeader, auth.EditClient, auth.ViewProgram, auth.ViewClinical, auth.RecordClinical, auth.AdmitClient, auth.ManageSchedule, auth.RecordAttendance, auth.CheckIn, auth.ManageConsents, auth.DiscloseRecords, auth.EmergencyAccess, auth.CounselingHours},
		model.RoleAdmissions:       {auth.ViewSchedule, auth.SearchClients, auth.ViewClientHeader, auth.CreateClient, auth.EditClient, auth.ViewProgram, auth.AdmitClient, auth.ManageInquiries, auth.ManageSchedule, auth.ManageConsents, auth.ManageCoverage},
		model.RoleBiller:           {auth.ViewSchedule, auth.SearchClients, auth.ViewClientHeader, auth.ViewProgram, auth.ViewBilling, auth.ManageCoverage, auth.ManageBilling},
		model.RoleFrontDesk:        {auth.ViewSchedule, auth.SearchClients, auth.ViewClientHeader, auth.ViewProgram, auth.ManageSchedule, auth.CheckIn},
	}
	if len(want) != len(model.Roles) {
		t.Fatalf("the matrix covers %d roles, model.Roles has %d", len(want), len(model.Roles))
	}
	for _, r := range model.Roles {
		for _, p := range auth.AllPermissions() {
			if got, exp := auth.Can(r, p), slices.Contains(want[r], p); got != exp {
				t.Errorf("Can(%s, %s) = %v, want %v", r, p, got, exp)
			}
		}
	}
	// Only the people who manage the program and its compliance read the
	// audit log; only admins manage users and settings.
	for _, r := range model.Roles {
		if got := auth.Can(r, auth.ManageUsers); got != (r == model.RoleAdmin) {
			t.Errorf("Can(%s, ManageUsers) = %v", r, got)
		}
	}
}

// TestPermissionsOfReturnsCopy: the admin pages may sort or edit the list
// they get; that must not change what a role can do.
func TestPermissionsOfReturnsCopy(t *testing.T) {
	ps := auth.PermissionsOf(model.RoleFrontDesk)
	if !slices.Contains(ps, auth.SearchClients) {
		t.Fatalf("front desk lacks SearchClients: %v", ps)
	}
	for i := range ps {
		ps[i] = auth.ManageUsers
	}
	_ = append(ps[:0], auth.ManageSettings)
	if auth.Can(model.RoleFrontDesk, auth.ManageUsers) || auth.Can(model.RoleFrontDesk, auth.ManageSettings) {
		t.Errorf("mutating PermissionsOf's result granted front desk admin permissions")
	}
	if !auth.Can(model.RoleFrontDesk, auth.SearchClients) {
		t.Errorf("mutating PermissionsOf's result removed a permission")
	}
	if again := auth.PermissionsOf(model.RoleFrontDesk); !slices.Contains(again, auth.SearchClients) || slices.Contains(again, auth.ManageUsers) {
		t.Errorf("PermissionsOf after mutation = %v", again)
	}
}

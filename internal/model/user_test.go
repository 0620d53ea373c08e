package model_test

import (
	"testing"

	"github.com/openiop/openiop/internal/model"
)

// TestRoles guards the staff roles: each is valid and has its label, the
// form order is fixed, and unknown values are not roles.
func TestRoles(t *testing.T) {
	tests := []struct {
		role  model.Role
		code  string
		label string
	}{
		{model.RoleClinician, "clinician", "Clinician"},
		{model.RoleClinicalDirector, "clinical_director", "Clinical director"},
		{model.RoleAdmissions, "admissions", "Admissions"},
		{model.RoleFrontDesk, "front_desk", "Front desk"},
		{model.RoleBiller, "biller", "Biller"},
		{model.RoleAdmin, "admin", "Administrator"},
	}
	if len(model.Roles) != len(tests) {
		t.Fatalf("Roles has %d roles, want %d", len(model.Roles), len(tests))
	}
	for i, tt := range tests {
		if string(tt.role) != tt.code {
			t.Errorf("role code %q, want %q (stored in the database)", tt.role, tt.code)
		}
		if model.Roles[i] != tt.role {
			t.Errorf("Roles[%d] = %q, want %q", i, model.Roles[i], tt.role)
		}
		if !tt.role.Valid() {
			t.Errorf("%q.Valid() = false", tt.role)
		}
		if got := tt.role.Label(); got != tt.label {
			t.Errorf("%q.Label() = %q, want %q", tt.role, got, tt.label)
		}
	}
	for _, bad := range []model.Role{"", "Admin", "root", "clinician "} {
		if bad.Valid() {
			t.Errorf("%q.Valid() = true", bad)
		}
		if bad.Label() != string(bad) {
			t.Errorf("%q.Label() = %q, want the code itself", bad, bad.Label())
		}
	}
}

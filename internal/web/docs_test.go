package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

// TestHTTPDocListsEveryRoute keeps docs/http.md honest: every route in the
// table appears there with its permission, and the doc lists no route that
// does not exist.
func TestHTTPDocListsEveryRoute(t *testing.T) {
	doc, err := os.ReadFile("../../docs/http.md")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, store.SQLite)
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z]+ [^`]+)` \\| ([a-z_.]+) \\|").FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[2]
	}
	for _, rt := range e.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		perm, ok := rows[key]
		if !ok {
			t.Errorf("docs/http.md does not list %s", key)
			continue
		}
		if perm != string(rt.Perm) {
			t.Errorf("docs/http.md gives %s the permission %s, the code %s", key, perm, rt.Perm)
		}
		delete(rows, key)
	}
	for key := range rows {
		t.Errorf("docs/http.md lists %s, which is not a route", key)
	}
}

// TestSecurityDocMatchesRolePermissions keeps the permission table in
// docs/security.md equal to the roles in internal/auth.
func TestSecurityDocMatchesRolePermissions(t *testing.T) {
	doc, err := os.ReadFile("../../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	order := []model.Role{model.RoleAdmin, model.RoleClinicalDirector, model.RoleClinician, model.RoleAdmissions, model.RoleBiller, model.RoleFrontDesk}
	seen := 0
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != len(order)+3 {
			continue
		}
		perm := auth.Permission(strings.Fields(strings.TrimSpace(cells[1]))[0])
		if !isPermission(perm) {
			continue
		}
		seen++
		for i, r := range order {
			doc := strings.TrimSpace(cells[i+2]) == "yes"
			if doc != auth.Can(r, perm) {
				t.Errorf("docs/security.md says %s has %s: %v; the code says %v", r, perm, doc, auth.Can(r, perm))
			}
		}
	}
	if seen != len(auth.AllPermissions()) {
		t.Errorf("docs/security.md lists %d permissions, the code has %d", seen, len(auth.AllPermissions()))
	}
}

func isPermission(p auth.Permission) bool {
	for _, x := range auth.AllPermissions() {
		if x == p {
			return true
		}
	}
	return false
}

// TestVendoredFilesMatchPinnedHashes fails when a vendored front-end file
// differs from the version and hash recorded in VENDOR.md.
func TestVendoredFilesMatchPinnedHashes(t *testing.T) {
	dir := "static/vendor"
	table, err := os.ReadFile(filepath.Join(dir, "VENDOR.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)^\| (\S+) \| [^|]+ \| [^|]+ \| [^|]+ \| ([0-9a-f]{64}) \|$`).FindAllStringSubmatch(string(table), -1)
	if len(rows) == 0 {
		t.Fatal("VENDOR.md lists no files")
	}
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r[1]] = true
		b, err := os.ReadFile(filepath.Join(dir, r[1]))
		if err != nil {
			t.Errorf("%s: %v", r[1], err)
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != r[2] {
			t.Errorf("%s does not match its pinned SHA-256 in VENDOR.md", r[1])
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n := e.Name()
		if !listed[n] && n != "VENDOR.md" && !strings.HasSuffix(n, "LICENSE.txt") {
			t.Errorf("%s is vendored but not listed in VENDOR.md", n)
		}
	}
}

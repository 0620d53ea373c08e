package web

import "github.com/openiop/openiop/internal/auth"

// routes is every HTML route, its method and the permission it needs: the
// whole surface of the web app at a glance. NewServer refuses a route
// without a permission, and a test walks this table with every role.
func (s *Server) routes() []route {
	return []route{
		// Public pages and sign-in.
		{Method: "GET", Pattern: "/{$}", Perm: auth.Public, Handle: s.landing},
		{Method: "GET", Pattern: "/login", Perm: auth.Public, Handle: s.loginPage},
		{Method: "POST", Pattern: "/login", Perm: auth.Public, Handle: s.login},
		{Method: "POST", Pattern: "/logout", Perm: auth.SignedIn, Handle: s.logout},

		// Staff home.
		{Method: "GET", Pattern: "/home", Perm: auth.SignedIn, Handle: s.home},

		// Clients.
		{Method: "GET", Pattern: "/clients", Perm: auth.SearchClients, Handle: s.clientList},
		{Method: "POST", Pattern: "/clients/search", Perm: auth.SearchClients, Handle: s.clientList},
		{Method: "GET", Pattern: "/clients/new", Perm: auth.CreateClient, Handle: s.clientNew},
		{Method: "POST", Pattern: "/clients", Perm: auth.CreateClient, Handle: s.clientCreate},
		{Method: "GET", Pattern: "/clients/{id}", Perm: auth.ViewClientHeader, Handle: s.clientShow},
		{Method: "GET", Pattern: "/clients/{id}/edit", Perm: auth.EditClient, Handle: s.clientEdit},
		{Method: "POST", Pattern: "/clients/{id}", Perm: auth.EditClient, Handle: s.clientUpdate},

		// Program structure (no client data).
		{Method: "GET", Pattern: "/program", Perm: auth.ViewProgram, Handle: s.programShow},

		// Administration.
		{Method: "GET", Pattern: "/admin/users", Perm: auth.ManageUsers, Handle: s.userList},
		{Method: "POST", Pattern: "/admin/users", Perm: auth.ManageUsers, Handle: s.userCreate},
		{Method: "POST", Pattern: "/admin/users/{id}", Perm: auth.ManageUsers, Handle: s.userUpdate},
		{Method: "GET", Pattern: "/admin/audit", Perm: auth.ViewAuditLog, Handle: s.auditLog},

		// Operations and assets: no session is looked up.
		{Method: "GET", Pattern: "/healthz", Perm: auth.Public, Handle: s.healthz, NoSession: true},
		{Method: "GET", Pattern: "/readyz", Perm: auth.Public, Handle: s.readyz, NoSession: true},
		{Method: "GET", Pattern: "/metrics", Perm: auth.Public, Handle: s.metrics, NoSession: true},
		{Method: "GET", Pattern: "/static/{version}/{path...}", Perm: auth.Public, Handle: s.serveStatic, NoSession: true},
	}
}

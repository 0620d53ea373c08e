package api

import "github.com/openiop/openiop/internal/auth"

// routes is every API endpoint, its method and the permission it needs.
func (h *Handler) routes() []route {
	return []route{
		// Instruments: definitions and scoring. Public: they read and store no client data.
		{Method: "GET", Pattern: "/api/v1/instruments", Perm: auth.Public, Handle: h.instrumentList},
		{Method: "GET", Pattern: "/api/v1/instruments/{code}", Perm: auth.Public, Handle: h.instrumentShow},
		{Method: "POST", Pattern: "/api/v1/instruments/{code}/score", Perm: auth.Public, Handle: h.instrumentScore},
	}
}

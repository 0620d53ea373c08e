package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.1 description of this API. It is written
// by hand, next to the handlers, and openapi_test.go holds it to the code:
// every route is in it with its permission, nothing else is, an independent
// validator accepts it, and the answers in docs/api.md match its schemas.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPI answers GET /api/v1/openapi.json.
func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(openAPIDocument)
	return err
}

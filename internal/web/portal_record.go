package web

import (
	"encoding/json"
	"net/http"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/fhir"
)

// portalRecord answers GET /portal/record.json: the client's own record
// (HIPAA right of access) as one FHIR R4 Bundle of type collection, the
// same resources the FHIR API and iop export give, with the staff,
// center and sites it refers to. A family member's portal gets 404 like
// every client page. The download is audited as an export.
func (s *Server) portalRecord(w http.ResponseWriter, r *http.Request) error {
	c, err := s.portalClient(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	center, err := fhir.LoadCenter(ctx, s.Store)
	if err != nil {
		return err
	}
	rec, err := fhir.LoadRecord(ctx, s.Store, c.ID, s.Now(), center.Org.Location())
	if err != nil {
		return err
	}
	res := fhir.ClientResources(center, rec)
	for _, x := range fhir.CenterResources(center) {
		if fhir.Referenced(res, x) {
			res = append(res, x)
		}
	}
	b := fhir.Collection(s.Options.BaseURL+"/fhir/R4", res, s.Now())
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionExport, "client.record", c.ID, "right of access: the record as a FHIR Bundle"); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="my-record.json"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(append(out, '\n'))
	return err
}

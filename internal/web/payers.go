package web

import (
	"net/http"
	"strings"

	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

// payersData is the billing settings page: the payers with their codes, and
// who bills.
type payersData struct {
	Payers          []billing.Payer
	Typed           payerForm
	Problems        map[string]string
	Profile         billing.Profile
	ProfileProblems map[string]string
	Flash           string
	Types           []billing.PayerType
}

// payerForm is a payer as typed: charges stay as typed until they parse.
type payerForm struct {
	billing.Payer
	Modifiers                                     string
	PerDiemCharge, IndividualCharge, FamilyCharge string
}

func payerFormOf(p billing.Payer) payerForm {
	return payerForm{Payer: p, Modifiers: strings.Join(p.Codes.PerDiemModifiers, " "), PerDiemCharge: cost.DollarsValue(p.Codes.PerDiemCents),
		IndividualCharge: cost.DollarsValue(p.Codes.IndividualCents), FamilyCharge: cost.DollarsValue(p.Codes.FamilyCents)}
}

func (s *Server) payersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPayers(w, r, http.StatusOK, nil, nil, nil, nil)
}

func (s *Server) renderPayers(w http.ResponseWriter, r *http.Request, status int, typed *payerForm, problems map[string]string,
	profile *billing.Profile, profileProblems map[string]string) error {
	v := s.view(r, "Payers and billing settings", "billing")
	d := payersData{Problems: problems, ProfileProblems: profileProblems, Types: billing.PayerTypes}
	var err error
	if d.Payers, err = s.Store.Payers(r.Context()); err != nil {
		return err
	}
	switch {
	case typed != nil:
		d.Typed = *typed
	default:
		d.Typed = payerFormOf(billing.Payer{Type: cost.Commercial, Active: true, Codes: billing.Codes{PerDiem: "H0015", PlaceOfService: "57"}})
		for _, p := range d.Payers {
			if p.ID == r.URL.Query().Get("payer") {
				d.Typed = payerFormOf(p)
			}
		}
	}
	if profile != nil {
		d.Profile = *profile
	} else if d.Profile, err = s.Store.BillingProfile(r.Context()); err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "payer":
		d.Flash = "The payer was saved. Claims already exported keep the codes they were billed with."
	case "profile":
		d.Flash = "The billing profile was saved."
	}
	v.Data = d
	return s.pages.Page(w, status, "payers", &v)
}

// payerSave adds or changes a payer and its codes.
func (s *Server) payerSave(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.payerSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	t := payerForm{Modifiers: f.String("per_diem_modifiers", 20), PerDiemCharge: f.String("per_diem_charge", 20),
		IndividualCharge: f.String("individual_charge", 20), FamilyCharge: f.String("family_charge", 20)}
	t.Payer = billing.Payer{ID: f.String("id", 40), Name: f.String("name", 120), Type: billing.PayerType(f.String("type", 20)),
		ElectronicID: f.String("electronic_id", 80), RequiresAuth: f.String("requires_auth", 3) == "on", Active: f.String("active", 3) == "on",
		Codes: billing.Codes{PerDiem: strings.ToUpper(f.String("per_diem", 5)), PerDiemModifiers: strings.Fields(strings.ToUpper(t.Modifiers)),
			Individual: strings.ToUpper(f.String("individual", 5)), IndividualMinutes: f.Int("individual_minutes", 0),
			Family: strings.ToUpper(f.String("family", 5)), FamilyMinutes: f.Int("family_minutes", 0),
			RevenueCode: f.String("revenue_code", 4), PlaceOfService: f.String("place_of_service", 2)}}
	if t.ID != "" && !model.ValidID(t.ID) {
		return model.NotFound("web.payerSave", "payer")
	}
	for field, typed := range map[string]string{"per_diem_charge": t.PerDiemCharge, "individual_charge": t.IndividualCharge, "family_charge": t.FamilyCharge} {
		var cents int64
		if typed != "" {
			cents, err = cost.ParseDollars(typed)
		}
		if err != nil {
			f.Problems[field] = "Enter dollars and cents, such as 450 or 32.50."
		}
		switch field {
		case "per_diem_charge":
			t.Codes.PerDiemCents = cents
		case "individual_charge":
			t.Codes.IndividualCents = cents
		default:
			t.Codes.FamilyCents = cents
		}
	}
	f.Merge(t.Problems())
	if f.OK() {
		err = s.Store.SavePayer(r.Context(), &t.Payer, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderPayers(w, r, http.StatusUnprocessableEntity, &t, f.Problems, nil, nil)
	}
	http.Redirect(w, r, "/admin/payers?done=payer", http.StatusSeeOther)
	return nil
}

// billingProfileSave changes who bills and where the claim files go.
func (s *Server) billingProfileSave(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.billingProfileSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	p := billing.Profile{Name: f.String("name", 120), NPI: f.String("npi", 10), TaxID: strings.ReplaceAll(f.String("tax_id", 10), "-", ""),
		Taxonomy: f.String("taxonomy", 10), Address: f.String("address", 110), City: f.String("city", 60), State: strings.ToUpper(f.String("state", 2)),
		ZIP: strings.ReplaceAll(f.String("zip", 10), "-", ""), SubmitterID: f.String("submitter_id", 15), ContactName: f.String("contact_name", 60),
		ContactPhone: f.String("contact_phone", 30), ReceiverName: f.String("receiver_name", 60), ReceiverID: f.String("receiver_id", 15),
		Production: f.String("production", 3) == "on"}
	f.Merge(p.Problems())
	if f.OK() {
		err = s.Store.SaveBillingProfile(r.Context(), p, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderPayers(w, r, http.StatusUnprocessableEntity, nil, nil, &p, f.Problems)
	}
	http.Redirect(w, r, "/admin/payers?done=profile", http.StatusSeeOther)
	return nil
}

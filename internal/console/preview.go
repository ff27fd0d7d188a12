package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/workload"
)

// Previewer decides where a request would go without reserving anything.
// The console asks the API (POST /v1/placements:preview) when it serves
// one; until then it asks the same domain services the API's create uses
// (the workload service turns the request into the placement engine's
// request, the engine previews it), after checking through the API that
// the person may see the project.
type Previewer struct {
	Workloads *workload.Service
	Fleet     *fleet.Fleet
}

func (c *Console) localPreview(ctx context.Context, v *view, n *names, req createRequest) *preview {
	pv := c.previewer
	if pv == nil || pv.Workloads == nil || pv.Fleet == nil {
		return nil
	}
	p := &preview{}
	// The person must be able to read the project (the API decides).
	var proj model.Project
	if err := c.get(ctx, v, "/v1/projects/"+url.PathEscape(req.ProjectID), &proj); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status != http.StatusUnauthorized {
			p.Message = ae.Message()
			return p
		}
		p.Message = v.T("console.error.internal")
		return p
	}
	wreq := workload.CreateRequest{ProjectID: req.ProjectID, OfferingID: req.OfferingID, Replicas: req.Replicas,
		Classification: req.Classification, Residency: req.Residency, Sovereignty: req.Sovereignty,
		Redundancy: req.Redundancy, Tier: req.Tier, CostCeilingMinor: req.CostCeilingMinor}
	if err := wreq.Validate(); err != nil {
		p.Invalid = true
		p.Message = v.T("console.request.preview.invalid")
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			for _, f := range ve.Fields {
				p.Reasons = append(p.Reasons, f.Field+": "+f.Reason(v.Lang))
			}
		}
		return p
	}
	inst := n.institutions[proj.InstitutionID]
	// The institution's data policy completes the request and refuses
	// what would widen it, as the API's create does.
	if err := workload.ApplyPolicy(inst, &wreq); err != nil {
		p.Invalid = true
		p.Message = v.T("console.request.preview.invalid")
		var pe *workload.PolicyError
		if errors.As(err, &pe) {
			p.Message = v.T("problem.data-policy.detail", pe.Institution, pe.Summary)
			for _, f := range pe.Fields {
				p.Reasons = append(p.Reasons, f.Field+": "+f.Reason(v.Lang))
			}
		}
		return p
	}
	req.Residency, req.Sovereignty = wreq.Residency, wreq.Sovereignty
	off, ok := n.offerings[req.OfferingID]
	if !ok {
		p.Invalid = true
		p.Message = v.T("console.request.preview.invalid")
		return p
	}
	w := model.Workload{ProjectID: proj.ID, InstitutionID: inst.ID, BudgetLineID: proj.BudgetLineID, OfferingID: off.ID,
		Replicas: req.Replicas, Classification: req.Classification, Residency: req.Residency, Sovereignty: req.Sovereignty,
		Redundancy: req.Redundancy, Tier: req.Tier, CostCeilingMinor: req.CostCeilingMinor, Currency: inst.Currency}
	preq, err := pv.Workloads.PlacementRequest(ctx, &w, off, nil)
	if err == nil {
		var d placement.Decision
		if d, err = pv.Fleet.Engine().Preview(preq); err == nil {
			p.Fits, p.Forecast, p.Currency = true, d.TotalMonthlyMinor, inst.Currency
			for _, ch := range d.Choices {
				s := n.sites[ch.SiteID]
				x, y := project(s.Latitude, s.Longitude)
				p.Sites = append(p.Sites, previewSite{Site: s, Provider: n.providers[ch.ProviderID].Name, Monthly: ch.MonthlyMinor, X: x, Y: y})
				p.Simulated = p.Simulated || s.Simulated
			}
			return p
		}
	}
	p.Message, p.Reasons = splitReasons(explainNoFit(err, v.Lang, inst.Currency, off.Name))
	if p.Message == "" {
		p.Message = v.T("console.request.preview.nofit")
	}
	return p
}

// explainNoFit renders the placement engine's reasons in lang, with money
// in the institution's currency (as the workload service does for the
// API's no-fit problem).
func explainNoFit(err error, lang i18n.Lang, currency, offering string) string {
	digits := 2
	if c, cerr := money.ParseCurrency(currency); cerr == nil {
		digits = c.Digits()
	}
	var nf *placement.NoFitError
	var ce *placement.CostCeilingError
	var ir *placement.InvalidRequestError
	switch {
	case errors.As(err, &nf):
		nf.Reasons.Currency, nf.Reasons.MinorDigits, nf.Reasons.OfferingID = currency, digits, offering
		return nf.Explain(lang)
	case errors.As(err, &ce):
		ce.Reasons.Currency, ce.Reasons.MinorDigits, ce.Reasons.OfferingID = currency, digits, offering
		return ce.Explain(lang)
	case errors.As(err, &ir):
		return ir.Explain(lang)
	case err != nil:
		return err.Error()
	}
	return ""
}

package api

import (
	"bytes"
	"context"
	"net/http"
	"slices"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/residency"
)

// Raw is a response that is not JSON (a CSV file, a printable page): the
// handler returns it and the wrapper writes Body with ContentType.
type Raw struct {
	ContentType string
	// Filename, when set, is offered in Content-Disposition.
	Filename string
	Body     []byte
}

// ResidencyOptions wire GET /v1/residency.
type ResidencyOptions struct {
	// Build makes the report for an institution ("" for the platform).
	Build func(ctx context.Context, institutionID string, lang i18n.Lang) (residency.Report, error)
}

// residencyAction is who may read a residency report: institution admins
// (its institution's) and auditors and platform admins (every one). It is
// an audit artifact, so it rides on audit:read.
const residencyAction = "audit:read"

// AddResidency registers the residency report.
func (a *API) AddResidency(o ResidencyOptions) {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{
			{Method: "GET", Path: "/v1/residency", Summary: "Residency report: every live placement with site country/subdivision, provider and jurisdiction, classification and a compliance verdict against the workload's policy; ?institution_id=… for one institution (an institution admin gets its own), none for the platform (operators); ?format=json|csv|html (printable, in the caller's language)",
				Tag: "operations", Auth: Any(residencyAction), Query: []string{"institution_id", "format"}, Response: residency.Report{},
				AltMedia: []string{"text/csv", "text/html"}, Errors: []int{http.StatusNotFound},
				Handle: func(r *http.Request) (any, error) {
					q := r.URL.Query()
					for k := range q {
						if k != "institution_id" && k != "format" {
							return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.filter", k, "format, institution_id")
						}
					}
					format := q.Get("format")
					switch format {
					case "", "json", "csv", "html":
					default:
						return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.residency-format", format)
					}
					lang := langOf(r.Context())
					rep, err := a.residencyFor(r, q.Get("institution_id"), o, lang)
					if err != nil {
						return nil, err
					}
					var buf bytes.Buffer
					name := "residency"
					if rep.InstitutionID != "" {
						name += "-" + rep.InstitutionID
					}
					switch format {
					case "csv":
						if err := rep.WriteCSV(&buf); err != nil {
							return nil, err
						}
						return Raw{ContentType: "text/csv; charset=utf-8", Filename: name + ".csv", Body: buf.Bytes()}, nil
					case "html":
						if err := rep.WriteHTML(&buf, lang); err != nil {
							return nil, err
						}
						return Raw{ContentType: "text/html; charset=utf-8", Body: buf.Bytes()}, nil
					}
					return rep, nil
				}},
		}
	})
}

// residencyFor builds the report the caller asked for and may read: one
// institution (404 outside the caller's scopes, as for any object), the
// platform for a platform-wide reader, or the caller's institutions
// merged.
func (a *API) residencyFor(r *http.Request, institutionID string, o ResidencyOptions, lang i18n.Lang) (residency.Report, error) {
	ctx := r.Context()
	if institutionID != "" {
		// The route passed Any(audit:read): a refusal here means the
		// institution is outside the caller's scopes, answered as absent.
		if err := AllowAt(r, residencyAction, auth.Target{Institution: institutionID}); err != nil {
			return residency.Report{}, Errorf(http.StatusNotFound, "not-found", "problem.not-found.detail")
		}
		if _, err := a.store.Read().Institutions().Get(ctx, institutionID); err != nil {
			return residency.Report{}, err
		}
		return o.Build(ctx, institutionID, lang)
	}
	v := principalOf(ctx).Visible(residencyAction)
	if v.All {
		return o.Build(ctx, "", lang)
	}
	insts := slices.Clone(v.Institutions)
	slices.Sort(insts)
	insts = slices.Compact(insts)
	if len(insts) == 1 {
		return o.Build(ctx, insts[0], lang)
	}
	var out residency.Report
	for _, id := range insts {
		rep, err := o.Build(ctx, id, lang)
		if err != nil {
			return out, err
		}
		out.GeneratedAt = rep.GeneratedAt
		out.Rows = append(out.Rows, rep.Rows...)
		out.Placements += rep.Placements
		out.Violations += rep.Violations
	}
	if out.Rows == nil {
		out.Rows = []residency.Row{}
	}
	return out, nil
}

package api

import (
	"reflect"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/cloudinit"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/residency"
	"github.com/soberana/soberana/internal/secrets"

	"github.com/soberana/soberana/problem"
)

// What the OpenAPI generator (openapi.go) cannot read from the Go types
// alone. When a test names something missing, it is added here.

// declaredSchema is the schema of a type that encodes itself.
type declaredSchema struct {
	// name makes it a component ($ref); empty inlines it.
	name   string
	schema map[string]any
}

const currencyPattern = "^[A-Z]{3}$"

// typeSchemas declares the wire form of types with their own MarshalJSON
// or MarshalText, exactly as they emit it.
var typeSchemas = map[reflect.Type]declaredSchema{
	reflect.TypeOf(money.Amount{}): {name: "Amount", schema: map[string]any{
		"type":        "object",
		"description": "An exact amount of money: minor units of an ISO 4217 currency, with the same amount as a decimal string. Never a binary float.",
		"required":    []string{"minor", "currency", "value"},
		"properties": map[string]any{
			"minor":    map[string]any{"type": "integer", "format": "int64", "description": "The amount in minor units of the currency (centavos for BRL)", "example": 123456},
			"currency": map[string]any{"type": "string", "pattern": currencyPattern, "description": "ISO 4217 currency code", "example": "BRL"},
			"value":    map[string]any{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?$`, "description": "The same amount as a decimal string with the currency's digits", "example": "1234.56"},
		},
		"example": map[string]any{"minor": 123456, "currency": "BRL", "value": "1234.56"},
	}},
	reflect.TypeOf(money.Currency{}): {schema: map[string]any{"type": "string", "pattern": currencyPattern,
		"description": "ISO 4217 currency code", "example": "BRL"}},
	reflect.TypeOf(money.Decimal{}): {schema: map[string]any{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?$`,
		"description": "An exact decimal number as a string", "example": "0.0125"}},
	reflect.TypeOf(placement.Classification(0)): {schema: map[string]any{"type": "string", "enum": model.Classifications,
		"description": "Data classification, from least to most sensitive"}},
	reflect.TypeOf(placement.Tier(0)): {schema: map[string]any{"type": "string", "enum": []string{model.TierCore, model.TierEdge},
		"description": "Site tier: a core cloud region or a small edge site"}},
	reflect.TypeOf(placement.Reason(0)): {schema: map[string]any{"type": "string", "description": "Why a site was excluded"}},
	reflect.TypeOf(secrets.Value{}): {schema: map[string]any{"type": "string", "enum": []string{"[redacted]"},
		"description": "A secret: never shown, always encoded as [redacted]"}},
	reflect.TypeOf(problem.Problem{}): {name: "Problem"},
}

// Closed sets, from the typed constants of their packages.
var (
	workloadStates   = model.Names(model.WorkloadStates)
	placementStates  = model.Names(model.PlacementStates)
	sovereigntyModes = []string{model.SovereigntyNational, model.SovereigntyRegional, model.SovereigntyAny}
	tiers            = []string{model.TierCore, model.TierEdge}
	healths          = []string{model.HealthHealthy, model.HealthDegraded, model.HealthDown}
	offeringKinds    = []string{model.KindVM, model.KindNamespace, model.KindVolume}
	drivers          = []string{model.DriverSim, model.DriverOpenStack, model.DriverKubernetes}
	scopeKinds       = []string{string(auth.Platform), string(auth.Provider), string(auth.Institution), string(auth.Project)}
)

func roleNames() []string {
	var out []string
	for _, r := range auth.Roles {
		out = append(out, r.Name)
	}
	return out
}

// enumsByName are closed sets that a property name means wherever it
// appears; enumsByField are those of one type's property
// ("pkg.Type.json_name", the type that declares the field).
var (
	enumsByName = map[string][]string{
		"classification": model.Classifications,
		"certification":  model.Classifications,
		"tier":           tiers,
		"health":         healths,
		"driver":         drivers,
		"scope_kind":     scopeKinds,
		"sovereignty":    sovereigntyModes,
	}
	enumsByField = map[string][]string{
		"internal/model.Workload.state":               workloadStates,
		"internal/model.Placement.state":              placementStates,
		"internal/model.Sovereignty.mode":             sovereigntyModes,
		"internal/model.Offering.kind":                offeringKinds,
		"internal/model.Token.role":                   append(roleNames(), ""), // empty: the token acts by role bindings
		"internal/model.RoleBinding.role":             roleNames(),
		"internal/api.BindingRequest.role":            roleNames(),
		"internal/model.GrantSpec.role":               auth.GrantRoles,
		"internal/model.Grant.role":                   auth.GrantRoles,
		"internal/auth.TokenSpec.role":                roleNames(),
		"internal/auth.Binding.role":                  roleNames(),
		"internal/auth.Principal.role":                roleNames(),
		"internal/model.Alert.state":                  model.Names(model.AlertStates),
		"internal/model.AlertDelivery.state":          model.Names(model.DeliveryStates),
		"internal/model.Release.state":                model.Names(model.ReleaseStates),
		"internal/model.Step.state":                   model.Names(model.StepStates),
		"internal/model.Migration.state":              model.Names(model.MigrationStates),
		"internal/model.Evacuation.state":             model.Names(model.EvacuationStates),
		"internal/health.Status.state":                healths,
		"internal/health.Status.raw":                  healths,
		"internal/residency.Row.state":                placementStates,
		"internal/model.SimResource.state":            {provider.StateBuilding, provider.StateActive, provider.StateError, provider.StateStopped},
		"internal/api.MigrationStatus.workload_state": workloadStates,
		"internal/model.WorkloadEvent.from":           workloadStates,
		"internal/model.WorkloadEvent.to":             workloadStates,
		"internal/api.SSHReplica.state":               placementStates,
		"internal/api.DriftPolicyRequest.on_change":   model.Names(model.DriftOnChanges),
		"internal/model.Alert.severity":               model.Severities,
		"internal/model.Address.kind":                 {model.AddressFixed, model.AddressFloating},
		"internal/model.APIToken.kind":                auth.TokenKinds,
		"internal/auth.TokenSpec.kind":                auth.TokenKinds,
		"internal/model.AuditEvent.actor_kind":        model.ActorKinds,
		"internal/model.AuditEvent.outcome":           model.AuditOutcomes,
		"internal/health.Status.kind":                 health.Kinds,
		"internal/model.EdgeGroup.kind":               model.GroupKinds,
		"internal/edge.GroupSpec.kind":                model.GroupKinds,
		"internal/model.Provider.kind":                model.ProviderKinds,
		"internal/model.SSHKey.key_type":              cloudinit.KeyTypes,
		"internal/auth.Principal.kind":                auth.PrincipalKinds,
		"internal/api.BudgetAlertView.kind":           BudgetAlertKinds,
		"internal/model.Alert.rule":                   alert.Rules,
		"internal/model.Alert.target_kind":            alert.TargetKinds,
		"internal/model.AlertDelivery.event":          alert.Events,
		"internal/model.DataMove.method":              migrate.DataMethods,
		"internal/model.WorkloadPolicy.preference":    model.Names(placement.Preferences),
		"internal/residency.Row.verdict":              residency.Verdicts,
	}
)

// defaultsByField are what the server takes for an optional input
// property left out ("pkg.Type.json_name", as enumsByField).
var defaultsByField = map[string]string{
	"internal/auth.TokenSpec.kind":             auth.TokenPersonal,
	"internal/auth.TokenSpec.scope_kind":       string(auth.Platform),
	"internal/edge.GroupSpec.kind":             model.GroupRegion,
	"internal/model.WorkloadPolicy.preference": string(placement.Cheapest),
}

// enumFor is the schema of a property that holds a closed set.
func enumFor(owner reflect.Type, name string) (map[string]any, bool) {
	vals, ok := enumsByField[typeKey(owner)+"."+name]
	if !ok {
		vals, ok = enumsByName[name]
	}
	if !ok {
		return nil, false
	}
	ft, found := fieldType(owner, name)
	switch {
	case found && ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
		return map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": vals}}, true
	case found && ft.Kind() == reflect.String:
		return map[string]any{"type": "string", "enum": vals}, true
	}
	return nil, false
}

func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if n, _, skip := jsonName(f); !skip && n == name {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			return ft, true
		}
	}
	return nil, false
}

// formatFor adds the format or pattern a property's name implies.
func formatFor(name string, s map[string]any) (map[string]any, bool) {
	ty, _ := s["type"].(string)
	if ty != "string" || s["format"] != nil || s["pattern"] != nil || s["enum"] != nil {
		return nil, false
	}
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	switch name {
	case "currency", "from_currency", "to_currency":
		out["pattern"] = currencyPattern
		out["description"] = "ISO 4217 currency code"
	case "country", "jurisdiction":
		out["pattern"] = "^[A-Z]{2}$"
		out["description"] = "ISO 3166-1 alpha-2 country code"
	case "email":
		out["format"] = "email"
	case "url":
		out["format"] = "uri"
	case "valid_on", "valid_from":
		out["format"] = "date"
	case "month":
		out["pattern"] = `^[0-9]{4}-[0-9]{2}$`
		out["description"] = "A month, YYYY-MM"
	default:
		return nil, false
	}
	return out, true
}

// schemaNames names components whose Go type names collide.
var schemaNames = map[string]string{
	"internal/health.Status":    "HealthStatus",
	"internal/migrate.Step":     "MigrationStep",
	"internal/deploy.Step":      "RolloutStep",
	"internal/residency.Row":    "ResidencyRow",
	"internal/residency.Report": "ResidencyReport",
	"internal/model.UserView":   "User",
}

// tagDescriptions describe every tag an operation uses.
var tagDescriptions = map[string]string{
	"meta":       "Version, health, readiness, metrics and this document",
	"fleet":      "Providers, their sites and API credentials, capacity reservations and orphaned resources",
	"catalog":    "Offerings, providers' prices and exchange rates",
	"tenancy":    "Institutions, budget lines, projects and budget alerts",
	"workloads":  "Workloads: placement preview, request, approval, cost, drift",
	"ledger":     "Rating of usage, monthly statements and their closing",
	"auth":       "Sign-in, users, role bindings and API tokens",
	"grants":     "Time-boxed grants of a role in one project to outside users (vendors)",
	"audit":      "The hash-chained audit log and its signed checkpoints",
	"monitoring": "Provider and site health, failovers, alerts and alert webhooks",
	"operations": "Migrations, provider exit drills (evacuations) and the residency report",
	"apps":       "Container apps on namespace workloads: releases, rollouts and forge webhooks",
	"sim":        "Fault injection into the SIMULATED provider (demo and tests only)",
	"ssh-keys":   "SSH public keys of users and projects, put on machines at first boot",
	"images":     "Operating system image families each provider can boot",
}

type queryDoc struct {
	desc    string
	schema  map[string]any
	example any
}

// queryDocs documents query parameters that are not a property of the
// listed items.
var queryDocs = map[string]queryDoc{
	"source":         {"Who published the rates (central bank, treasury, operator)", map[string]any{"type": "string"}, "BCB PTAX"},
	"from_currency":  {"Only rates from this currency (ISO 4217)", map[string]any{"type": "string", "pattern": currencyPattern}, "USD"},
	"to_currency":    {"Only rates to this currency (ISO 4217)", map[string]any{"type": "string", "pattern": currencyPattern}, "BRL"},
	"since":          {"Only events at or after this instant (RFC 3339)", map[string]any{"type": "string", "format": "date-time"}, "2026-03-01T00:00:00Z"},
	"until":          {"Only events before this instant (RFC 3339)", map[string]any{"type": "string", "format": "date-time"}, "2026-04-01T00:00:00Z"},
	"after":          {"Only entries after this sequence number", map[string]any{"type": "integer", "minimum": 0}, 120},
	"active":         {"true: only those in force", map[string]any{"type": "boolean"}, true},
	"format":         {"The report's format", map[string]any{"type": "string", "enum": []string{"json", "csv", "html"}}, "csv"},
	"tz":             {"The reader's time zone (IANA name) in which texts write the times they name; default UTC. Machine fields stay RFC 3339", map[string]any{"type": "string"}, "America/Sao_Paulo"},
	"month":          {"The month, YYYY-MM", map[string]any{"type": "string", "pattern": `^[0-9]{4}-[0-9]{2}$`}, "2026-03"},
	"return_to":      {"Local path to return to after signing in", map[string]any{"type": "string"}, "/console/workloads"},
	"code":           {"The authorization code from the OpenID provider", map[string]any{"type": "string"}, "SplxlOBeZQQYbYS6WxSbIA"},
	"state":          {"The state echoed by the OpenID provider", map[string]any{"type": "string"}, "af0ifjsldkj"},
	"institution_id": {"Only this institution's", map[string]any{"type": "string"}, "ins_01jd8x5v2k3m4n5p6q7r8s9t0u"},
	"provider_id":    {"Only this provider's", map[string]any{"type": "string"}, "prv_01jd8x5v2k3m4n5p6q7r8s9t0u"},
	"project_id":     {"Only this project's", map[string]any{"type": "string"}, "prj_01jd8x5v2k3m4n5p6q7r8s9t0u"},
	"user_id":        {"Only this user's", map[string]any{"type": "string"}, "usr_01jd8x5v2k3m4n5p6q7r8s9t0u"},
	"budget_line_id": {"Only this budget line's", map[string]any{"type": "string"}, "bl_01jd8x5v2k3m4n5p6q7r8s9t0u"},
	"workload_id":    {"Only this workload's", map[string]any{"type": "string"}, "wl_01jd8x5v2k3m4n5p6q7r8s9t0u"},
}

var pathParamDocs = map[string]string{
	"forge":     "The forge that sends the webhook (github, gitlab, gitea, forgejo)",
	"app":       "Id of the app",
	"release":   "Id of the release",
	"migration": "Id of the migration",
}

var pathParamExamples = map[string]string{
	"forge":     "github",
	"app":       "app_01jd8x5v2k3m4n5p6q7r8s9t0u",
	"release":   "rel_01jd8x5v2k3m4n5p6q7r8s9t0u",
	"migration": "mig_01jd8x5v2k3m4n5p6q7r8s9t0u",
}

// idPrefixes are the prefixes of ids by noun (examples only).
var idPrefixes = map[string]string{
	"provider": "prv", "site": "site", "offering": "off", "price": "prc", "fx-rate": "fx", "institution": "ins",
	"budget-line": "bl", "project": "prj", "workload": "wl", "app": "app", "grant": "grt", "token": "tok",
	"user": "usr", "role-binding": "rb", "alert-webhook": "awh", "evacuation": "evac", "placement": "plc",
	"release": "rel", "migration": "mig", "alert": "alr",
}

var patternExamples = map[string]string{
	currencyPattern:         "BRL",
	"^[A-Z]{2}$":            "BR",
	`^[0-9]{4}-[0-9]{2}$`:   "2026-03",
	`^-?[0-9]+(\.[0-9]+)?$`: "1234.56",
}

var nameExamples = map[string]string{
	"countries": "BR", "country_code": "BR", "jurisdictions": "BR", "subdivisions": "BR-SP",
	"name": "prontuario-eletronico", "country": "BR", "subdivision": "BR-SP", "city": "São Paulo",
	"currency": "BRL", "rate": "5.4321", "per_hour": "0.0125", "code": "2026.10.302.5018",
	"reason": "capacity needed for the vaccination campaign", "image": "registry.example.org/saude/prontuario:1.4.2",
	"commit": "9fceb02d0ae598e95dc970b74767f19372d61af8", "failure_domain": "az-1", "source": "BCB PTAX",
	"password": "correct horse battery staple", "token": "sbr_pat_4f8c2a1e9b7d6053", "secret": "whsec_3b9f2c7a",
	"vcpu": "4.0", "memory": "1.5", "disk": "1.0", "month": "2026-03", "hash": "9f2c6a1e", "summary": "site az-1 is down",
}

type metaEndpoint struct {
	path, id, summary, description, media string
	schema                                map[string]any
	example                               any
}

var metaEndpoints = []metaEndpoint{
	{"/healthz", "getHealthz", "Liveness", "Answers while the process serves HTTP (no dependency is checked).", "application/json",
		map[string]any{"type": "object", "required": []string{"status"}, "properties": map[string]any{"status": map[string]any{"type": "string", "enum": []string{"ok"}}}},
		map[string]any{"status": "ok"}},
	{"/readyz", "getReadyz", "Readiness", "Ready when the database answers; 503 with a reason otherwise.", "application/json",
		map[string]any{"type": "object", "required": []string{"status"}, "properties": map[string]any{"status": map[string]any{"type": "string", "enum": []string{"ready", "unavailable"}},
			"reason": map[string]any{"type": "string"}}},
		map[string]any{"status": "ready"}},
	{"/metrics", "getMetrics", "Prometheus metrics", "Metrics in the Prometheus text exposition format.", "text/plain",
		map[string]any{"type": "string"}, "soberana_http_requests_total{code=\"200\",method=\"GET\",route=\"/v1/sites\"} 3\n"},
	{"/openapi.json", "getOpenapiJson", "This document", "The OpenAPI 3.1 document of this API, generated from the code.", "application/json",
		map[string]any{"type": "object"}, map[string]any{"openapi": "3.1.0"}},
}

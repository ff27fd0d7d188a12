package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/sshca"
	"github.com/soberana/soberana/internal/store"
)

// SSHCertificateRequest asks for a certificate for the caller's key.
type SSHCertificateRequest struct {
	// PublicKey is one public key in the authorized_keys format (the
	// contents of ~/.ssh/id_ed25519.pub).
	PublicKey string `json:"public_key"`
	// Replica picks the replica whose addresses are returned (nil: all).
	Replica *int `json:"replica,omitempty"`
	// TTLSeconds shortens the validity (at most 3600, the default).
	TTLSeconds int `json:"ttl_seconds,omitempty"`
}

// SSHReplica is a replica to connect to.
type SSHReplica struct {
	Replica   int                  `json:"replica"`
	State     model.PlacementState `json:"state"`
	SiteID    string               `json:"site_id"`
	SiteName  string               `json:"site_name,omitempty"`
	Addresses []string             `json:"addresses"`
}

// SSHCertificateView is an issued certificate and where to use it.
type SSHCertificateView struct {
	// Certificate is the OpenSSH certificate (the contents of
	// id_ed25519-cert.pub).
	Certificate    string       `json:"certificate"`
	Serial         string       `json:"serial"`
	KeyID          string       `json:"key_id"`
	KeyFingerprint string       `json:"key_fingerprint"`
	Principal      string       `json:"principal"`
	ValidAfter     time.Time    `json:"valid_after"`
	ValidBefore    time.Time    `json:"valid_before"`
	LoginUser      string       `json:"login_user"`
	CAPublicKey    string       `json:"ca_public_key"`
	Replicas       []SSHReplica `json:"replicas"`
}

// SSHCertRecord is one issued certificate as listed.
type SSHCertRecord struct {
	// Serial as a string: JSON numbers lose digits past 2^53.
	Serial string `json:"serial"`
	// The rest is the stored certificate (its int64 serial is hidden by
	// the string above).
	model.SSHCert
}

// sshCertRecord is the wire view of an issued certificate.
func sshCertRecord(c model.SSHCert) SSHCertRecord {
	return SSHCertRecord{Serial: strconv.FormatInt(c.Serial, 10), SSHCert: c}
}

// SSHCAView is an institution's certificate authority.
type SSHCAView struct {
	InstitutionID   string `json:"institution_id"`
	PublicKey       string `json:"public_key"`
	Fingerprint     string `json:"fingerprint"`
	PrincipalPrefix string `json:"principal_prefix"`
	LoginUser       string `json:"login_user"`
	KRLPath         string `json:"krl_path"`
}

// SSHCAOptions wire the SSH certificate routes.
type SSHCAOptions struct {
	CA *sshca.Service
	// Addresses returns a replica's addresses as its provider reports
	// them (nil: none known).
	Addresses func(ctx context.Context, p store.PlacementRow) []string
}

// AddSSHCA registers the SSH certificate authority's routes.
func (a *API) AddSSHCA(o SSHCAOptions) {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{
			{Method: "POST", Path: "/v1/workloads/{id}/ssh-certificates",
				Summary: "Issue an SSH certificate for the caller's public key: the workload's project principal only, valid at most one hour and never past the caller's grant, token or session; audited with its serial and key fingerprint",
				Tag:     "workloads", Auth: Object("workloads:write", "id"), Request: SSHCertificateRequest{}, Response: SSHCertificateView{}, Status: http.StatusCreated,
				Handle: withBody(func(r *http.Request, req SSHCertificateRequest) (any, error) { return a.issueSSHCert(r, o, req) })},
			{Method: "GET", Path: "/v1/workloads/{id}/ssh-certificates", Summary: "The SSH certificates issued for a workload (newest first)",
				Tag: "workloads", Auth: Object("workloads:read", "id"), Response: listPage[SSHCertRecord]{},
				Handle: func(r *http.Request) (any, error) {
					cs, err := a.store.Read().SSHCertsOf(r.Context(), r.PathValue("id"), 200)
					if err != nil {
						return nil, err
					}
					return pageOf(cs, "", sshCertRecord), nil
				}},
			{Method: "DELETE", Path: "/v1/workloads/{id}/ssh-certificates/{serial}", Summary: "Revoke one SSH certificate: it enters the institution's key revocation list",
				Tag: "workloads", Auth: Object("workloads:write", "id"),
				Handle: func(r *http.Request) (any, error) {
					serial, err := strconv.ParseInt(r.PathValue("serial"), 10, 64)
					if err != nil {
						return nil, Errorf(http.StatusNotFound, "not-found", "problem.not-found.detail")
					}
					return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error {
						w, err := tx.Workloads().Get(r.Context(), r.PathValue("id"))
						if err != nil {
							return err
						}
						cs, err := tx.SSHCertsOf(r.Context(), w.ID, 1<<30)
						if err != nil {
							return err
						}
						for _, c := range cs {
							if c.Serial == serial {
								store.AuditTarget(r.Context(), "ssh-certificate", "serial:"+r.PathValue("serial")+" key:"+c.KeyFingerprint)
								return tx.RevokeSSHCert(r.Context(), w.InstitutionID, serial)
							}
						}
						return store.ErrNotFound
					})
				}},
			{Method: "GET", Path: "/v1/institutions/{id}/ssh-ca", Summary: "The institution's SSH certificate authority: the public key machines trust (TrustedUserCAKeys), made on first need",
				Tag: "tenancy", Auth: Object("institutions:read", "id"), Response: SSHCAView{},
				Handle: func(r *http.Request) (any, error) {
					id := r.PathValue("id")
					ca, err := o.CA.Authority(r.Context(), id)
					if err != nil {
						return nil, err
					}
					return SSHCAView{InstitutionID: id, PublicKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ca))),
						Fingerprint: ssh.FingerprintSHA256(ca), PrincipalPrefix: sshca.PrincipalPrefix, LoginUser: sshca.DefaultLoginUser,
						KRLPath: "/v1/institutions/" + id + "/ssh-ca/krl"}, nil
				}},
			{Method: "GET", Path: "/v1/institutions/{id}/ssh-ca/krl",
				Summary: "The key revocation list of the institution's CA in OpenSSH's KRL format (sshd RevokedKeys; ssh-keygen -Q); ?format=json lists the revoked certificates",
				Tag:     "tenancy", Auth: Object("institutions:read", "id"), Query: []string{"format"},
				Response: listPage[SSHCertRecord]{}, AltMedia: []string{"application/octet-stream"},
				Handle: func(r *http.Request) (any, error) {
					id := r.PathValue("id")
					krl, certs, err := o.CA.RevocationList(r.Context(), id)
					if err != nil {
						return nil, err
					}
					switch r.URL.Query().Get("format") {
					case "", "krl":
						return Raw{ContentType: "application/octet-stream", Filename: "soberana-" + id + ".krl", Body: krl}, nil
					case "json":
						return pageOf(certs, "", sshCertRecord), nil
					}
					return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.filter", "format", "krl, json")
				}},
		}
	})
}

func (a *API) issueSSHCert(r *http.Request, o SSHCAOptions, req SSHCertificateRequest) (any, error) {
	ctx := r.Context()
	var v model.Validator
	key, kerr := sshca.ParseUserKey(req.PublicKey)
	if kerr != nil {
		v.Add("public_key", "field.ssh_public_key")
	}
	if req.TTLSeconds < 0 || req.TTLSeconds > int(sshca.MaxTTL/time.Second) {
		v.Add("ttl_seconds", "field.ssh_ttl", int(sshca.MaxTTL/time.Second))
	}
	tx := a.store.Read()
	w, err := tx.Workloads().Get(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	ps, err := tx.PlacementsOf(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	var reps []SSHReplica
	found := false
	for _, p := range ps {
		if p.State == model.PlacementDeleted {
			continue
		}
		if req.Replica != nil && p.Replica != *req.Replica {
			continue
		}
		found = true
		rep := SSHReplica{Replica: p.Replica, State: p.State, SiteID: p.SiteID, Addresses: []string{}}
		if s, err := tx.Sites().Get(ctx, p.SiteID); err == nil {
			rep.SiteName = s.Name
		}
		if o.Addresses != nil {
			if as := o.Addresses(ctx, p); len(as) > 0 {
				rep.Addresses = as
			}
		}
		reps = append(reps, rep)
	}
	if req.Replica != nil && !found {
		v.Add("replica", "field.ssh_replica", *req.Replica, w.Replicas)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	switch w.State {
	case model.StateDeleting, model.StateDeleted, model.StateRejected, model.StateFailed:
		return nil, Errorf(http.StatusConflict, "state-conflict", "problem.ssh-state.detail", w.State)
	}
	p := principalOf(ctx)
	end, grantID, err := accessEnd(ctx, tx, p, auth.Target{Institution: w.InstitutionID, Project: w.ProjectID})
	if err != nil {
		return nil, err
	}
	name := p.Name
	if name == "" {
		name = p.ActorID()
	}
	iss, err := o.CA.Issue(ctx, sshca.IssueRequest{InstitutionID: w.InstitutionID, ProjectID: w.ProjectID, WorkloadID: w.ID,
		UserID: p.ActorID(), UserName: name, GrantID: grantID, PublicKey: key, NotAfter: end,
		TTL: time.Duration(req.TTLSeconds) * time.Second})
	if err != nil {
		return nil, err
	}
	ca := iss.Certificate.SignatureKey
	return Created{Location: "/v1/workloads/" + w.ID + "/ssh-certificates", Value: SSHCertificateView{
		Certificate: iss.Text, Serial: strconv.FormatInt(iss.Record.Serial, 10), KeyID: iss.Record.KeyID,
		KeyFingerprint: iss.Record.KeyFingerprint, Principal: iss.Record.Principal,
		ValidAfter: iss.Record.ValidAfter, ValidBefore: iss.Record.ValidBefore, LoginUser: sshca.DefaultLoginUser,
		CAPublicKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ca))), Replicas: reps,
	}}, nil
}

// accessEnd is when the caller's right to act on t ends: the latest
// expiry among the vendor grants that allow it (none when a role binding
// allows it), the grant a derived token comes from, the token's and the
// session's own expiry. grantID names the grant whose revocation must
// revoke the certificate (empty: none).
func accessEnd(ctx context.Context, tx *store.Tx, p *auth.Principal, t auth.Target) (end time.Time, grantID string, err error) {
	if p == nil {
		return end, "", auth.ErrUnauthenticated
	}
	earlier := func(e time.Time) {
		if end.IsZero() || e.Before(end) {
			end = e
		}
	}
	lasting := false
	var grantEnd time.Time
	for _, b := range p.Bindings {
		one := auth.Principal{Bindings: []auth.Binding{b}}
		if _, ok := one.Can("workloads:write", t); !ok {
			continue
		}
		id, isGrant := strings.CutPrefix(b.Via, "grant:")
		if !isGrant {
			lasting = true
			continue
		}
		g, err := tx.GrantByID(ctx, id)
		if err != nil {
			return end, "", err
		}
		if g.ExpiresAt.After(grantEnd) {
			grantEnd, grantID = g.ExpiresAt, g.ID
		}
	}
	if lasting {
		grantID = ""
	} else if !grantEnd.IsZero() {
		earlier(grantEnd)
	}
	if p.GrantID != "" {
		g, err := tx.GrantByID(ctx, p.GrantID)
		if err != nil {
			return end, "", err
		}
		earlier(g.ExpiresAt)
		grantID = g.ID
	}
	if p.TokenID != "" {
		tok, err := tx.APITokenByID(ctx, p.TokenID)
		if err != nil {
			return end, "", err
		}
		if tok.ExpiresAt != nil {
			earlier(*tok.ExpiresAt)
		}
	}
	if p.SessionID != "" {
		e, err := tx.SessionExpiry(ctx, p.SessionID)
		if err != nil {
			return end, "", err
		}
		earlier(e)
	}
	return end, grantID, nil
}

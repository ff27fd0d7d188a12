package api

import (
	"context"
	"net/http"
	"sort"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/cloudinit"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Images, SSH keys and first boot (docs/images-keys.md).

// ImageFamilyView is one operating system family and where it can boot.
type ImageFamilyView struct {
	Family string `json:"family"`
	// Simulated: only simulated providers have it.
	Simulated bool                `json:"simulated"`
	Providers []ImageProviderView `json:"providers"`
}

// ImageProviderView is a provider's image of a family, per site.
type ImageProviderView struct {
	ProviderID   string          `json:"provider_id"`
	ProviderName string          `json:"provider_name"`
	Simulated    bool            `json:"simulated"`
	Sites        []ImageSiteView `json:"sites"`
}

// ImageSiteView is the image a site boots a family from.
type ImageSiteView struct {
	SiteID    string `json:"site_id"`
	SiteName  string `json:"site_name,omitempty"`
	ImageRef  string `json:"image_ref"`
	ImageName string `json:"image_name"`
}

// NoImagesView is a provider without images, and why.
type NoImagesView struct {
	ProviderID   string `json:"provider_id"`
	ProviderName string `json:"provider_name"`
	Driver       string `json:"driver"`
	Note         string `json:"note"`
}

// ImagesPage is the answer of GET /v1/images.
type ImagesPage struct {
	Items []ImageFamilyView `json:"items"`
	// WithoutImages are the providers that boot no images (Kubernetes
	// runs apps only) or whose catalogue is empty.
	WithoutImages []NoImagesView `json:"without_images,omitempty"`
}

// SSHKeyRequest is the body of POST /v1/ssh-keys (model.SSHKeyRequest).
type SSHKeyRequest = model.SSHKeyRequest

// ReplicaBootView is the cloud-init document of one replica: the
// first-boot document rendered for it, with the replica's number and site.
type ReplicaBootView struct {
	model.ReplicaBoot
	Replica int    `json:"replica"`
	SiteID  string `json:"site_id"`
}

// AddImagesKeys registers /v1/images, /v1/ssh-keys and
// /v1/workloads/{id}/cloud-init.
func (a *API) AddImagesKeys() {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{
			{Method: "GET", Path: "/v1/images", Summary: "Image families (ubuntu-24.04, debian-12, …) and which providers and sites can boot them",
				Tag: "catalog", Auth: Any("sites:read"), Query: []string{"family"}, Response: ImagesPage{}, Handle: a.listImages},
			{Method: "POST", Path: "/v1/ssh-keys", Summary: "Add an SSH public key: yours, or a project's (project_id)", Tag: "ssh-keys",
				Auth: Any("self:write"), Request: SSHKeyRequest{}, Response: model.SSHKey{}, Status: http.StatusCreated, Handle: withBody(a.createSSHKey)},
			{Method: "GET", Path: "/v1/ssh-keys", Summary: "Your SSH keys and those of the projects where you may ask for workloads", Tag: "ssh-keys",
				Auth: Any("self:read"), Query: []string{"project_id"}, Response: listPage[model.SSHKey]{}, Handle: a.listSSHKeys},
			{Method: "GET", Path: "/v1/ssh-keys/{id}", Summary: "Get an SSH key", Tag: "ssh-keys", Auth: Any("self:read"),
				Response: model.SSHKey{}, Handle: func(r *http.Request) (any, error) {
					return a.visibleKey(r, r.PathValue("id"))
				}},
			{Method: "DELETE", Path: "/v1/ssh-keys/{id}", Summary: "Delete an SSH key (workloads already asked for keep the key they were given)", Tag: "ssh-keys",
				Auth: Any("self:write"), Status: http.StatusNoContent, Handle: a.deleteSSHKey},
			{Method: "GET", Path: "/v1/workloads/{id}/cloud-init", Summary: "The cloud-init document each replica was given at first boot, with the image it boots",
				Tag: "workloads", Auth: Object("workloads:read", "id"), Response: listPage[ReplicaBootView]{}, Handle: a.workloadCloudInit},
		}
	})
}

func (a *API) listImages(r *http.Request) (any, error) {
	ctx := r.Context()
	tx := a.store.Read()
	imgs, err := tx.Images().All(ctx)
	if err != nil {
		return nil, err
	}
	provs, err := tx.Providers().All(ctx)
	if err != nil {
		return nil, err
	}
	sites, err := tx.Sites().ByID(ctx)
	if err != nil {
		return nil, err
	}
	pn := map[string]string{}
	for _, p := range provs {
		pn[p.ID] = p.Name
	}
	want := r.URL.Query().Get("family")
	fams := map[string]*ImageFamilyView{}
	has := map[string]bool{}
	for _, im := range imgs {
		has[im.ProviderID] = true
		if want != "" && im.Family != want {
			continue
		}
		f := fams[im.Family]
		if f == nil {
			f = &ImageFamilyView{Family: im.Family, Simulated: true}
			fams[im.Family] = f
		}
		var pv *ImageProviderView
		for i := range f.Providers {
			if f.Providers[i].ProviderID == im.ProviderID {
				pv = &f.Providers[i]
			}
		}
		if pv == nil {
			f.Providers = append(f.Providers, ImageProviderView{ProviderID: im.ProviderID, ProviderName: pn[im.ProviderID], Simulated: im.Simulated})
			pv = &f.Providers[len(f.Providers)-1]
		}
		f.Simulated = f.Simulated && im.Simulated
		pv.Sites = append(pv.Sites, ImageSiteView{SiteID: im.SiteID, SiteName: sites[im.SiteID].Name, ImageRef: im.ImageRef, ImageName: im.ImageName})
	}
	out := ImagesPage{Items: []ImageFamilyView{}}
	for _, f := range fams {
		sort.Slice(f.Providers, func(i, j int) bool { return f.Providers[i].ProviderName < f.Providers[j].ProviderName })
		out.Items = append(out.Items, *f)
	}
	sort.Slice(out.Items, func(i, j int) bool { return out.Items[i].Family < out.Items[j].Family })
	lang := langOf(ctx)
	for _, p := range provs {
		if has[p.ID] {
			continue
		}
		key := "images.note.empty"
		if p.Driver == model.DriverKubernetes {
			key = "images.note.apps_only"
		}
		out.WithoutImages = append(out.WithoutImages, NoImagesView{ProviderID: p.ID, ProviderName: p.Name, Driver: p.Driver, Note: i18n.T(lang, key)})
	}
	sort.Slice(out.WithoutImages, func(i, j int) bool { return out.WithoutImages[i].ProviderName < out.WithoutImages[j].ProviderName })
	return out, nil
}

// keyOwner is who owns the keys the caller adds.
func keyOwner(p *auth.Principal) string { return p.ActorID() }

// keyVisible: the caller's own keys, and a project's keys where it may
// read workloads.
func (a *API) keyVisible(ctx context.Context, p *auth.Principal, k model.SSHKey) bool {
	if k.OwnerID == keyOwner(p) && k.OwnerID != "" {
		return true
	}
	if k.ProjectID == "" {
		return false
	}
	_, ok := p.Can("workloads:read", auth.Target{Institution: k.InstitutionID, Project: k.ProjectID})
	return ok
}

func (a *API) visibleKey(r *http.Request, id string) (model.SSHKey, error) {
	k, err := a.store.Read().SSHKeys().Get(r.Context(), id)
	if err != nil {
		return k, err
	}
	if !a.keyVisible(r.Context(), principalOf(r.Context()), k) {
		return model.SSHKey{}, Errorf(http.StatusNotFound, "not-found", "problem.not-found.detail")
	}
	return k, nil
}

func (a *API) createSSHKey(r *http.Request, req SSHKeyRequest) (any, error) {
	ctx := r.Context()
	p := principalOf(ctx)
	var v model.Validator
	if v.Required("name", req.Name) && !model.ValidSSHKeyName(req.Name) {
		v.Add("name", "sshkey.field.name", req.Name)
	}
	pk, perr := cloudinit.ParsePublicKey(req.PublicKey)
	if perr != nil {
		v.Add("public_key", "sshkey.field.not_public_key")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	k := model.SSHKey{Name: req.Name, OwnerID: keyOwner(p), PublicKey: pk.Authorized, Fingerprint: pk.Fingerprint, KeyType: pk.Type}
	if req.ProjectID != "" {
		proj, err := getRef(ctx, a.store.Read().Projects().Get, "project_id", "project", req.ProjectID)
		if err != nil {
			return nil, err
		}
		if err := AllowAt(r, "workloads:write", auth.Target{Institution: proj.InstitutionID, Project: proj.ID}); err != nil {
			return nil, err
		}
		k.ProjectID, k.InstitutionID = proj.ID, proj.InstitutionID
	}
	err := a.store.Write(ctx, func(tx *store.Tx) error {
		f := map[string]string{"name": k.Name, "project_id": k.ProjectID}
		if k.ProjectID == "" {
			f["owner_id"] = k.OwnerID
		}
		dup, err := tx.SSHKeys().List(ctx, store.ListOptions{Filters: f, Limit: 1})
		if err != nil {
			return err
		}
		if len(dup.Items) > 0 {
			var v model.Validator
			v.Add("name", "sshkey.field.name_taken", k.Name)
			return v.Err()
		}
		if err := tx.SSHKeys().Create(ctx, &k, "key"); err != nil {
			return err
		}
		store.AuditTarget(ctx, "ssh_keys", k.ID)
		auditKeyScope(ctx, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Created{Value: k, Location: "/v1/ssh-keys/" + k.ID}, nil
}

func auditKeyScope(ctx context.Context, k model.SSHKey) {
	store.PendingAuditOf(ctx).Update(func(e *model.AuditEvent) {
		if k.InstitutionID != "" {
			e.InstitutionID = k.InstitutionID
		}
		if k.ProjectID != "" {
			e.ProjectID = k.ProjectID
		}
	})
}

func (a *API) listSSHKeys(r *http.Request) (any, error) {
	o, err := ListQuery(r, []string{"project_id"})
	if err != nil {
		return nil, err
	}
	p := principalOf(r.Context())
	v := p.Visible("workloads:read")
	o.Restrict = &store.Restriction{Any: []store.In{{Column: "owner_id", Values: []string{keyOwner(p)}}}}
	if v.All {
		o.Restrict = nil
	} else {
		o.Restrict.Any = append(o.Restrict.Any, store.In{Column: "project_id", Values: v.Projects}, store.In{Column: "institution_id", Values: v.Institutions})
	}
	page, err := a.store.Read().SSHKeys().List(r.Context(), o)
	if err != nil {
		return nil, err
	}
	return listPage[model.SSHKey]{Items: page.Items, NextCursor: EncodeCursor(page.Next)}, nil
}

func (a *API) deleteSSHKey(r *http.Request) (any, error) {
	ctx := r.Context()
	k, err := a.visibleKey(r, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := principalOf(ctx)
	if k.OwnerID != keyOwner(p) {
		if err := AllowAt(r, "workloads:write", auth.Target{Institution: k.InstitutionID, Project: k.ProjectID}); err != nil {
			return nil, err
		}
	}
	err = a.store.Write(ctx, func(tx *store.Tx) error {
		store.AuditTarget(ctx, "ssh_keys", k.ID)
		auditKeyScope(ctx, k)
		return tx.SSHKeys().Delete(ctx, k.ID)
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (a *API) workloadCloudInit(r *http.Request) (any, error) {
	ctx := r.Context()
	tx := a.store.Read()
	id := r.PathValue("id")
	ps, err := tx.PlacementsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	boots, err := tx.ReplicaBootsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	by := map[string]model.ReplicaBoot{}
	for _, b := range boots {
		by[b.PlacementID] = b
	}
	out := listPage[ReplicaBootView]{Items: []ReplicaBootView{}}
	for _, p := range ps {
		if b, ok := by[p.ID]; ok {
			out.Items = append(out.Items, ReplicaBootView{ReplicaBoot: b, Replica: p.Replica, SiteID: p.SiteID})
		}
	}
	return out, nil
}

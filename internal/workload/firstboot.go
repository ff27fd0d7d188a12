package workload

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/soberana/soberana/internal/cloudinit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// FirstBootTrust adds soberana's own files and commands to every
// replica's cloud-init document of an institution's project (the SSH
// certificate authority's TrustedUserCAKeys and AuthorizedPrincipalsFile
// under /etc/ssh/sshd_config.d, and the command that reloads sshd). It is
// asked when a replica's document is first rendered.
type FirstBootTrust interface {
	FirstBoot(ctx context.Context, institutionID, projectID string) (files []cloudinit.File, runcmd []string, err error)
}

// MaxSSHKeys bounds the keys one request names.
const MaxSSHKeys = 32

func (r *CreateRequest) validateFirstBoot(v *model.Validator) {
	if r.Image != "" && !provider.ValidFamily(r.Image) {
		v.Add("image", "workload.field.image_family", r.Image)
	}
	if len(r.SSHKeys) > MaxSSHKeys {
		v.Add("ssh_keys", "workload.field.ssh_keys_count", strconv.Itoa(MaxSSHKeys), strconv.Itoa(len(r.SSHKeys)))
	}
	for i, k := range r.SSHKeys {
		v.Required(fmt.Sprintf("ssh_keys[%d]", i), k)
	}
	var ce *cloudinit.Error
	if err := cloudinit.Validate(r.UserData); errors.As(err, &ce) {
		switch ce.Problem {
		case cloudinit.TooLarge:
			v.Add("user_data", "workload.field.user_data.too_large", strconv.Itoa(len(r.UserData)), strconv.Itoa(cloudinit.MaxUserData))
		case cloudinit.BadYAML, cloudinit.BadMergedField:
			v.Add("user_data", "workload.field.user_data."+string(ce.Problem), ce.Detail)
		default:
			v.Add("user_data", "workload.field.user_data."+string(ce.Problem))
		}
	}
}

// resolveFirstBoot checks that the image family is in some provider's
// catalogue and turns the named keys into the keys the replicas will
// authorize: the caller's own or the project's, by id or by name.
func (s *Service) resolveFirstBoot(ctx context.Context, tx *store.Tx, who Actor, w *model.Workload, req CreateRequest) error {
	if w.Image != "" {
		p, err := tx.Images().List(ctx, store.ListOptions{Filters: map[string]string{"family": w.Image}, Limit: 1})
		if err != nil {
			return err
		}
		if len(p.Items) == 0 {
			fams, err := tx.ImageFamilies(ctx)
			if err != nil {
				return err
			}
			var v model.Validator
			v.Add("image", "workload.field.image_unknown", w.Image, joinOr(fams))
			return v.Err()
		}
	}
	var v model.Validator
	seen := map[string]bool{}
	for i, ref := range req.SSHKeys {
		k, err := s.findKey(ctx, tx, who, w.ProjectID, ref)
		if errors.Is(err, store.ErrNotFound) {
			v.Add(fmt.Sprintf("ssh_keys[%d]", i), "workload.field.ssh_key_unknown", ref)
			continue
		} else if err != nil {
			return err
		}
		if seen[k.ID] {
			continue
		}
		seen[k.ID] = true
		w.SSHKeys = append(w.SSHKeys, model.WorkloadKey{ID: k.ID, Name: k.Name, Fingerprint: k.Fingerprint, PublicKey: k.PublicKey})
	}
	return v.Err()
}

// findKey finds a key the caller may use in a project: its own, or one
// of the project's; by id first, then by name (the caller's own first).
func (s *Service) findKey(ctx context.Context, tx *store.Tx, who Actor, projectID, ref string) (model.SSHKey, error) {
	usable := func(k model.SSHKey) bool {
		return k.ProjectID == projectID || k.ProjectID == "" && k.OwnerID == who.ID && who.ID != ""
	}
	if k, err := tx.SSHKeys().Get(ctx, ref); err == nil && usable(k) {
		return k, nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return k, err
	}
	var found []model.SSHKey
	for _, f := range []map[string]string{{"owner_id": who.ID, "project_id": "", "name": ref}, {"project_id": projectID, "name": ref}} {
		if f["owner_id"] == "" && f["project_id"] == "" {
			continue
		}
		p, err := tx.SSHKeys().List(ctx, store.ListOptions{Filters: f, Limit: 2})
		if err != nil {
			return model.SSHKey{}, err
		}
		for _, k := range p.Items {
			if usable(k) {
				found = append(found, k)
			}
		}
		if len(found) > 0 {
			return found[0], nil
		}
	}
	return model.SSHKey{}, store.ErrNotFound
}

func joinOr(fams []string) string {
	if len(fams) == 0 {
		return "-"
	}
	sort.Strings(fams)
	out := ""
	for i, f := range fams {
		if i > 0 {
			out += ", "
		}
		out += f
	}
	return out
}

// BootSpec is what a replica boots with: the provider's image for the
// workload's family at the replica's site, and its cloud-init document.
// The document is rendered once per replica and stored; later calls (a
// retried create) return the stored one, byte for byte. Both are empty
// for a workload with no image, keys, user-data or trust to add.
func (s *Service) BootSpec(ctx context.Context, p store.PlacementRow) (image, userData string, err error) {
	// One statement reads the stored document and the workload both.
	w, stored, err := s.st.Read().BootInputs(ctx, p.ID, p.WorkloadID)
	if err != nil {
		return "", "", err
	}
	return s.bootSpec(ctx, p, w, stored)
}

// BootSpecs is BootSpec for several replicas (the new replicas the
// reconciler creates together), their inputs read in one statement:
// each one's image and document, or its error, in order.
func (s *Service) BootSpecs(ctx context.Context, ps []store.PlacementRow) (images, userData []string, errs []error) {
	images, userData, errs = make([]string, len(ps)), make([]string, len(ps)), make([]error, len(ps))
	ws, stored, err := s.st.Read().BootInputsOf(ctx, ps)
	for i, p := range ps {
		if err != nil {
			errs[i] = err
			continue
		}
		images[i], userData[i], errs[i] = s.bootSpec(ctx, p, ws[p.ID], stored[p.ID])
	}
	return images, userData, errs
}

// bootSpec is BootSpec from the replica's inputs read.
func (s *Service) bootSpec(ctx context.Context, p store.PlacementRow, w model.Workload, stored *model.ReplicaBoot) (image, userData string, err error) {
	tx := s.st.Read()
	if stored != nil {
		return stored.ImageRef, stored.CloudInit, nil
	}
	in := cloudinit.Input{UserData: w.UserData}
	for _, k := range w.SSHKeys {
		in.AuthorizedKeys = append(in.AuthorizedKeys, k.PublicKey)
	}
	if s.Trust != nil {
		if in.Files, in.RunCmd, err = s.Trust.FirstBoot(ctx, w.InstitutionID, w.ProjectID); err != nil {
			return "", "", fmt.Errorf("first-boot trust of workload %s: %w", w.ID, err)
		}
	}
	if w.Image != "" {
		im, err := tx.ImageAt(ctx, p.ProviderID, p.SiteID, w.Image)
		if errors.Is(err, store.ErrNotFound) {
			im, err = tx.ImageAt(ctx, p.ProviderID, "", w.Image)
		}
		if err != nil {
			return "", "", fmt.Errorf("image %s at site %s: %w", w.Image, p.SiteID, err)
		}
		image = im.ImageRef
	}
	if len(in.AuthorizedKeys) > 0 || in.UserData != "" || len(in.Files) > 0 || len(in.RunCmd) > 0 {
		if userData, err = cloudinit.Render(in); err != nil {
			return "", "", err
		}
	}
	if image == "" && userData == "" {
		return "", "", nil
	}
	var b model.ReplicaBoot
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		b, err = tx.PutReplicaBoot(ctx, model.ReplicaBoot{PlacementID: p.ID, WorkloadID: p.WorkloadID, ImageRef: image,
			CloudInit: userData, SHA256: cloudinit.Digest(userData), CreatedAt: tx.Now()})
		return err
	})
	if err != nil {
		return "", "", err
	}
	return b.ImageRef, b.CloudInit, nil
}

package deploy

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Forges whose webhooks start releases.
const (
	ForgeGitHub  = "github"
	ForgeGitLab  = "gitlab"
	ForgeGitea   = "gitea" // Gitea and Forgejo
	ForgeForgejo = "forgejo"
)

// Webhook errors.
var (
	// ErrSignature: the delivery is not signed with the app's secret.
	ErrSignature = errors.New("webhook: bad or missing signature")
	// ErrUnknownForge: the path names no supported forge.
	ErrUnknownForge = errors.New("webhook: unknown forge")
	// ErrPayload: the payload cannot be read.
	ErrPayload = errors.New("webhook: unreadable payload")
)

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "whsec_" + hex.EncodeToString(b), nil
}

// Sign returns the hex HMAC-SHA256 of body under secret (what GitHub puts,
// after "sha256=", in X-Hub-Signature-256, and Gitea and Forgejo in
// X-Gitea-Signature / X-Forgejo-Signature).
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Delivery is a verified webhook delivery.
type Delivery struct {
	Forge string
	// ID is the forge's delivery id (replays carry the same one).
	ID    string
	Event string
	// BodySum is the SHA-256 of the body: a replay under a fresh
	// delivery id still carries the same body.
	BodySum string
}

// Verify checks a delivery's signature (GitHub, Gitea, Forgejo: HMAC-SHA256
// of the body; GitLab: the secret token) in constant time and returns
// what identifies it. A delivery without an id is refused.
func Verify(forge, secret string, h http.Header, body []byte) (Delivery, error) {
	sum := sha256.Sum256(body)
	d := Delivery{Forge: forge, BodySum: hex.EncodeToString(sum[:])}
	if secret == "" {
		return d, ErrSignature
	}
	hmacOK := func(got string) bool {
		want := Sign(secret, body)
		return len(got) == len(want) && subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
	}
	switch forge {
	case ForgeGitHub:
		sig, ok := strings.CutPrefix(h.Get("X-Hub-Signature-256"), "sha256=")
		if !ok || !hmacOK(sig) {
			return d, ErrSignature
		}
		d.ID, d.Event = h.Get("X-GitHub-Delivery"), h.Get("X-GitHub-Event")
	case ForgeGitea, ForgeForgejo:
		sig := h.Get("X-Forgejo-Signature")
		if sig == "" {
			sig = h.Get("X-Gitea-Signature")
		}
		if !hmacOK(sig) {
			return d, ErrSignature
		}
		d.ID = firstOf(h, "X-Forgejo-Delivery", "X-Gitea-Delivery")
		d.Event = firstOf(h, "X-Forgejo-Event", "X-Gitea-Event")
	case ForgeGitLab:
		tok := h.Get("X-Gitlab-Token")
		if len(tok) != len(secret) || subtle.ConstantTimeCompare([]byte(tok), []byte(secret)) != 1 {
			return d, ErrSignature
		}
		d.ID = firstOf(h, "X-Gitlab-Event-UUID", "X-Gitlab-Webhook-UUID")
		d.Event = h.Get("X-Gitlab-Event")
	default:
		return d, ErrUnknownForge
	}
	if d.ID == "" || len(d.ID) > 200 {
		return d, fmt.Errorf("%w: no delivery id", ErrSignature)
	}
	return d, nil
}

func firstOf(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// Trigger is what a delivery asks for: a release of an image reference
// (a tag, a digest or a whole reference) from a commit. Skip is set, with
// the reason, for deliveries that start nothing (ping, branch deletion,
// another branch).
type Trigger struct {
	Image  string
	Commit string
	Skip   string
}

type payload struct {
	Ref         string `json:"ref"`
	After       string `json:"after"`
	CheckoutSHA string `json:"checkout_sha"`
	Deleted     bool   `json:"deleted"`
	Action      string `json:"action"`
	HeadCommit  *struct {
		ID string `json:"id"`
	} `json:"head_commit"`
	// GitHub "package" / "registry_package" events.
	Package *struct {
		PackageType    string `json:"package_type"`
		PackageVersion *struct {
			Version           string             `json:"version"`
			ContainerMetadata *containerMetadata `json:"container_metadata"`
		} `json:"package_version"`
		// Gitea / Forgejo "package" events.
		Type    string `json:"type"`
		Version string `json:"version"`
	} `json:"package"`
	RegistryPackage *struct {
		PackageVersion *struct {
			ContainerMetadata *containerMetadata `json:"container_metadata"`
		} `json:"package_version"`
	} `json:"registry_package"`
}

// containerMetadata is the tag of a container package version, the same
// in GitHub's "package" and "registry_package" events.
type containerMetadata struct {
	Tag *struct {
		Name   string `json:"name"`
		Digest string `json:"digest"`
	} `json:"tag"`
}

const zeroSHA = "0000000000000000000000000000000000000000"

// Parse reads what a delivery asks for. branch is the branch whose
// pushes deploy (empty: any branch); a push deploys the image tagged with
// the commit id, a tag push the image tagged with the tag, a registry
// event the pushed tag or digest.
func Parse(d Delivery, body []byte, branch string) (Trigger, error) {
	ev := strings.ToLower(d.Event)
	if ev == "ping" || ev == "system hook" {
		return Trigger{Skip: "ping"}, nil
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return Trigger{}, fmt.Errorf("%w: %w", ErrPayload, err)
	}
	switch ev {
	case "push", "push hook", "tag push hook", "create":
		commit := p.After
		if p.CheckoutSHA != "" {
			commit = p.CheckoutSHA
		}
		if p.HeadCommit != nil && p.HeadCommit.ID != "" {
			commit = p.HeadCommit.ID
		}
		if p.Deleted || commit == "" || commit == zeroSHA {
			return Trigger{Skip: "ref deleted"}, nil
		}
		if !commitRe.MatchString(commit) {
			return Trigger{}, fmt.Errorf("%w: commit %q", ErrPayload, commit)
		}
		switch {
		case strings.HasPrefix(p.Ref, "refs/tags/"):
			tag := strings.TrimPrefix(p.Ref, "refs/tags/")
			if !tagRe.MatchString(tag) {
				return Trigger{}, fmt.Errorf("%w: tag %q is not an image tag", ErrPayload, tag)
			}
			return Trigger{Image: tag, Commit: commit}, nil
		case strings.HasPrefix(p.Ref, "refs/heads/"):
			if b := strings.TrimPrefix(p.Ref, "refs/heads/"); branch != "" && b != branch {
				return Trigger{Skip: "branch " + b}, nil
			}
			return Trigger{Image: commit, Commit: commit}, nil
		}
		return Trigger{Skip: "ref " + p.Ref}, nil
	case "package", "registry_package":
		if p.Action != "" && p.Action != "published" && p.Action != "created" && p.Action != "updated" {
			return Trigger{Skip: "package " + p.Action}, nil
		}
		var name, digest string
		if p.RegistryPackage != nil && p.RegistryPackage.PackageVersion != nil && p.RegistryPackage.PackageVersion.ContainerMetadata != nil && p.RegistryPackage.PackageVersion.ContainerMetadata.Tag != nil {
			name, digest = p.RegistryPackage.PackageVersion.ContainerMetadata.Tag.Name, p.RegistryPackage.PackageVersion.ContainerMetadata.Tag.Digest
		} else if p.Package != nil {
			if v := p.Package.PackageVersion; v != nil && v.ContainerMetadata != nil && v.ContainerMetadata.Tag != nil {
				name, digest = v.ContainerMetadata.Tag.Name, v.ContainerMetadata.Tag.Digest
			} else if p.Package.Type == "container" || p.Package.PackageType == "" {
				name = p.Package.Version
			}
		}
		switch {
		case digestRe.MatchString(digest):
			return Trigger{Image: digest}, nil
		case tagRe.MatchString(name):
			return Trigger{Image: name}, nil
		}
		return Trigger{}, fmt.Errorf("%w: package event without a container tag or digest", ErrPayload)
	}
	return Trigger{Skip: "event " + d.Event}, nil
}

// WebhookResult is the answer to a delivery.
type WebhookResult struct {
	Delivery string         `json:"delivery"`
	Skipped  string         `json:"skipped,omitempty"`
	Release  *model.Release `json:"release,omitempty"`
}

// Webhook verifies a delivery for app against the app's secret, refuses a
// replay (the same delivery id, or the same body under another id), and
// queues the release the delivery asks for. branch limits branch pushes.
func (s *Service) Webhook(ctx context.Context, forge, appID string, h http.Header, body []byte, branch string) (WebhookResult, error) {
	app, err := s.st.Read().Apps().Get(ctx, appID)
	if err != nil {
		// Answer as for a bad signature: do not reveal which apps exist.
		if errors.Is(err, store.ErrNotFound) {
			return WebhookResult{}, ErrSignature
		}
		return WebhookResult{}, err
	}
	secret, err := s.WebhookSecret(ctx, app)
	if err != nil {
		return WebhookResult{}, err
	}
	d, err := Verify(forge, secret, h, body)
	if err != nil {
		return WebhookResult{}, err
	}
	if s.MayRelease != nil {
		if err := s.MayRelease(ctx, app); err != nil {
			return WebhookResult{}, err
		}
	}
	res := WebhookResult{Delivery: d.ID}
	tr, err := Parse(d, body, branch)
	if err != nil {
		return res, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		relID := ""
		if tr.Skip == "" {
			rel, err := s.createRelease(ctx, tx, "webhook:"+forge, SourceWebhook, app.ID, ReleaseRequest{Image: tr.Image, Commit: tr.Commit}, "")
			if err != nil {
				return err
			}
			res.Release, relID = &rel, rel.ID
		}
		if err := tx.RecordDelivery(ctx, forge, d.ID, app.ID, relID); err != nil {
			return err
		}
		return tx.RecordDelivery(ctx, forge, "sha256:"+d.BodySum, app.ID, relID)
	})
	if err != nil {
		return WebhookResult{}, err
	}
	res.Skipped = tr.Skip
	if res.Release != nil && s.Kick != nil {
		s.Kick()
	}
	return res, nil
}

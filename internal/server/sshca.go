package server

import (
	"context"
	"errors"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/cloudinit"
	"github.com/soberana/soberana/internal/sshca"
)

// SSHCA returns the institutions' SSH certificate authority (vendor
// access by short-lived certificates; docs/ssh-access.md).
func (s *Server) SSHCA() *sshca.Service {
	if s.sshCA == nil {
		s.sshCA = sshca.New(s.Store, func() sshca.Box {
			if b := s.Secrets(); b != nil {
				return b
			}
			return nil
		})
	}
	return s.sshCA
}

// wireSSHCA adds the SSH certificate routes. Replica addresses come from
// the provider drivers once they report them (issue #18, item 3).
func (s *Server) wireSSHCA() {
	s.API.AddSSHCA(api.SSHCAOptions{CA: s.SSHCA()})
	s.Workloads.Trust = caTrust{s.SSHCA()}
}

// caTrust puts the institution's SSH CA trust into every machine's first
// boot (workload.FirstBootTrust): the CA key, the sshd drop-in and the
// project's principal (docs/ssh-access.md).
type caTrust struct{ ca *sshca.Service }

func (t caTrust) FirstBoot(ctx context.Context, institutionID, projectID string) ([]cloudinit.File, []string, error) {
	files, runcmd, err := t.ca.FirstBoot(ctx, institutionID, projectID)
	if errors.Is(err, sshca.ErrNoSecretsKey) {
		// No secrets key, no CA: machines boot without certificate
		// logins (serve refuses to start without a key; tests may run
		// without one).
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	out := make([]cloudinit.File, len(files))
	for i, f := range files {
		out[i] = cloudinit.File{Path: f.Path, Content: f.Content, Permissions: f.Permissions}
	}
	return out, runcmd, nil
}

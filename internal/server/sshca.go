package server

import (
	"github.com/soberana/soberana/internal/api"
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
}

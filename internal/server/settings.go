package server

import "os"

// getenv answers the settings that were once read from the environment
// only (OIDC, mutual TLS, the webhook branch, …): the loaded
// configuration first — the config file, with SOBERANA_* variables
// already applied by config.LoadEnv — then the process environment, for
// configurations built in code without LoadEnv.
func (s *Server) getenv(name string) string {
	if v := s.cfg.Lookup(name); v != "" {
		return v
	}
	return os.Getenv(name)
}

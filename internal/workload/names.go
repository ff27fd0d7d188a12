package workload

// siteName is a site's name for timelines and replica reasons (its id
// when unknown): people read names; ids stay in the JSON fields.
func (s *Service) siteName(id string) string {
	if st, ok := s.fleet.Site(id); ok && st.Name != "" {
		return st.Name
	}
	return id
}

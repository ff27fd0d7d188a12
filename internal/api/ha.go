package api

// SetFlowKey replaces the per-process key that signs OIDC flow cookies
// with one shared by every replica on the database, so that a sign-in
// started on one replica finishes on another behind a load balancer.
func (a *API) SetFlowKey(key []byte) {
	if len(key) >= 32 {
		a.flow = flowCodec{key: append([]byte(nil), key...)}
	}
}

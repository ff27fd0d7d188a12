package edge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/edge"
)

// TestRevokedHeartbeatIsToldWhy: through the real broker, an agent whose
// credential was revoked hears why its heartbeats are refused, in the
// language it named, and its site is not heard; an agent in good standing
// is never answered, and a forged subcloud hears it is unknown.
func TestRevokedHeartbeatIsToldWhy(t *testing.T) {
	t.Parallel()
	url, s, ctx, res := natsFixture(t, 3)
	revoked, good, forged := res.Subclouds[0], res.Subclouds[1], res.Subclouds[2]
	if _, err := s.Read().Exec(ctx, "UPDATE subclouds SET revoked_at = 1 WHERE id = ?", revoked.ID); err != nil {
		t.Fatal(err)
	}
	sk := &sink{obs: map[string][]bool{}}
	tr := edge.NewTracker(s, sk, nil)
	nc := connect(t, url, "soberana-test-tracker")
	go func() { _ = tr.Run(ctx, nc, time.Hour) }()
	for { // the tracker is subscribed once it has read the credentials
		if _, rej := tr.Counts(); rej != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	told := make(chan edge.Rejection, 16)
	goodTold := make(chan edge.Rejection, 16)
	agents := []*edge.Agent{
		{Cred: edge.Credential{ID: revoked.ID, PrivateKey: revoked.PrivateKey}, Lang: "es", OnReject: func(r edge.Rejection) { told <- r }},
		{Cred: edge.Credential{ID: good.ID, PrivateKey: good.PrivateKey}, Lang: "pt-BR", OnReject: func(r edge.Rejection) { goodTold <- r }},
		// Signed with a real key, under a name soberana never imported.
		{Cred: edge.Credential{ID: "sc_forged", PrivateKey: forged.PrivateKey}, Lang: "en", OnReject: func(r edge.Rejection) { told <- r }},
	}
	go func() { _ = edge.RunAgents(ctx, url, agents, 50*time.Millisecond) }()
	want := map[string]string{edge.RejectRevoked: "revocada", edge.RejectUnknown: "does not know subcloud sc_forged"}
	for len(want) > 0 {
		select {
		case r := <-told:
			if w, ok := want[r.Reason]; ok {
				if !strings.Contains(r.Message, w) {
					t.Fatalf("%s answer %q lacks %q", r.Reason, r.Message, w)
				}
				delete(want, r.Reason)
			}
		case r := <-goodTold:
			t.Fatalf("a good heartbeat was answered: %+v", r)
		case <-time.After(time.Minute):
			t.Fatalf("no answer for %v within a minute", want)
		}
	}
	tr.Tick(ctx)
	sk.mu.Lock()
	defer sk.mu.Unlock()
	if got := sk.obs[revoked.SiteID]; len(got) != 1 || got[0] {
		t.Fatalf("revoked site observed %v, want one missed interval", got)
	}
	if got := sk.obs[good.SiteID]; len(got) != 1 || !got[0] {
		t.Fatalf("good site observed %v, want heard", got)
	}
	select {
	case r := <-goodTold:
		t.Fatalf("a good heartbeat was answered: %+v", r)
	default:
	}
}

package model

import (
	"testing"
	"time"
)

func TestGrantStateAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	revoked := now.Add(-time.Hour)
	for _, c := range []struct {
		g    Grant
		want GrantState
	}{
		{Grant{ExpiresAt: now.Add(time.Minute)}, LifetimeActive},
		{Grant{ExpiresAt: now}, LifetimeExpired}, // the expiry instant is already past
		{Grant{ExpiresAt: now.Add(-time.Minute)}, LifetimeExpired},
		{Grant{ExpiresAt: now.Add(time.Minute), RevokedAt: &revoked}, LifetimeRevoked},
		{Grant{ExpiresAt: now.Add(-time.Minute), RevokedAt: &revoked}, LifetimeRevoked},
	} {
		if got := c.g.StateAt(now); got != c.want {
			t.Errorf("grant expiring %v revoked %v: %s, want %s", c.g.ExpiresAt, c.g.RevokedAt, got, c.want)
		}
	}
}

func TestSessionStateAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		s    Session
		want SessionState
	}{
		{Session{ExpiresAt: now.Add(time.Minute)}, LifetimeActive},
		{Session{ExpiresAt: now}, LifetimeExpired},
		{Session{ExpiresAt: now.Add(time.Minute), Revoked: true}, LifetimeRevoked},
		{Session{ExpiresAt: now.Add(-time.Minute), Revoked: true}, LifetimeRevoked},
	} {
		if got := c.s.StateAt(now); got != c.want {
			t.Errorf("session expiring %v revoked %v: %s, want %s", c.s.ExpiresAt, c.s.Revoked, got, c.want)
		}
	}
}

// TestIdentityTransitionTables: every state has a row, every target is a
// state, the final states are final and nothing returns to active.
func TestIdentityTransitionTables(t *testing.T) {
	t.Parallel()
	checkTable(t, "lifetime", Lifetimes, LifetimeTransitions, LifetimeActive, LifetimeRevoked)
	for _, k := range GrantChangeKinds {
		if k != GrantChangeCreated && !LifetimeTransitions.Allows(LifetimeActive, k.State()) {
			t.Errorf("a %s change moves an active grant to %s, which the table forbids", k, k.State())
		}
	}
	if LifetimeTransitions.Allows(LifetimeRevoked, LifetimeActive) || LifetimeTransitions.Allows(LifetimeExpired, LifetimeActive) || !LifetimeTransitions.Allows(LifetimeExpired, LifetimeRevoked) {
		t.Error("grant table: an ended grant never returns; an expired one may still be revoked")
	}
	if LifetimeTransitions.Allows(LifetimeRevoked, LifetimeActive) || LifetimeTransitions.Allows(LifetimeExpired, LifetimeActive) {
		t.Error("session table: an ended session never returns")
	}
}

func checkTable[S ~string](t *testing.T, what string, states []S, table map[S][]S, start, final S) {
	t.Helper()
	known := map[S]bool{}
	for _, s := range states {
		known[s] = true
		if _, ok := table[s]; !ok {
			t.Errorf("%s state %s has no row in the transition table", what, s)
		}
	}
	for from, tos := range table {
		if !known[from] {
			t.Errorf("%s transition table has unknown state %s", what, from)
		}
		for _, to := range tos {
			if !known[to] {
				t.Errorf("%s %s → unknown state %s", what, from, to)
			}
			if to == start {
				t.Errorf("%s %s → %s: nothing returns to the start state", what, from, to)
			}
		}
	}
	if len(table[final]) != 0 {
		t.Errorf("%s state %s is final but moves to %v", what, final, table[final])
	}
}

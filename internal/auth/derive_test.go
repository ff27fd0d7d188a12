package auth

import (
	"errors"
	"slices"
	"testing"
)

// TestActionsVocabulary: the vocabulary holds every action a role names,
// and no verb nobody uses (so that refusals name real permissions).
func TestActionsVocabulary(t *testing.T) {
	t.Parallel()
	acts := Actions()
	for _, want := range []string{"workloads:approve", "budget-lines:write", "orders:read", "users:write", "self:read"} {
		if !slices.Contains(acts, want) {
			t.Errorf("%s missing from %v", want, acts)
		}
	}
	for _, bad := range []string{"budget-lines:approve", "projects:approve", "*:read"} {
		if slices.Contains(acts, bad) {
			t.Errorf("%s in the vocabulary", bad)
		}
	}
	var e *EscalationError
	admin := &Principal{Bindings: []Binding{{Role: RoleInstitutionAdmin, Scope: Scope{Kind: Institution, ID: "ins_a"}}}}
	err := admin.HoldsRole(RoleFinanceOfficer, Institution, Target{Institution: "ins_a"})
	if !errors.As(err, &e) || e.Action != "budget-lines:write" || !errors.Is(err, ErrForbidden) {
		t.Fatalf("institution admin giving finance-officer: %v", err)
	}
}

// TestIntersect: a derived credential holds the meet of its own scope and
// its maker's, with its role held within its maker's.
func TestIntersect(t *testing.T) {
	t.Parallel()
	own := []Binding{{Role: RoleFinanceOfficer, Scope: Scope{Kind: Institution, ID: "ins_a"}, Via: "token:tok_1"}}
	maker := []Binding{
		{Role: RoleInstitutionAdmin, Scope: Scope{Kind: Institution, ID: "ins_a"}},
		{Role: RoleDeveloper, Scope: Scope{Kind: Project, ID: "prj_b"}, Institution: "ins_b"},
	}
	got := Intersect(own, maker)
	if len(got) != 1 || !slices.Equal(got[0].Within, []string{RoleInstitutionAdmin}) {
		t.Fatalf("intersection %+v", got)
	}
	p := &Principal{Bindings: got}
	if _, ok := p.Can("budget-lines:write", Target{Institution: "ins_a"}); ok {
		t.Fatal("a finance-officer token made by an institution admin writes budget lines")
	}
	if _, ok := p.Can("budget-lines:read", Target{Institution: "ins_a"}); !ok {
		t.Fatal("what both roles allow is denied")
	}
	if p.ActsAs(RoleFinanceOfficer, Target{Institution: "ins_a"}) {
		t.Fatal("a diminished finance officer approves spending")
	}
	// A platform maker narrows nothing; a project maker narrows the scope.
	pa := Intersect(own, []Binding{{Role: RolePlatformAdmin, Scope: PlatformScope}})
	if len(pa) != 1 || len(pa[0].Within) != 0 || pa[0].Scope.ID != "ins_a" {
		t.Fatalf("under a platform admin: %+v", pa)
	}
	dev := []Binding{{Role: RoleDeveloper, Scope: Scope{Kind: Institution, ID: "ins_a"}}}
	np := Intersect(dev, []Binding{{Role: RoleDeveloper, Scope: Scope{Kind: Project, ID: "prj_a"}, Institution: "ins_a"}})
	if len(np) != 1 || np[0].Scope.ID != "prj_a" || len(np[0].Within) != 0 {
		t.Fatalf("institution token under a project grant: %+v", np)
	}
	if len(Intersect(dev, nil)) != 0 {
		t.Fatal("a maker with no roles left leaves the token something")
	}
}

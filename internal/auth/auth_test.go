package auth

import (
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	DefaultArgon2.Memory = 8 * 1024 // keep the unit test quick; the format carries the cost
	defer func() { DefaultArgon2.Memory = 64 * 1024 }()
	h, err := HashPassword("correct horse battery")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=3,p=4$") {
		t.Fatalf("hash %q %v", h, err)
	}
	if !VerifyPassword(h, "correct horse battery") || VerifyPassword(h, "correct horse batterz") {
		t.Fatal("verify")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("no salt")
	}
	if _, err := HashPassword("short"); err != ErrWeakPassword {
		t.Fatal("short password accepted")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=8,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=3,p=4$AA$AA", strings.Replace(h, "t=3", "t=0", 1)} {
		if VerifyPassword(bad, "x") {
			t.Fatalf("accepted %q", bad)
		}
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{{"*", "x:y", true}, {"*:read", "audit:read", true}, {"*:read", "audit:write", false}, {"sites:*", "sites:write", true},
		{"sites:*", "prices:write", false}, {"projects:read", "projects:read", true}} {
		if matchAction(c.pattern, c.action) != c.want {
			t.Errorf("%s ~ %s", c.pattern, c.action)
		}
	}
	p := &Principal{Bindings: []Binding{{Role: RoleInstitutionAdmin, Scope: Scope{Kind: Institution, ID: "ins_a"}}}}
	if _, err := p.DecideObject("projects:write", Target{Institution: "ins_a", Project: "prj_1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DecideObject("projects:write", Target{Institution: "ins_b", Project: "prj_2"}); err != ErrHidden {
		t.Fatalf("another institution: %v", err)
	}
	if _, err := p.DecideObject("budget-lines:write", Target{Institution: "ins_a"}); err != ErrForbidden {
		t.Fatalf("not allowed in own scope: %v", err)
	}
	if _, err := p.DecideObject("sites:write", Target{Provider: "prv_1"}); err != ErrForbidden {
		t.Fatalf("catalog object: %v", err)
	}
	var nobody *Principal
	if _, err := nobody.DecideAt("projects:read", Target{}); err != ErrUnauthenticated {
		t.Fatal(err)
	}
	v := p.Visible("projects:read")
	if v.All || len(v.Institutions) != 1 {
		t.Fatalf("visible: %+v", v)
	}
}

func TestNarrow(t *testing.T) {
	t.Parallel()
	bs := []Binding{
		{Role: RoleInstitutionAdmin, Scope: Scope{Kind: Institution, ID: "ins_a"}},
		{Role: RoleDeveloper, Scope: Scope{Kind: Project, ID: "prj_b1"}, Institution: "ins_b"},
		{Role: RoleAuditor, Scope: PlatformScope},
	}
	got := Narrow(bs, Scope{Kind: Project, ID: "prj_a1"}, "ins_a")
	if len(got) != 1 || got[0].Role != RoleInstitutionAdmin || got[0].Scope.ID != "prj_a1" {
		t.Fatalf("narrowed to a project: %+v", got)
	}
	got = Narrow(bs, Scope{Kind: Institution, ID: "ins_b"}, "")
	if len(got) != 2 {
		t.Fatalf("narrowed to an institution: %+v", got)
	}
}

func TestSourceAllowed(t *testing.T) {
	t.Parallel()
	if !SourceAllowed(nil, "198.51.100.1") || !SourceAllowed([]string{"198.51.100.0/24"}, "198.51.100.9") ||
		SourceAllowed([]string{"198.51.100.0/24"}, "203.0.113.1") || SourceAllowed([]string{"10.0.0.0/8"}, "not-an-ip") ||
		!SourceAllowed([]string{"2001:db8::/32"}, "2001:db8::1") || !SourceAllowed([]string{"192.0.2.1/32"}, "::ffff:192.0.2.1") {
		t.Fatal("allowlist")
	}
}

func TestRoleMapping(t *testing.T) {
	t.Parallel()
	if r, s, err := ParseRoleMapping("institution-admin@institution:ins_1"); err != nil || r != RoleInstitutionAdmin || s.ID != "ins_1" {
		t.Fatal(err)
	}
	for _, bad := range []string{"auditor@institution:ins_1", "platform-admin@platform:x", "nobody@platform", "developer"} {
		if _, _, err := ParseRoleMapping(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

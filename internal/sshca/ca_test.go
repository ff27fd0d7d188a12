package sshca_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/sshca"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// newService returns a CA service over st with a fresh secrets key.
func newService(t testing.TB, st *store.Store) *sshca.Service {
	t.Helper()
	box := storetest.Box(t, st, "t1")
	return sshca.New(st, func() sshca.Box { return box })
}

func userKey(t testing.TB) (ssh.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k, priv
}

func TestMachineFiles(t *testing.T) {
	t.Parallel()
	k, _ := userKey(t)
	files, runcmd := sshca.Machine(sshca.Layout{}, k, "prj_1")
	byPath := map[string]sshca.File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	conf := byPath[sshca.SSHDConfigPath].Content
	for _, want := range []string{"TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub", "AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u"} {
		if !strings.Contains(conf, want) {
			t.Errorf("sshd config lacks %q:\n%s", want, conf)
		}
	}
	if got := byPath["/etc/ssh/soberana_principals/soberana"].Content; got != "soberana-p-prj_1\n" {
		t.Errorf("principals file = %q", got)
	}
	ca, _, _, _, err := ssh.ParseAuthorizedKey([]byte(byPath[sshca.CAKeyPath].Content))
	if err != nil || string(ca.Marshal()) != string(k.Marshal()) {
		t.Errorf("CA file does not hold the CA key: %v", err)
	}
	if byPath[sshca.SudoersPath].Permissions != "0440" || len(runcmd) != 2 {
		t.Errorf("sudoers %+v, runcmd %q", byPath[sshca.SudoersPath], runcmd)
	}
}

func TestIssueBoundsAndKRL(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return now })
		svc := newService(t, st)
		key, _ := userKey(t)
		iss, err := svc.Issue(ctx, sshca.IssueRequest{InstitutionID: "ins_1", ProjectID: "prj_1", WorkloadID: "wl_1",
			UserID: "usr_1", UserName: "vendor@example.org", PublicKey: key})
		if err != nil {
			t.Fatal(err)
		}
		c := iss.Certificate
		if got := time.Duration(c.ValidBefore-c.ValidAfter) * time.Second; got != sshca.MaxTTL {
			t.Errorf("window = %s, want %s", got, sshca.MaxTTL)
		}
		if len(c.ValidPrincipals) != 1 || c.ValidPrincipals[0] != "soberana-p-prj_1" || c.CertType != ssh.UserCert {
			t.Errorf("principals %q type %d", c.ValidPrincipals, c.CertType)
		}
		if !strings.Contains(c.KeyId, "vendor@example.org") || c.Serial == 0 {
			t.Errorf("key id %q serial %d", c.KeyId, c.Serial)
		}
		// The CA verifies its own certificate.
		ca, err := svc.Authority(ctx, "ins_1")
		if err != nil {
			t.Fatal(err)
		}
		if string(c.SignatureKey.Marshal()) != string(ca.Marshal()) {
			t.Error("certificate not signed by the institution's CA")
		}
		// The grant's end bounds the validity; a past end refuses.
		end := now.Add(20 * time.Minute)
		iss2, err := svc.Issue(ctx, sshca.IssueRequest{InstitutionID: "ins_1", ProjectID: "prj_1", WorkloadID: "wl_1",
			UserID: "usr_1", UserName: "v", PublicKey: key, NotAfter: end})
		if err != nil || int64(iss2.Certificate.ValidBefore) != end.Unix() {
			t.Fatalf("bounded: %v %d want %d", err, iss2.Certificate.ValidBefore, end.Unix())
		}
		if _, err := svc.Issue(ctx, sshca.IssueRequest{InstitutionID: "ins_1", ProjectID: "prj_1", WorkloadID: "wl_1",
			UserID: "usr_1", PublicKey: key, NotAfter: now}); !errors.Is(err, sshca.ErrAccessEnded) {
			t.Fatalf("ended access: %v", err)
		}
		// Another institution has another CA.
		ca2, err := svc.Authority(ctx, "ins_2")
		if err != nil || string(ca2.Marshal()) == string(ca.Marshal()) {
			t.Fatalf("second CA: %v", err)
		}
		// Another secrets key cannot open the sealed CA key.
		ca1again, err := newService(t, st).Authority(ctx, "ins_1")
		if err == nil {
			t.Fatalf("a different secrets key opened the CA key: %s", ssh.FingerprintSHA256(ca1again))
		}
		// Revocation: the KRL names the revoked serial.
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RevokeSSHCert(ctx, "ins_1", iss.Record.Serial) }); err != nil {
			t.Fatal(err)
		}
		krl, revoked, err := svc.RevocationList(ctx, "ins_1")
		if err != nil || len(revoked) != 1 || revoked[0].Serial != iss.Record.Serial {
			t.Fatalf("revoked %v %v", revoked, err)
		}
		checkKRL(t, krl, iss.Text, true)
		checkKRL(t, krl, iss2.Text, false)
	})
}

// checkKRL asks OpenSSH's ssh-keygen whether the KRL revokes cert.
func checkKRL(t *testing.T, krl []byte, cert string, revoked bool) {
	t.Helper()
	kg, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Log("ssh-keygen absent: KRL not checked with OpenSSH (apt-get install openssh-client)")
		return
	}
	dir := t.TempDir()
	kf, cf := filepath.Join(dir, "krl"), filepath.Join(dir, "c-cert.pub")
	if err := os.WriteFile(kf, krl, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cf, []byte(cert+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(kg, "-Q", "-f", kf, cf).CombinedOutput()
	got := err != nil && strings.Contains(string(out), "REVOKED")
	if got != revoked {
		t.Errorf("ssh-keygen -Q says %q (err %v), want revoked=%v", out, err, revoked)
	}
}

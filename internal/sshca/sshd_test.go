package sshca_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/sshca"
	"github.com/soberana/soberana/internal/sshca/sshdtest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestRealOpenSSH logs in to a real sshd configured exactly as soberana's
// first boot configures a machine: a certificate for the machine's
// project logs in and runs a command; one for another project, an
// expired one and (with RevokedKeys) a revoked one are refused.
func TestRealOpenSSH(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	svc := newService(t, st)
	ca, err := svc.Authority(ctx, "ins_1")
	if err != nil {
		t.Fatal(err)
	}
	krlPath := filepath.Join(t.TempDir(), "krl")
	empty, _, err := svc.RevocationList(ctx, "ins_1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(krlPath, empty, 0o644); err != nil {
		t.Fatal(err)
	}
	peer := sshdtest.Start(t, ca, "prj_a", sshdtest.Options{Extra: "RevokedKeys " + krlPath})
	key, priv := userKey(t)
	issue := func(project string) sshca.Issued {
		t.Helper()
		iss, err := svc.Issue(ctx, sshca.IssueRequest{InstitutionID: "ins_1", ProjectID: project, WorkloadID: "wl_1",
			UserID: "usr_v", UserName: "vendor@example.org", PublicKey: key})
		if err != nil {
			t.Fatal(err)
		}
		return iss
	}

	good := issue("prj_a")
	out, err := peer.Run(good.Certificate, priv, "echo soberana-ok")
	if err != nil || strings.TrimSpace(out) != "soberana-ok" {
		t.Fatalf("certificate for the machine's project: %q %v\n%s", out, err, peer.Log())
	}
	if !peer.WaitLog(`Accepted certificate ID "vendor@example.org`) {
		t.Errorf("sshd did not log the certificate's key id naming the user:\n%s", peer.Log())
	}

	other := issue("prj_b")
	if out, err := peer.Run(other.Certificate, priv, "echo no"); err == nil {
		t.Fatalf("a certificate for another project logged in: %q", out)
	}
	if !peer.WaitLog("Certificate does not contain an authorized principal") {
		t.Errorf("sshd refused the other project's certificate for another reason:\n%s", peer.Log())
	}

	// Expired: issued with the clock two hours back, so that it ended an
	// hour ago.
	st.SetClock(func() time.Time { return time.Now().Add(-2 * time.Hour) })
	old := issue("prj_a")
	st.SetClock(time.Now)
	if out, err := peer.Run(old.Certificate, priv, "echo no"); err == nil {
		t.Fatalf("an expired certificate logged in: %q", out)
	}
	if !peer.WaitLog("Certificate invalid: expired") {
		t.Errorf("sshd refused the expired certificate for another reason:\n%s", peer.Log())
	}

	// Revoked: the KRL served to operators, given to sshd as RevokedKeys.
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RevokeSSHCert(ctx, "ins_1", good.Record.Serial) }); err != nil {
		t.Fatal(err)
	}
	krl, _, err := svc.RevocationList(ctx, "ins_1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(krlPath, krl, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := peer.Run(good.Certificate, priv, "echo no"); err == nil {
		t.Fatalf("a revoked certificate logged in: %q", out)
	}
	if !peer.WaitLog("revoked by file") {
		t.Errorf("sshd refused the revoked certificate for another reason:\n%s", peer.Log())
	}
	fresh := issue("prj_a")
	if out, err := peer.Run(fresh.Certificate, priv, "echo again"); err != nil || strings.TrimSpace(out) != "again" {
		t.Fatalf("a fresh certificate after another's revocation: %q %v", out, err)
	}
	if testing.Verbose() {
		t.Logf("sshd log:\n%s", peer.Log())
	}
}

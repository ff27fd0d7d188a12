package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/sshca/sshdtest"
)

// TestVendorSSHAccess is issue #18's real OpenSSH test through the whole
// server: sshd configured exactly as a machine's first boot configures it
// trusts the institution's CA; a vendor with a live grant gets a
// certificate (bounded by the grant, audited with serial and key
// fingerprint) that logs in and runs a command, through the API and
// through `soberana ssh`; a certificate whose grant expired is refused;
// after the grant is revoked no certificate is issued (localized
// problem) and the KRL revokes the ones issued.
func TestVendorSSHAccess(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	b := tb{t, h}
	mine, prj, ins := b.demoProject()
	w := b.must(201, servertest.AdminToken, "POST", "/v1/workloads", b.workloadBody(mine, b.offering("SCS-1V-2-20s"), 1))
	wid := w["id"].(string)
	b.running(wid)
	vendorID, vendor := b.user("ops@vendor.example")
	_, admin := b.user("admin@inst.example", [3]string{"institution-admin", "institution", ins})
	grantExp := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Second)
	g := b.must(201, admin, "POST", "/v1/grants", map[string]any{"project_id": prj, "user_id": vendorID, "role": "developer",
		"expires_at": grantExp, "reason": "maintenance window"})

	caView := b.must(200, admin, "GET", "/v1/institutions/"+ins+"/ssh-ca", nil)
	ca, _, _, _, err := ssh.ParseAuthorizedKey([]byte(caView["public_key"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	krlPath := filepath.Join(t.TempDir(), "krl")
	writeKRL(t, h, admin, ins, krlPath)
	peer := sshdtest.Start(t, ca, prj, sshdtest.Options{Extra: "RevokedKeys " + krlPath})

	keyDir := t.TempDir()
	keyPath, pubLine, priv := writeKey(t, keyDir)
	issued := b.must(201, vendor, "POST", "/v1/workloads/"+wid+"/ssh-certificates", map[string]any{"public_key": pubLine})
	cert := parseCert(t, issued["certificate"].(string))
	if cert.ValidPrincipals[0] != "soberana-p-"+prj || len(cert.ValidPrincipals) != 1 {
		t.Errorf("principals %q", cert.ValidPrincipals)
	}
	if cert.ValidBefore-cert.ValidAfter > 3600 || int64(cert.ValidBefore) > grantExp.Unix() {
		t.Errorf("validity %d..%d, grant ends %d", cert.ValidAfter, cert.ValidBefore, grantExp.Unix())
	}
	if !strings.Contains(cert.KeyId, "ops@vendor.example") {
		t.Errorf("key id %q does not name the user", cert.KeyId)
	}
	if out, err := peer.Run(cert, priv, "echo vendor-in"); err != nil || strings.TrimSpace(out) != "vendor-in" {
		t.Fatalf("login with the vendor's certificate: %q %v\n%s", out, err, peer.Log())
	}

	// Audited with the serial and the key's fingerprint, through the grant.
	want := fmt.Sprintf("serial:%s key:%s", issued["serial"], ssh.FingerprintSHA256(cert.Key))
	evs := b.must(200, admin, "GET", "/v1/audit?action=ssh-certificate.issue", nil)
	found := false
	for _, e := range evs["items"].([]any) {
		e := e.(map[string]any)
		found = found || (e["target_id"] == want && e["actor_id"] == vendorID && e["via"] == "grant:"+g["id"].(string))
	}
	if !found {
		t.Errorf("no audit event %q by %s via the grant in %v", want, vendorID, evs["items"])
	}

	// Bad input: a localized 422 that names the field.
	if code, p := b.call(vendor, "POST", "/v1/workloads/"+wid+"/ssh-certificates", map[string]any{"public_key": "hello"}, "es"); code != 422 ||
		!strings.Contains(fmt.Sprint(p), "clave pública SSH") {
		t.Errorf("bad key: %d %v", code, p)
	}

	// The `soberana ssh` code path: the real ssh client with the
	// certificate written next to the key.
	if _, err := exec.LookPath("ssh"); err == nil {
		var out, errb bytes.Buffer
		env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": vendor, "LANG": "en", "HOME": keyDir}
		code := cli.RunEnv(context.Background(), []string{"ssh", wid, "--identity", keyPath, "--address", peer.Addr, "--user", peer.User,
			"--ssh-option", "UserKnownHostsFile=" + peer.KnownHosts, "--ssh-option", "GlobalKnownHostsFile=/dev/null", "--ssh-option", "StrictHostKeyChecking=yes",
			"--ssh-option", "BatchMode=yes", "--", "echo", "via-cli"}, &out, &errb, func(k string) string { return env[k] })
		if code != 0 || strings.TrimSpace(out.String()) != "via-cli" {
			t.Fatalf("soberana ssh: code %d, out %q, err %q\n%s", code, out.String(), errb.String(), peer.Log())
		}
		if _, err := os.Stat(keyPath + "-cert.pub"); err != nil {
			t.Errorf("the certificate was not written next to the key: %v", err)
		}
		out.Reset()
		if code := cli.RunEnv(context.Background(), []string{"ssh", wid, "--identity", keyPath, "--print"}, &out, &errb,
			func(k string) string { return env[k] }); code != 0 || !strings.HasPrefix(out.String(), "ssh-ed25519-cert-v01@openssh.com ") {
			t.Errorf("soberana ssh --print: %d %q", code, out.String())
		}
	} else {
		t.Log("the ssh client is absent: the `soberana ssh` path is not run (apt-get install openssh-client)")
	}

	// A grant that expires: the certificate ends with it, and afterwards
	// none is issued and the one issued is refused by sshd.
	shortID, short := b.user("temp@vendor.example")
	shortExp := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second).Add(time.Second)
	b.must(201, admin, "POST", "/v1/grants", map[string]any{"project_id": prj, "user_id": shortID, "role": "developer", "expires_at": shortExp})
	sc := parseCert(t, b.must(201, short, "POST", "/v1/workloads/"+wid+"/ssh-certificates", map[string]any{"public_key": pubLine})["certificate"].(string))
	if int64(sc.ValidBefore) != shortExp.Unix() {
		t.Errorf("certificate ends at %d, the grant at %d", sc.ValidBefore, shortExp.Unix())
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _ := b.call(short, "POST", "/v1/workloads/"+wid+"/ssh-certificates", map[string]any{"public_key": pubLine})
		if code == 404 || code == 401 || code == 403 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificates still issued after the grant expired (%d)", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for time.Now().Unix() <= int64(sc.ValidBefore) { // sshd compares whole seconds
		time.Sleep(100 * time.Millisecond)
	}
	if out, err := peer.Run(sc, priv, "echo no"); err == nil {
		t.Fatalf("a certificate past its grant logged in: %q", out)
	}
	if !peer.WaitLog("Certificate invalid: expired") {
		t.Errorf("sshd refused the expired certificate for another reason:\n%s", peer.Log())
	}

	// Revoking the grant: no more certificates (a localized problem) and
	// the KRL revokes the live one.
	b.must(204, admin, "DELETE", "/v1/grants/"+g["id"].(string), nil)
	code, p := b.call(vendor, "POST", "/v1/workloads/"+wid+"/ssh-certificates", map[string]any{"public_key": pubLine}, "pt-BR")
	if code != 404 || p["title"] == nil || p["status"] == nil {
		t.Fatalf("after revocation: %d %v", code, p)
	}
	revoked := b.must(200, admin, "GET", "/v1/institutions/"+ins+"/ssh-ca/krl?format=json", nil)
	if !strings.Contains(fmt.Sprint(revoked["items"]), issued["serial"].(string)) {
		t.Errorf("the KRL does not list serial %s: %v", issued["serial"], revoked["items"])
	}
	writeKRL(t, h, admin, ins, krlPath)
	if out, err := peer.Run(cert, priv, "echo no"); err == nil {
		t.Fatalf("a certificate of a revoked grant logged in: %q", out)
	}
	if !peer.WaitLog("revoked by file") {
		t.Errorf("sshd refused the revoked grant's certificate for another reason:\n%s", peer.Log())
	}
}

func writeKey(t *testing.T, dir string) (string, string, ed25519.PrivateKey) {
	t.Helper()
	path := filepath.Join(dir, "id_ed25519")
	pub, priv := sshdtest.WriteKey(t, path)
	sp, _ := ssh.NewPublicKey(pub)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " vendor@laptop"
	if err := os.WriteFile(path+".pub", []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, line, priv
}

func parseCert(t *testing.T, text string) *ssh.Certificate {
	t.Helper()
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := k.(*ssh.Certificate)
	if !ok {
		t.Fatalf("not a certificate: %s", text)
	}
	return c
}

// writeKRL saves the institution's KRL where sshd's RevokedKeys reads it.
func writeKRL(t *testing.T, h *servertest.Harness, token, ins, path string) {
	t.Helper()
	req, _ := http.NewRequest("GET", h.URL+"/v1/institutions/"+ins+"/ssh-ca/krl", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte("SSHKRL\n\x00")) {
		var p map[string]any
		_ = json.Unmarshal(body, &p)
		t.Fatalf("KRL: %d %v", resp.StatusCode, p)
	}
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

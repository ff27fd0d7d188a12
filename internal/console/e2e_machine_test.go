package console_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestBrowserMachineLifecycle: from the console, request a machine with an
// image family and an SSH key, see it running with its address, stop and
// start it, resize it to another offering, and get a certificate from the
// connect panel; the pages read in es, pt-BR and en, with screenshots.
func TestBrowserMachineLifecycle(t *testing.T) {
	e := startE2E(t, "en")
	ctx := context.Background()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pubKey := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " vendor@laptop"
	var key struct {
		ID string `json:"id"`
	}
	if _, err := e.h.Admin.Do(ctx, "POST", "/v1/ssh-keys", map[string]any{"name": "vendor-laptop", "public_key": pubKey}, &key); err != nil {
		t.Fatal(err)
	}

	e.signIn(servertest.AdminToken)
	e.open("/")
	e.switchLang("en")

	// The request: an image family, a key, national residency in Brazil.
	e.open("/request")
	e.selectByText("#project_id", "prontuario")
	e.selectByText("#offering_id", "SCS-1V-2-20s")
	e.selectByText("#image", "debian-12")
	e.run(
		chromedp.SetValue("#classification", "internal", chromedp.ByID),
		chromedp.Click(fmt.Sprintf(`input[name="ssh_keys"][value="%s"]`, key.ID), chromedp.ByQuery),
		chromedp.Click(`input[name="country"][value="BR"]`, chromedp.ByQuery),
	)
	e.shot("en-request-image")
	e.axeCheck("/request (image and key)")
	wlPath := e.submitRequest()
	id := strings.TrimPrefix(wlPath, "/workloads/")
	var image, keys string
	e.run(chromedp.Text("#workload-image", &image, chromedp.ByID), chromedp.Text("#workload-keys", &keys, chromedp.ByID))
	if image != "debian-12" || keys != "vendor-laptop" {
		t.Fatalf("the workload page shows image %q and keys %q, want debian-12 and vendor-laptop", image, keys)
	}
	var state string
	e.run(chromedp.Text("#workload-state", &state, chromedp.ByID))
	if state == "awaiting approval" {
		// Over the institution's auto-approval: a finance decision, as the
		// approval test does it in the browser.
		if _, err := e.h.Admin.Do(ctx, "POST", "/v1/workloads/"+id+":approve", map[string]any{"reason": "e2e"}, nil); err != nil {
			t.Fatalf("approving: %v", err)
		}
	}
	if got := e.waitText(wlPath, "#workload-state", "running", 60*time.Second); got != "running" {
		t.Fatalf("workload is %q, want running", got)
	}
	addr := e.waitText(wlPath, "td.addresses", ".", 30*time.Second)
	if !strings.ContainsAny(addr, ".:") {
		t.Fatalf("no address shown for the running replica: %q", addr)
	}
	var power string
	e.run(chromedp.Text("td.power", &power, chromedp.ByQuery))
	if power != "running" {
		t.Errorf("power column says %q, want running", power)
	}
	e.shot("en-machine-running")
	e.axeCheck(wlPath + " (running)")

	// Stop, then start.
	e.submit(`form.power button[value="stop"]`, "div.notice")
	var notice string
	e.run(chromedp.Text("div.notice", &notice, chromedp.ByQuery), chromedp.Text("td.power", &power, chromedp.ByQuery))
	if notice != "Replicas stopped." || power != "stopped" {
		t.Fatalf("after stop: notice %q, power %q", notice, power)
	}
	e.shot("en-machine-stopped")
	// Stopping a stopped machine is refused with the API's reason, as an
	// error, and nothing changes.
	e.submit(`form.power button[value="stop"]`, "#page-error")
	e.run(chromedp.Text("td.power", &power, chromedp.ByQuery))
	if power != "stopped" {
		t.Errorf("after a refused stop, power %q", power)
	}
	e.submit(`form.power button[value="start"]`, "div.notice")
	e.run(chromedp.Text("div.notice", &notice, chromedp.ByQuery), chromedp.Text("td.power", &power, chromedp.ByQuery))
	if notice != "Replicas started." || power != "running" {
		t.Fatalf("after start: notice %q, power %q", notice, power)
	}

	// Resize to a larger offering, picked by name.
	e.selectByText("#resize-offering", "SCS-2V-4-20s")
	e.submit(`form.resize button[value="resize"]`, "div.notice")
	var offering string
	e.run(chromedp.Text("div.notice", &notice, chromedp.ByQuery), chromedp.Text("#workload-offering", &offering, chromedp.ByID))
	if notice != "Workload resized." || !strings.HasPrefix(offering, "SCS-2V-4-20s") {
		t.Fatalf("after resize: notice %q, offering %q", notice, offering)
	}
	e.shot("en-machine-resized")

	// Connect: a certificate for the pasted public key.
	e.run(chromedp.Click("#connect-link", chromedp.ByID), chromedp.WaitVisible("#public_key", chromedp.ByID))
	var cmd string
	e.run(chromedp.Text("#connect-command", &cmd, chromedp.ByID))
	if !strings.Contains(cmd, "soberana ssh "+id) {
		t.Errorf("connect panel's command: %q", cmd)
	}
	e.axeCheck(wlPath + "/connect")
	e.run(chromedp.SendKeys("#public_key", pubKey, chromedp.ByID))
	e.submit(`form[action$="/connect"] button[type="submit"]`, "#connect-serial")
	var cert, serial string
	e.run(chromedp.Text("#connect-cert", &cert, chromedp.ByID), chromedp.Text("#connect-serial", &serial, chromedp.ByID))
	if !strings.HasPrefix(cert, "ssh-ed25519-cert-v01@openssh.com ") || serial == "" {
		t.Fatalf("connect panel issued %q (serial %q)", cert, serial)
	}
	if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(cert)); err != nil {
		t.Errorf("the certificate does not parse: %v", err)
	} else if c, ok := pk.(*ssh.Certificate); !ok || string(c.Key.Marshal()) != string(sp.Marshal()) {
		t.Errorf("the certificate is not for the pasted key")
	} else if ttl := time.Until(time.Unix(int64(c.ValidBefore), 0)); ttl > time.Hour+time.Minute || ttl <= 0 {
		t.Errorf("certificate valid for %s, want at most an hour", ttl)
	}
	e.shot("en-machine-connect")

	// The same pages in Spanish and Portuguese.
	texts := map[string][3]string{ // power heading, resize button, connect heading
		"es":    {"Encendido y tamaño", "Redimensionar", "Desde su terminal"},
		"pt-BR": {"Energia e tamanho", "Redimensionar", "Do seu terminal"},
		"en":    {"Power and size", "Resize", "From your terminal"},
	}
	for _, lang := range []string{"es", "pt-BR", "en"} {
		e.switchLang(lang)
		e.open(wlPath)
		var main string
		e.run(chromedp.Text("main", &main, chromedp.ByQuery))
		if !strings.Contains(main, texts[lang][0]) || !strings.Contains(main, texts[lang][1]) {
			t.Errorf("%s workload page lacks %q or %q", lang, texts[lang][0], texts[lang][1])
		}
		if k := rawKey.FindString(main); k != "" {
			t.Errorf("%s workload page shows a message key: %s", lang, k)
		}
		e.shot(lang + "-machine")
		e.open(wlPath + "/connect")
		e.run(chromedp.Text("main", &main, chromedp.ByQuery))
		if !strings.Contains(main, texts[lang][2]) {
			t.Errorf("%s connect panel lacks %q", lang, texts[lang][2])
		}
		e.shot(lang + "-machine-connect")
		e.open("/request")
		e.shot(lang + "-request-first-boot")
	}
	t.Logf("screenshots in %s", e.artifacts)
}

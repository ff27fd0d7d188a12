package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	"golang.org/x/crypto/ssh"
)

func init() { extraCommands = append(extraCommands, sshCmd) }

// sshCertificate is the answer of POST /v1/workloads/{id}/ssh-certificates.
type sshCertificate struct {
	Certificate    string    `json:"certificate"`
	Serial         string    `json:"serial"`
	KeyID          string    `json:"key_id"`
	KeyFingerprint string    `json:"key_fingerprint"`
	Principal      string    `json:"principal"`
	ValidBefore    time.Time `json:"valid_before"`
	LoginUser      string    `json:"login_user"`
	Replicas       []struct {
		Replica   int      `json:"replica"`
		State     string   `json:"state"`
		SiteName  string   `json:"site_name"`
		Addresses []string `json:"addresses"`
	} `json:"replicas"`
}

func sshCmd(g *globals) *cobra.Command {
	var (
		replica           int
		identity, address string
		user, sshBin      string
		printOnly         bool
		ttl               time.Duration
		options           []string
	)
	c := &cobra.Command{
		Use:   "ssh WORKLOAD [--replica N] [--identity FILE] [--print] [-- command…]",
		Short: "Log in to a workload's machine with a short-lived SSH certificate from the institution's CA",
		Long: `Gets a certificate for your public key (~/.ssh/id_ed25519.pub, or --identity
FILE with FILE.pub next to it; without either, an ephemeral key pair made in a
temporary directory), valid at most one hour and never past your grant, for
the workload's project principal only; writes it next to the key as
<key>-cert.pub and runs ssh with it to the replica's address. --print only
prints the certificate.`,
		Args: cobra.MinimumNArgs(1),
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, args []string) error {
			keyPath, pub, cleanup, err := sshIdentity(g, identity)
			if err != nil {
				return err
			}
			defer cleanup()
			body := map[string]any{"public_key": pub}
			if cmd.Flags().Changed("replica") {
				body["replica"] = replica
			}
			if ttl > 0 {
				body["ttl_seconds"] = int(ttl / time.Second)
			}
			var out sshCertificate
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/workloads/"+args[0]+"/ssh-certificates", body, &out); err != nil {
				return err
			}
			if printOnly {
				fmt.Fprintln(g.stdout, out.Certificate)
				fmt.Fprintf(g.stderr, "serial %s, principal %s, key %s, valid until %s\n", out.Serial, out.Principal,
					out.KeyFingerprint, out.ValidBefore.Local().Format(time.RFC3339))
				return nil
			}
			certPath := keyPath + "-cert.pub"
			if err := os.WriteFile(certPath, []byte(out.Certificate+"\n"), 0o600); err != nil {
				return fmt.Errorf("writing the certificate: %w", err)
			}
			host := address
			if host == "" {
				for _, r := range out.Replicas {
					if len(r.Addresses) > 0 {
						host = r.Addresses[0]
						break
					}
				}
			}
			if host == "" {
				return msgErr("cli.ssh.no_address", out.Serial, certPath)
			}
			if user == "" {
				user = out.LoginUser
			}
			sargs := []string{"-i", keyPath, "-o", "CertificateFile=" + certPath, "-o", "IdentitiesOnly=yes", "-l", user}
			for _, o := range options {
				sargs = append(sargs, "-o", o)
			}
			if h, p, err := net.SplitHostPort(host); err == nil {
				host = h
				sargs = append(sargs, "-p", p)
			}
			sargs = append(sargs, host)
			sargs = append(sargs, args[1:]...)
			fmt.Fprintf(g.stderr, "certificate %s for %s valid until %s\n", out.Serial, out.Principal, out.ValidBefore.Local().Format(time.RFC3339))
			run := exec.CommandContext(cmd.Context(), sshBin, sargs...)
			run.Stdin, run.Stdout, run.Stderr = cmd.InOrStdin(), g.stdout, g.stderr
			if err := run.Run(); err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					return msgErr("cli.ssh.exit", ee.ExitCode())
				}
				return fmt.Errorf("running %s: %w", sshBin, err)
			}
			return nil
		}),
	}
	f := c.Flags()
	f.IntVar(&replica, "replica", 0, "the replica to log in to (default: the first with an address)")
	f.StringVar(&identity, "identity", "", "private key file; its public key is FILE.pub (default ~/.ssh/id_ed25519, else an ephemeral key)")
	f.BoolVar(&printOnly, "print", false, "only print the certificate")
	f.DurationVar(&ttl, "ttl", 0, "shorter validity than the maximum (1h)")
	f.StringVar(&address, "address", "", "connect to HOST[:PORT] instead of the replica's address")
	f.StringVar(&user, "user", "", "login user (default: the one soberana's first boot creates)")
	f.StringArrayVar(&options, "ssh-option", nil, "option passed to ssh -o (repeatable)")
	f.StringVar(&sshBin, "ssh", "ssh", "the ssh client to run")
	return c
}

// sshIdentity returns the private key path and the public key to certify:
// --identity, else ~/.ssh/id_ed25519, else an ephemeral Ed25519 key pair
// in a temporary directory (removed by cleanup).
func sshIdentity(g *globals, identity string) (string, string, func(), error) {
	none := func() {}
	if identity == "" {
		home := g.getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		def := filepath.Join(home, ".ssh", "id_ed25519")
		if _, err := os.Stat(def + ".pub"); err == nil {
			identity = def
		}
	}
	if identity != "" {
		pub, err := os.ReadFile(identity + ".pub")
		if err != nil {
			return "", "", none, fmt.Errorf("reading the public key %s.pub: %w", identity, err)
		}
		return identity, strings.TrimSpace(string(pub)), none, nil
	}
	dir, err := os.MkdirTemp("", "soberana-ssh-")
	if err != nil {
		return "", "", none, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		cleanup()
		return "", "", none, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "soberana ephemeral key")
	if err != nil {
		cleanup()
		return "", "", none, err
	}
	key := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(key, pem.EncodeToMemory(block), 0o600); err != nil && !errors.Is(err, fs.ErrExist) {
		cleanup()
		return "", "", none, err
	}
	spub, err := ssh.NewPublicKey(pub)
	if err != nil {
		cleanup()
		return "", "", none, err
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(spub))) + " soberana-ephemeral"
	if err := os.WriteFile(key+".pub", []byte(line+"\n"), 0o644); err != nil {
		cleanup()
		return "", "", none, err
	}
	fmt.Fprintf(g.stderr, "no ~/.ssh/id_ed25519: using an ephemeral key in %s\n", dir)
	return key, line, cleanup, nil
}

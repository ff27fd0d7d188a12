package bench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"slices"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/sshca"
)

// SSHCertOptions size the ssh-cert scenario.
type SSHCertOptions struct {
	// Issues is how many certificates are issued (default 1000).
	Issues int
	// DatabaseURL is a postgres:// URL of an empty database; empty uses
	// SQLite in a temporary directory.
	DatabaseURL string
}

// SSHCertResult is the scenario's JSON line.
type SSHCertResult struct {
	Head
	Issues  int     `json:"issues"`
	P50ms   float64 `json:"p50_ms"`
	P99ms   float64 `json:"p99_ms"`
	MaxMs   float64 `json:"max_ms"`
	PerSec  float64 `json:"issues_per_second"`
	Seconds float64 `json:"seconds"`
	// CPUSeconds is the process CPU time of the timed part.
	CPUSeconds float64 `json:"cpu_seconds"`
}

// SSHCert measures issuing SSH certificates one after another as the API
// does after authorization: sign an Ed25519 user certificate with the
// institution's CA (made, and its sealed key opened, before timing
// starts), record it and append its audit event in one transaction.
func SSHCert(ctx context.Context, o SSHCertOptions) (SSHCertResult, error) {
	positive(&o.Issues, 1000)
	res := SSHCertResult{Head: Head{Scenario: "ssh-cert", Database: "sqlite"}, Issues: o.Issues}
	st, kind, done, err := scratchStore(ctx, o.DatabaseURL, "sshcert", "")
	if err != nil {
		return res, err
	}
	defer done()
	res.Database = kind
	box, err := scratchBox(st)
	if err != nil {
		return res, err
	}
	svc := sshca.New(st, func() sshca.Box { return box })
	if _, err := svc.Authority(ctx, "ins_bench"); err != nil {
		return res, err
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return res, err
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		return res, err
	}
	req := sshca.IssueRequest{InstitutionID: "ins_bench", ProjectID: "prj_bench", WorkloadID: "wl_bench",
		UserID: "usr_bench", UserName: "vendor@bench.example", PublicKey: key}
	lat := make([]time.Duration, o.Issues)
	cpu0, start := cpuTime(), time.Now()
	for i := range lat {
		t0 := time.Now()
		if _, err := svc.Issue(ctx, req); err != nil {
			return res, err
		}
		lat[i] = time.Since(t0)
	}
	res.Seconds = time.Since(start).Seconds()
	res.CPUSeconds = (cpuTime() - cpu0).Seconds()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	res.P50ms = ms(lat[len(lat)/2])
	res.P99ms = ms(lat[min(len(lat)-1, len(lat)*99/100)])
	res.MaxMs = ms(lat[len(lat)-1])
	res.PerSec = float64(o.Issues) / res.Seconds
	return res, nil
}

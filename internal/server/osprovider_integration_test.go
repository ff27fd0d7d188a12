package server_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/cli"
)

// osProviderAdd runs `soberana provider add` in-process for the OpenStack
// cloud of cloudsPath, named name, with one --az flag per entry of azs
// ("AZ=labels"), against the server's database (dbURL; empty for the one
// in dataDir), and returns its JSON output. The OpenStack integration
// tests all add their providers this way.
func osProviderAdd(ctx context.Context, t *testing.T, dataDir, dbURL, cloudsPath, cloud, name string, azs ...string) []byte {
	t.Helper()
	args := []string{"provider", "add", "--data-dir", dataDir, "--lang", "en", "-o", "json",
		"--driver", "openstack", "--clouds-yaml", cloudsPath, "--cloud", cloud,
		"--name", name, "--jurisdiction", "BR", "--currency", "BRL", "--certification", "restricted"}
	for _, az := range azs {
		args = append(args, "--az", az)
	}
	args = append(args, "--image", "*=soberana-tiny")
	if dbURL != "" {
		args = append(args, "--database-url", dbURL)
	}
	var stdout, stderr bytes.Buffer
	cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if code := cli.RunEnv(cctx, args, &stdout, &stderr, os.Getenv); code != 0 {
		t.Fatalf("soberana provider add %q: exit %d\n%s%s", name, code, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

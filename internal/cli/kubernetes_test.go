package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
)

func TestIntegrationProviderAddKubernetes(t *testing.T) {
	t.Parallel()
	kubetest.Clusters(t) // skips without the test clusters
	paths := filepath.SplitList(getenv(kubetest.Env))
	args := []string{"provider", "add-kubernetes", "--data-dir", t.TempDir(), "--name", "Nube de prueba", "--jurisdiction", "MX", "--currency", "MXN"}
	for i, p := range paths {
		n := string(rune('a' + i))
		args = append(args, "--cluster", n+"="+p, "--site", n+"=country:MX,tier:core,failure-domain:fd-"+n)
	}
	var out, errOut bytes.Buffer
	code := cli.RunEnv(context.Background(), args, &out, &errOut, func(string) string { return "" })
	if code != 0 || strings.Count(out.String(), "healthy") != len(paths) {
		t.Fatalf("%d %s %s", code, out.String(), errOut.String())
	}
	t.Log(out.String())
}

func getenv(k string) string { return os.Getenv(k) }

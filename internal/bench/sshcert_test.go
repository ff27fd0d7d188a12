package bench

import (
	"context"
	"testing"
)

func TestSSHCertSmall(t *testing.T) {
	res, err := SSHCert(context.Background(), SSHCertOptions{Issues: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Issues != 20 || res.P99ms < res.P50ms {
		t.Fatalf("%+v", res)
	}
}

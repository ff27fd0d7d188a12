// Package openstacktest gives integration tests the all-in-one OpenStack
// cloud that scripts/openstack-aio.sh runs: SOBERANA_TEST_OPENSTACK_CLOUDS
// names its clouds.yaml, SOBERANA_TEST_OPENSTACK_CLOUD the cloud in it and
// SOBERANA_TEST_OPENSTACK_AZS its two availability zones. Tests skip with a
// clear message when the cloud is not configured.
package openstacktest

import (
	"os"
	"strings"
	"testing"
)

// Env is the variable naming the test cloud's clouds.yaml.
const Env = "SOBERANA_TEST_OPENSTACK_CLOUDS"

// Cloud is the test cloud as the environment names it.
type Cloud struct {
	CloudsYAML string   // path of the clouds.yaml
	Name       string   // the cloud's name in it (default soberana-aio)
	AZs        []string // its two availability zones (default az-1, az-2)
}

// AIO returns the test cloud, or skips the test.
func AIO(t testing.TB) Cloud {
	t.Helper()
	c := Cloud{CloudsYAML: os.Getenv(Env), Name: os.Getenv("SOBERANA_TEST_OPENSTACK_CLOUD"), AZs: []string{"az-1", "az-2"}}
	if c.CloudsYAML == "" {
		t.Skipf("%s is not set: start the all-in-one cloud with scripts/openstack-aio.sh and source .ci/openstack.env to run the OpenStack integration tests", Env)
	}
	if c.Name == "" {
		c.Name = "soberana-aio"
	}
	if azs := strings.Split(os.Getenv("SOBERANA_TEST_OPENSTACK_AZS"), ","); len(azs) >= 2 && azs[0] != "" && azs[1] != "" {
		c.AZs = azs[:2]
	}
	return c
}

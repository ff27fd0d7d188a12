package openstack

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
)

func TestParseCloudsYAML(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/clouds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCloudsYAML(data, "aio-admin", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Clouds: []Cloud{c}, Sites: []SiteMap{{SiteID: "s1", Cloud: "aio-admin", AZ: "az-1"}}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Username != "admin" || c.ProjectName != "admin" || c.Region != "RegionOne" || cfg.DomainPrefix != "soberana-" || cfg.VendorRole != "member" {
		t.Errorf("parsed %+v / %+v", c, cfg)
	}
	ac, err := ParseCloudsYAML(data, "aio-appcred", "testdata")
	if err != nil || !ac.AppCredential() || ac.ApplicationCredentialSecret != "s3cr3t" || ac.Interface != "" {
		t.Errorf("appcred: %+v %v", ac, err)
	}
	if _, err := ParseCloudsYAML(data, "token-cloud", "testdata"); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("token auth: %v", err)
	}
	if _, err := ParseCloudsYAML(data, "nope", "testdata"); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("missing cloud: %v", err)
	}
}

func TestBadCloudsYAML(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad fixtures")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		c, err := ParseCloudsYAML(data, "c", "testdata")
		if err == nil {
			cfg := Config{Clouds: []Cloud{c}}
			err = cfg.Validate()
		}
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", f, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	cfg := Config{Clouds: []Cloud{{Name: "a", AuthURL: "http://k/v3", Username: "u", Password: "p"}},
		Sites: []SiteMap{{SiteID: "s", Cloud: "b", AZ: "z"}, {SiteID: "s", Cloud: "a", AZ: "z"}}}
	if err := cfg.Validate(); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("want unknown cloud and duplicate site, got %v", err)
	}
}

func TestMatchFlavor(t *testing.T) {
	t.Parallel()
	list := []flavors.Flavor{
		{ID: "1", Name: "SCS-2V-4-20s"},
		{ID: "2", Name: "m1.medium", ExtraSpecs: map[string]string{"scs:name-v2": "SCS-2V-8-50"}},
		{ID: "3", Name: "legacy", ExtraSpecs: map[string]string{"scs:name-v1": "SCS-1V:2:20s"}},
	}
	for offering, want := range map[string]string{"SCS-2V-4-20s": "1", "SCS-2V-8-50": "2", "SCS-1V-2-20s": ""} {
		f, _, ok := matchFlavor(list, offering)
		if (want == "") == ok || (ok && f.ID != want) {
			t.Errorf("%s: got %q ok=%v, want %q", offering, f.ID, ok, want)
		}
	}
}

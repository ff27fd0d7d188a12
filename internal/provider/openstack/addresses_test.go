package openstack

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/soberana/soberana/internal/model"
)

// Nova's server addresses, as the API returns them, become the replica's
// addresses: fixed and floating, v4 and v6, in network order.
func TestAddressesFromNova(t *testing.T) {
	t.Parallel()
	var s servers.Server
	body := `{"id": "s1", "addresses": {
		"public": [{"addr": "203.0.113.7", "version": 4, "OS-EXT-IPS:type": "floating"}],
		"private": [{"addr": "10.0.0.5", "version": 4, "OS-EXT-IPS:type": "fixed"}, {"addr": "fd00::5", "version": 6}]}}`
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	want := []model.Address{
		{Network: "private", Address: "10.0.0.5", Version: 4, Kind: model.AddressFixed},
		{Network: "private", Address: "fd00::5", Version: 6, Kind: model.AddressFixed},
		{Network: "public", Address: "203.0.113.7", Version: 4, Kind: model.AddressFloating},
	}
	if got := addresses(&s); !reflect.DeepEqual(got, want) {
		t.Fatalf("addresses %+v, want %+v", got, want)
	}
	var none servers.Server
	if got := addresses(&none); got != nil {
		t.Fatalf("a server with no network has addresses %+v", got)
	}
}

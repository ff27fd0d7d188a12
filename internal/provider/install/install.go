// Package install registers every provider driver with the provider
// registry. The server imports it once, so a provider of any supported
// kind can be served without the wiring naming each driver.
package install

import (
	_ "github.com/soberana/soberana/internal/provider/kubernetes" // registers "kubernetes"
	_ "github.com/soberana/soberana/internal/provider/openstack"  // registers "openstack"
	_ "github.com/soberana/soberana/internal/provider/sim"        // registers "sim"
)

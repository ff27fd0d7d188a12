// Package openstack is soberana's driver for OpenStack clouds, through
// gophercloud v2 (Keystone, Nova, Placement, Cinder).
//
// A provider's config (Config) holds one or more clouds, imported from a
// standard clouds.yaml, and maps each availability zone to a soberana site.
// The driver:
//
//   - discovers sites (one per mapped AZ) with capacity from Placement
//     inventories and usages (hypervisor statistics when Placement is not
//     reachable) and matches flavors to SCS offerings by name or by the
//     scs:name-v* extra specs;
//   - gives each soberana project a Keystone project in a domain per
//     institution, with Nova (and Cinder, where the cloud has it) quotas set
//     to what the project's replicas need;
//   - creates one server per replica, named soberana-<replica id> and tagged
//     with metadata soberana_workload and soberana_replica, finds it again by
//     that name and metadata after a crash (adopts it, never a second one),
//     reports BUILD/ACTIVE/ERROR with Nova's fault as the reason, deletes it;
//   - mirrors vendor grants as Keystone role assignments (GrantMirror);
//   - maps the cloud's errors (quota exceeded, no valid host, auth failure,
//     timeout, unreachable) to *Error values with a Reason code, localized
//     through internal/i18n; the retryable ones wrap provider.ErrUnavailable.
//
// Integration tests run against the all-in-one cloud that
// scripts/openstack-aio.sh starts; they skip unless
// SOBERANA_TEST_OPENSTACK_CLOUDS names its clouds.yaml.
package openstack

// Package kubernetes is the driver for Kubernetes clusters, built on
// client-go. A provider holds the kubeconfigs of one or more clusters; each
// cluster, or each zone of a cluster (the nodes labelled
// topology.kubernetes.io/zone), is one soberana site.
//
// The offering it serves is the namespace: every replica of a namespace
// workload is one namespace on its site's cluster, named after the replica
// id (so a restarted soberana finds and adopts it and never makes a second
// one), labelled soberana.io/workload, soberana.io/project,
// soberana.io/institution and soberana.io/replica, and holding a
// ResourceQuota and a LimitRange sized from the offering and a default-deny
// NetworkPolicy. Everything is written with server-side apply under the
// field manager "soberana", so a repeated call converges instead of
// failing or duplicating.
//
// Vendor grants become RoleBindings (to the built-in ClusterRoles edit or
// view) in every namespace of the grant's project and are deleted on
// revocation or expiry. Apps are Deployments and Services applied into the
// same namespaces by internal/deploy through ApplyApp and AppStatus.
//
// Capacity is reported per site as node allocatable minus the requests of
// the pods bound to those nodes.
package kubernetes

// Package deploy owns apps, releases and rollouts.
//
// An app is a container image of a project served on the sites of one of
// its namespace workloads (one namespace per placed site, made by the
// kubernetes driver). A release is one version of the app; its rollout goes
// site by site in the order of the workload's replicas: apply the
// Deployment and Service (server-side apply, idempotent), wait until the
// site reports the release available and the health gate passes, then the
// next site. When a site fails (the deployment controller's progress
// deadline, the step timeout or the health gate), the rollout stops and
// every site it touched goes back to the release that was current before
// (or loses the app when there was none), and the release ends failed with
// the reason. Releases are history; rolling back to an earlier one is a
// new release with that release's image.
//
// The rollout's progress lives in the releases table (state, steps,
// next_attempt_at): the Rollouts loop is level-triggered, runs under its own
// lease, and a restarted server resumes a rollout where it stopped,
// re-applying (never duplicating) the objects of the step in progress.
package deploy

// Package rolling holds the rolling-upgrade test: the previous release's
// `soberana` binary, built from its git commit, and this tree's binary
// serve one PostgreSQL database side by side under mixed load
// (docs/operations.md, "Upgrades"). The releases and their commits are
// listed in internal/store/testdata/releases.txt beside their schema
// fixtures.
package rolling

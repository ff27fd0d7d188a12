// Package sshca is soberana's SSH certificate authority: one Ed25519 CA
// per institution (made on first need, its private key sealed with the
// secrets key), short-lived user certificates for one project's principal,
// the key revocation list, and the sshd configuration every machine gets
// at first boot so that it trusts the CA and accepts only its project's
// principal (docs/ssh-access.md).
package sshca

import (
	"path"
	"strings"

	"golang.org/x/crypto/ssh"
)

// PrincipalPrefix starts every project principal.
const PrincipalPrefix = "soberana-p-"

// Principal is the certificate principal of a project: stable for the
// project's life, "soberana-p-<project id>". Machines of the project list
// it, and only it, in their login user's principals file.
func Principal(projectID string) string { return PrincipalPrefix + projectID }

// DefaultLoginUser is the account soberana's first boot creates on every
// machine for certificate logins.
const DefaultLoginUser = "soberana"

// File is a file the first boot writes.
type File struct {
	Path        string `json:"path"`
	Content     string `json:"content"`
	Permissions string `json:"permissions"`
}

// Layout places the machine's files. Root prefixes every path (empty on a
// machine; a temporary directory in the OpenSSH test, which configures
// sshd with exactly these files under it).
type Layout struct {
	Root string
	// LoginUser defaults to DefaultLoginUser.
	LoginUser string
	// NoUser leaves out the commands that create the login user and give
	// it sudo (the test logs in as the user running sshd).
	NoUser bool
}

// Paths on a machine (under Layout.Root).
const (
	CAKeyPath        = "/etc/ssh/soberana_user_ca.pub"
	SSHDConfigPath   = "/etc/ssh/sshd_config.d/60-soberana.conf"
	PrincipalsDir    = "/etc/ssh/soberana_principals"
	SudoersPath      = "/etc/sudoers.d/90-soberana"
	sshdConfigHeader = "# Written by soberana at first boot (docs/ssh-access.md): certificates signed by\n" +
		"# the institution's SSH CA log in when they name a principal listed for the\n" +
		"# user in soberana_principals/<user> — this machine's project principal only.\n"
)

// Machine returns the files and first-boot commands that make a machine
// of project trust the institution's CA (ca) for logins as the login
// user, for the project's principal only. cloud-init writes the files
// (write_files) and runs the commands (runcmd).
func Machine(l Layout, ca ssh.PublicKey, projectID string) (files []File, runcmd []string) {
	user := l.LoginUser
	if user == "" {
		user = DefaultLoginUser
	}
	p := func(s string) string { return path.Join("/", l.Root, s) }
	caLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ca))) + " soberana-institution-ca\n"
	conf := sshdConfigHeader +
		"TrustedUserCAKeys " + p(CAKeyPath) + "\n" +
		"AuthorizedPrincipalsFile " + p(PrincipalsDir) + "/%u\n"
	files = []File{
		{Path: p(CAKeyPath), Content: caLine, Permissions: "0644"},
		{Path: p(SSHDConfigPath), Content: conf, Permissions: "0644"},
		{Path: p(PrincipalsDir) + "/" + user, Content: Principal(projectID) + "\n", Permissions: "0644"},
	}
	if !l.NoUser {
		files = append(files, File{Path: p(SudoersPath), Content: user + " ALL=(ALL) NOPASSWD:ALL\n", Permissions: "0440"})
		runcmd = append(runcmd, "id -u "+user+" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "+user)
	}
	runcmd = append(runcmd, "systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true")
	return files, runcmd
}

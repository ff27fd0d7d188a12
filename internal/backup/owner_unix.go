//go:build unix

package backup

import (
	"os"
	"syscall"
)

// matchOwner gives file the owner of dir, so that a restore run as root
// into the service's state directory leaves a database the service user
// can open. It does nothing when the owners already match or when the
// process may not change them (not root).
func matchOwner(file, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || os.Geteuid() != 0 {
		return nil
	}
	return os.Chown(file, int(st.Uid), int(st.Gid))
}

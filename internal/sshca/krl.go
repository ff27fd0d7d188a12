package sshca

import (
	"encoding/binary"
	"slices"
	"time"

	"golang.org/x/crypto/ssh"
)

// KRL encodes an OpenSSH key revocation list (PROTOCOL.krl, format 1)
// that revokes the certificates of ca with the given serials: sshd's
// RevokedKeys and `ssh-keygen -Q -f` read it. golang.org/x/crypto/ssh
// neither writes nor reads KRLs, so it is written here (the format is
// small); the tests check it with ssh-keygen -Q.
func KRL(ca ssh.PublicKey, serials []uint64, version uint64, generated time.Time, comment string) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, 0x5353484b524c0a00) // "SSHKRL\n\0"
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint64(b, version)
	b = binary.BigEndian.AppendUint64(b, uint64(generated.Unix()))
	b = binary.BigEndian.AppendUint64(b, 0) // flags
	b = appendString(b, nil)                // reserved
	b = appendString(b, []byte(comment))
	if len(serials) == 0 {
		return b
	}
	s := slices.Clone(serials)
	slices.Sort(s)
	s = slices.Compact(s)
	var list []byte
	for _, v := range s {
		list = binary.BigEndian.AppendUint64(list, v)
	}
	var sect []byte
	sect = appendString(sect, ca.Marshal())
	sect = appendString(sect, nil) // reserved
	sect = append(sect, 0x20)      // KRL_SECTION_CERT_SERIAL_LIST
	sect = appendString(sect, list)
	b = append(b, 1) // KRL_SECTION_CERTIFICATES
	return appendString(b, sect)
}

func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

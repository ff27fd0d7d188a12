package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

// TestReadAuditKeyMalformed: a --audit-key file that is empty, holds no
// PEM block, or holds a PEM block of the wrong type or with a broken key
// is refused with an error that says what is wrong — the first two in the
// user's language and naming what the file should hold — and never with a
// key.
func TestReadAuditKeyMalformed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		key           string // the catalog key of the error; "" for audit's own
		want          string // in the English text
	}{
		{"empty", "", "cli.backup.audit_key_empty", "the file is empty"},
		{"blank", " \n\t\n", "cli.backup.audit_key_empty", "the file is empty"},
		{"not PEM", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host\n", "cli.backup.audit_key_not_pem", "holds no PEM block"},
		{"truncated PEM", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n", "cli.backup.audit_key_not_pem", "holds no PEM block"},
		{"other block", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "", "not a PEM PUBLIC KEY"},
		{"broken public key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "", "asn1"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		key, err := readAuditKey(path)
		if err == nil || key != nil {
			t.Errorf("%s: key %x, err %v, want it refused", tc.name, key, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q, want it to say %q", tc.name, err, tc.want)
		}
		var me *msgError
		if isMsg := errors.As(err, &me); isMsg != (tc.key != "") || (isMsg && me.key != tc.key) {
			t.Errorf("%s: %v, want the catalog message %q", tc.name, err, tc.key)
			continue
		}
		if tc.key != "" {
			if es := localizeErr(i18n.ES, err); es == err.Error() || !strings.Contains(es, "PEM") {
				t.Errorf("%s: in Spanish %q, want it translated", tc.name, es)
			}
		}
	}
}

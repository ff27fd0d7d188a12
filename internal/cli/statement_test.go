package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/server/servertest"
)

func TestStatementExportAndRateImport(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": servertest.AdminToken}
	run := func(args ...string) (string, string, int) { return cliOut(env, args...) }
	csvFile := filepath.Join(t.TempDir(), "rates.csv")
	if err := os.WriteFile(csvFile, []byte("date,from,to,rate\n2026-11-02,USD,BRL,5.4301\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := run("fx-rates", "import", csvFile, "-o", "json"); code != 0 || !strings.Contains(out, `"imported": 1`) {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	ins := h.FirstID(t, "/v1/institutions?country=BR")
	month := ledger.Month(time.Now())
	out, errOut, code := run("statement", "export", "--institution", ins, "--month", month, "-o", "csv")
	if code != 0 {
		t.Fatalf("export csv: %d %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 1 || strings.Join(recs[0], ",") != strings.Join(ledger.CSVHeader, ",") {
		t.Fatalf("csv export: %v %q", err, out)
	}
	out, errOut, code = run("statement", "export", "--institution", ins, "--month", month, "-o", "json")
	var st ledger.Statement
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.InstitutionID != ins || st.Month != month {
		t.Fatalf("export json: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := run("statement", "close", "--month", month); code == 0 || !strings.Contains(errOut, "409") {
		t.Fatalf("closing the running month: %d %s", code, errOut)
	}
}

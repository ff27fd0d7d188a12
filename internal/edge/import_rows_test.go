package edge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// importErrors imports req for a fresh edge provider and returns its
// errors as "row field key" lines, in the order Import reported them.
func importErrors(t *testing.T, req edge.ImportRequest) ([]string, *edge.ImportError) {
	t.Helper()
	s := storetest.SQLite(t)
	ctx := context.Background()
	prv := edgeProvider(t, s)
	var res edge.ImportResult
	err := s.InTx(ctx, func(tx *store.Tx) error { var err error; res, err = edge.Import(ctx, tx, prv, req); return err })
	var ie *edge.ImportError
	if !errors.As(err, &ie) || !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("want an ImportError, got %v", err)
	}
	if res.ProviderID != prv || res.Subclouds == nil || len(res.Subclouds) != 0 || res.GroupsCreated != 0 {
		t.Fatalf("a refused import answered %+v", res)
	}
	got := make([]string, 0, len(ie.Rows))
	for _, r := range ie.Rows {
		got = append(got, fmt.Sprintf("%d %s %s", r.Row, r.Field, r.Key))
	}
	return got, ie
}

func TestImportRefusesNoRowsAndTooMany(t *testing.T) {
	t.Parallel()
	if got, _ := importErrors(t, edge.ImportRequest{}); strings.Join(got, "|") != "0 subclouds field.no_rows" {
		t.Errorf("no rows: %v", got)
	}
	many := edge.ImportRequest{Subclouds: make([]edge.Row, edge.MaxImportRows+1)}
	got, ie := importErrors(t, many)
	if strings.Join(got, "|") != "0 subclouds field.too_many_rows" || ie.Rows[0].Args[0] != edge.MaxImportRows {
		t.Errorf("too many rows: %v %v", got, ie.Rows)
	}
}

// TestImportReportsEveryInvalidField: invalid groups (as row 0) come
// first, then each row's name, group, endpoint and subdivision, in that
// order; a valid row among them reports nothing.
func TestImportReportsEveryInvalidField(t *testing.T) {
	t.Parallel()
	ok := edge.Row{Name: "ok", Subdivision: "BR-SP", Capacity: model.Capacity{VCPUs: 1, MemoryMiB: 1024, DiskGiB: 10}, Group: "ring-a"}
	control, blank, long, noGroup := ok, ok, ok, ok
	control.Name, control.Group, control.Subdivision, control.Endpoint = "bad\x01name", "", "", "ftp://x"
	blank.Name = ""
	long.Name = strings.Repeat("a", 201)
	noGroup.Name, noGroup.Group = "lost", "nowhere"
	req := edge.ImportRequest{
		Groups:    []edge.GroupSpec{{Name: "", Kind: "bogus"}, {Name: "ring-a", Kind: model.GroupRing}},
		Subclouds: []edge.Row{control, blank, long, ok, noGroup},
	}
	got, ie := importErrors(t, req)
	want := []string{
		"0 groups[0].name field.required",
		"0 groups[0].kind field.one_of",
		"1 name field.control",
		"1 group field.required",
		"1 endpoint field.endpoint",
		"1 subdivision field.required",
		"2 name field.required",
		"3 name field.too_long",
		"5 group field.unknown_group",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msg := ie.Error(); !strings.HasPrefix(msg, "invalid import: row 0 groups[0].name: ") || !strings.HasSuffix(msg, "; … 4 more") ||
		strings.Count(msg, "; row ") != 4 {
		t.Errorf("message %q", msg)
	}
}

// TestImportReusesExistingGroups: a group declared again by a later
// import is the existing one, not created twice.
func TestImportReusesExistingGroups(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	prv := edgeProvider(t, s)
	imp := func(req edge.ImportRequest) edge.ImportResult {
		t.Helper()
		var res edge.ImportResult
		if err := s.InTx(ctx, func(tx *store.Tx) error { var err error; res, err = edge.Import(ctx, tx, prv, req); return err }); err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := imp(rows(3))
	second := rows(53)
	second.Subclouds = second.Subclouds[3:]
	res := imp(second)
	if first.GroupsCreated != 1 || res.GroupsCreated != 1 || len(res.Subclouds) != 50 {
		t.Fatalf("groups created %d then %d, %d subclouds", first.GroupsCreated, res.GroupsCreated, len(res.Subclouds))
	}
	if res.Subclouds[0].GroupID != first.Subclouds[0].GroupID || res.Subclouds[0].Row != 1 || res.Subclouds[49].GroupID == first.Subclouds[0].GroupID {
		t.Fatalf("group IDs: first %s, then %s and %s", first.Subclouds[0].GroupID, res.Subclouds[0].GroupID, res.Subclouds[49].GroupID)
	}
	if n, _ := s.Read().EdgeGroups().Count(ctx, nil); n != 2 {
		t.Fatalf("%d groups", n)
	}
}

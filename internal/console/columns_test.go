package console

import (
	"reflect"
	"testing"
)

// TestColumns: the list pages' header specs — marker words before a key,
// a column only some data shows through when — give the cells the
// "thead" partial draws.
func TestColumns(t *testing.T) {
	t.Parallel()
	got := columns("console.col.name", "num", "console.col.amount", when(false, "console.budget.use"),
		when(true, "num", "console.col.in-use"), "sr", "console.grants.actions", "num", "lit", "#")
	want := []column{
		{Key: "console.col.name"},
		{Key: "console.col.amount", Num: true},
		{Key: "console.col.in-use", Num: true},
		{Key: "console.grants.actions", SR: true},
		{Key: "#", Num: true, Lit: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("columns = %+v\nwant %+v", got, want)
	}
}

package cli

import (
	"encoding/json"
	"testing"
)

func TestCoverFlags(t *testing.T) {
	t.Parallel()
	m := map[string]any{}
	if err := coverFlags(m, []string{"-8.05,-34.9,100,Recife, PE", "-3.1,-60,50"}, []string{"br-sp", " BR-RJ"}); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	want := `{"near":[{"label":"Recife, PE","latitude":-8.05,"longitude":-34.9,"radius_km":100},{"latitude":-3.1,"longitude":-60,"radius_km":50}],"per_subdivision":["BR-SP","BR-RJ"]}`
	if string(b) != want {
		t.Fatalf("body %s\nwant %s", b, want)
	}
	for _, bad := range []string{"1,2", "a,2,3", "1,2,x"} {
		if err := coverFlags(map[string]any{}, []string{bad}, nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

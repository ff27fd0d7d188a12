package store_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// ReplaceImages writes only what changed, so the fleet's fingerprint
// moves only when a catalogue does.
func TestReplaceImages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) { testReplaceImages(t, st) })
}

func testReplaceImages(t *testing.T, st *store.Store) {
	ctx := context.Background()
	replace := func(want ...model.Image) bool {
		t.Helper()
		var changed bool
		if err := st.Write(ctx, func(tx *store.Tx) error {
			var err error
			changed, err = tx.ReplaceImages(ctx, "prv_1", want)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return changed
	}
	u := model.Image{SiteID: "s1", Family: "ubuntu-24.04", ImageRef: "img-1", ImageName: "Ubuntu"}
	d := model.Image{SiteID: "s1", Family: "debian-12", ImageRef: "img-2", ImageName: "Debian"}
	if !replace(u, d) || replace(u, d) {
		t.Fatal("first write must change, the same again must not")
	}
	u.ImageRef = "img-3"
	if !replace(u) {
		t.Fatal("a new image and a removed family are changes")
	}
	fams, err := st.Read().ImageFamilies(ctx)
	if err != nil || len(fams) != 1 || fams[0] != "ubuntu-24.04" {
		t.Fatalf("families %v %v", fams, err)
	}
	im, err := st.Read().ImageAt(ctx, "prv_1", "s1", "ubuntu-24.04")
	if err != nil || im.ImageRef != "img-3" {
		t.Fatalf("%+v %v", im, err)
	}
}

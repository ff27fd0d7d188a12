package scs

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want Flavor // Name is filled in from name
	}{
		{"SCS-2V-4-20s", Flavor{VCPUs: 2, CPUType: CPUShared, RAMMiB: 4096, Disks: 1, DiskGiB: 20, DiskType: DiskSSD}},
		{"SCS-4V-16-50", Flavor{VCPUs: 4, CPUType: CPUShared, RAMMiB: 16384, Disks: 1, DiskGiB: 50}},
		{"SCS-8V-32-100", Flavor{VCPUs: 8, CPUType: CPUShared, RAMMiB: 32768, Disks: 1, DiskGiB: 100}},
		{"SCS-1L-1", Flavor{VCPUs: 1, CPUType: CPULowPerf, RAMMiB: 1024}},
		{"SCS-2V-4", Flavor{VCPUs: 2, CPUType: CPUShared, RAMMiB: 4096}},
		{"SCS-16V-64-200s", Flavor{VCPUs: 16, CPUType: CPUShared, RAMMiB: 65536, Disks: 1, DiskGiB: 200, DiskType: DiskSSD}},
		{"SCS-4C-16-2x200p", Flavor{VCPUs: 4, CPUType: CPUDedicatedCore, RAMMiB: 16384, Disks: 2, DiskGiB: 400, DiskType: DiskNVMe}},
		{"SCS-2V-8-20s_kvm", Flavor{VCPUs: 2, CPUType: CPUShared, RAMMiB: 8192, Disks: 1, DiskGiB: 20, DiskType: DiskSSD, Extensions: []string{"kvm"}}},
		// Fractional RAM: whole or half GiB, converted exactly.
		{"SCS-1V-0.5", Flavor{VCPUs: 1, CPUType: CPUShared, RAMMiB: 512}},
		{"SCS-1V-1.5-10", Flavor{VCPUs: 1, CPUType: CPUShared, RAMMiB: 1536, Disks: 1, DiskGiB: 10}},
		{"SCS-2C-3.5-10n", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 3584, Disks: 1, DiskGiB: 10, DiskType: DiskNetwork}},
		// Suffixes.
		{"SCS-2Li-4-10n", Flavor{VCPUs: 2, CPUType: CPULowPerf, CPUInsecure: true, RAMMiB: 4096, Disks: 1, DiskGiB: 10, DiskType: DiskNetwork}},
		{"SCS-2T-4uo-10h", Flavor{VCPUs: 2, CPUType: CPUDedicatedThread, RAMMiB: 4096, RAMNoECC: true, RAMOversubscribed: true, Disks: 1, DiskGiB: 10, DiskType: DiskHDD}},
		{"SCS-1L-1u-5", Flavor{VCPUs: 1, CPUType: CPULowPerf, RAMMiB: 1024, RAMNoECC: true, Disks: 1, DiskGiB: 5}},
		{"SCS-2C-4o", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, RAMOversubscribed: true}},
		// The standard's "cloud decides" disk forms: a disk without size.
		{"SCS-2C-4-", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1}},
		{"SCS-2C-4-n", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskType: DiskNetwork}},
		{"SCS-2C-4-3x10", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 3, DiskGiB: 30}},
		{"SCS-2C-4-_bms_z3", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, Extensions: []string{"bms", "z3"}}},
		// Extensions, every kind, in order.
		{"SCS-2C-4-10n_bms_hwv_z3hh_GNa-14h_ib", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskGiB: 10, DiskType: DiskNetwork, Extensions: []string{"bms", "hwv", "z3hh", "GNa-14h", "ib"}}},
		{"SCS-8Ti-32-50p_i1", Flavor{VCPUs: 8, CPUType: CPUDedicatedThread, CPUInsecure: true, RAMMiB: 32768, Disks: 1, DiskGiB: 50, DiskType: DiskNVMe, Extensions: []string{"i1"}}},
		{"SCS-16T-64-200s_GNa-64_ib", Flavor{VCPUs: 16, CPUType: CPUDedicatedThread, RAMMiB: 65536, Disks: 1, DiskGiB: 200, DiskType: DiskSSD, Extensions: []string{"GNa-64", "ib"}}},
		{"SCS-4C-16-2x200p_a1", Flavor{VCPUs: 4, CPUType: CPUDedicatedCore, RAMMiB: 16384, Disks: 2, DiskGiB: 400, DiskType: DiskNVMe, Extensions: []string{"a1"}}},
		{"SCS-2C-4_ib", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Extensions: []string{"ib"}}},
		{"SCS-2C-4-10_kvm_hwv", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskGiB: 10, Extensions: []string{"kvm", "hwv"}}},
		{"SCS-2C-4-10_i", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskGiB: 10, Extensions: []string{"i"}}},
		{"SCS-2C-4-10_gA0.4-8", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskGiB: 10, Extensions: []string{"gA0.4-8"}}},
		{"SCS-2C-4-10_GI0.95hh", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskGiB: 10, Extensions: []string{"GI0.95hh"}}},
		{"SCS-2C-4-10_GN", Flavor{VCPUs: 2, CPUType: CPUDedicatedCore, RAMMiB: 4096, Disks: 1, DiskGiB: 10, Extensions: []string{"GN"}}},
		{"SCS-999999999C-999999999-999999999x999999999", Flavor{VCPUs: 999999999, CPUType: CPUDedicatedCore, RAMMiB: 999999999 * 1024, Disks: 999999999, DiskGiB: 999999999 * 999999999}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.name)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.Name = tt.name
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tt.want)
			}
			if s := got.String(); s != tt.name {
				t.Errorf("String() = %q, want %q", s, tt.name)
			}
		})
	}
}

func TestParseCanonicalizes(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, canonical string }{
		{"SCS-2V-4-1x10s", "SCS-2V-4-10s"},
		{"SCS-2C-4-10n_z0", "SCS-2C-4-10n_z"},
		{"SCS-2C-4-10n_bms_i0hh", "SCS-2C-4-10n_bms_ihh"},
	}
	for _, tt := range tests {
		f, err := Parse(tt.name)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.name, err)
		}
		if f.Name != tt.name {
			t.Errorf("Parse(%q).Name = %q, want the name as given", tt.name, f.Name)
		}
		if got := f.String(); got != tt.canonical {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.name, got, tt.canonical)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		part   Part
		offset int
		reason string // a substring of NameError.Reason
	}{
		{"", PartName, 0, "empty"},
		{strings.Repeat("x", MaxNameLen+1), PartName, MaxNameLen, "longer than 255"},
		{"FOO-2V-4", PartPrefix, 0, `start with "SCS-"`},
		{"scs-2V-4", PartPrefix, 0, "case-sensitive"},
		{"SCS", PartPrefix, 0, `start with "SCS-"`},
		{"SCS-", PartCPU, 4, "want the vCPU count"},
		{"SCS-0V-4", PartCPU, 4, "at least 1"},
		{"SCS-02V-4", PartCPU, 4, "leading zero"},
		{"SCS-V-4", PartCPU, 4, `want the vCPU count, got "V"`},
		{"SCS-2X-4", PartCPU, 5, `CPU type "X": want L, V, T or C`},
		{"SCS-2v-4", PartCPU, 5, `CPU type "v"`},
		{"SCS-2-4", PartCPU, 5, "missing CPU type"},
		{"SCS-2iV-4", PartCPU, 5, `CPU type "i"`},
		{"SCS-2Vx-4", PartCPU, 6, `unexpected "x"`},
		{"SCS-1234567890V-4", PartCPU, 4, "too large"},
		{"SCS-2V", PartRAM, 6, "missing"},
		{"SCS-2V_kvm", PartRAM, 6, "missing"},
		{"SCS-2V--20", PartRAM, 7, "want the RAM size"},
		{"SCS-2V-0", PartRAM, 7, "more than 0"},
		{"SCS-2V-04", PartRAM, 7, "leading zero"},
		{"SCS-2V-1.25", PartRAM, 7, "whole or half GiB"},
		{"SCS-2V-4.0", PartRAM, 7, "without a fraction"},
		{"SCS-2V-.5", PartRAM, 7, "digit before the decimal point"},
		{"SCS-2V-4.", PartRAM, 7, "whole or half GiB"},
		{"SCS-2V-4ou", PartRAM, 9, "u (no ECC) must come before o"},
		{"SCS-2V-4x", PartRAM, 8, `unexpected "x"`},
		{"SCS-2V-four", PartRAM, 7, `got "f"`},
		{"SCS-2V-4-20q", PartDisk, 11, `disk type "q"`},
		{"SCS-2V-4-0", PartDisk, 9, "at least 1 GiB"},
		{"SCS-2V-4-020", PartDisk, 9, "leading zero"},
		{"SCS-2V-4-1.5n", PartDisk, 9, "whole GiB"},
		{"SCS-2V-4-3x", PartDisk, 11, "want a disk size in GiB after 3x"},
		{"SCS-2V-4-3xn", PartDisk, 11, "want a disk size"},
		{"SCS-2V-4-0x10", PartDisk, 9, "at least 1"},
		{"SCS-2V-4-x10", PartDisk, 9, "want the number of disks"},
		{"SCS-2V-4-20S", PartDisk, 11, `disk type "S"`},
		{"SCS-2V-4-20s-5", PartDisk, 12, "at most three parts"},
		{"SCS-2V-4-20s_", PartExtension, 13, "empty extension"},
		{"SCS-2V-4-20s__kvm", PartExtension, 13, "empty extension"},
		{"SCS-2V-4_foo", PartExtension, 9, `unknown extension "foo"`},
		{"SCS-2V-4_KVM", PartExtension, 9, `unknown extension "KVM"`},
		{"SCS-2V-4_ic3", PartExtension, 9, `CPU extension "ic3"`},
		{"SCS-2V-4_z5", PartExtension, 10, "want 0 to 4"},
		{"SCS-2V-4_a4", PartExtension, 10, "want 0 to 3"},
		{"SCS-2V-4_z3hhhh", PartExtension, 9, "at most hhh"},
		{"SCS-2V-4_hwv_kvm", PartExtension, 13, `"kvm" must come before "hwv"`},
		{"SCS-2V-4_ib_z3", PartExtension, 12, `"z3" must come before "ib"`},
		{"SCS-2V-4_kvm_bms", PartExtension, 13, "second hypervisor"},
		{"SCS-2V-4_G", PartExtension, 9, "want a vendor"},
		{"SCS-2V-4_GX", PartExtension, 10, `vendor "X"`},
		{"SCS-2V-4_GNq", PartExtension, 11, `generation "q"`},
		{"SCS-2V-4_GNa-", PartExtension, 9, "compute units"},
		{"SCS-2V-4_GNa-0", PartExtension, 9, "at least 1"},
		{"SCS-2V-4_GNah-14", PartExtension, 9, "at most hhh"},
		{"SCS-2V-4 ", PartRAM, 8, `unexpected " "`},
		{"SCS-2V-4-20ß", PartDisk, 11, `disk type "ß"`},
		{"SCS-\xff-4", PartCPU, 4, `got "\xff"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.name)
			if err == nil {
				t.Fatalf("Parse = %+v, want an error", f)
			}
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("errors.Is(%v, ErrInvalidName) = false", err)
			}
			var ne *NameError
			if !errors.As(err, &ne) {
				t.Fatalf("error %T is not a *NameError", err)
			}
			if ne.Part != tt.part || ne.Offset != tt.offset || !strings.Contains(ne.Reason, tt.reason) {
				t.Errorf("got part %s at %d: %q\nwant part %s at %d containing %q", ne.Part, ne.Offset, ne.Reason, tt.part, tt.offset, tt.reason)
			}
			if !reflect.DeepEqual(f, Flavor{}) {
				t.Errorf("Parse returned %+v with its error, want the zero Flavor", f)
			}
		})
	}
}

func TestNameErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := Parse("SCS-0V-4")
	want := `invalid SCS flavor name "SCS-0V-4": cpu part at byte 4: vCPU count must be at least 1`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestResources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want Resources
	}{
		{"SCS-2V-4-20s", Resources{VCPU: 2, MemoryMiB: 4096, DiskGiB: 20}},
		{"SCS-4C-16-2x200p", Resources{VCPU: 4, MemoryMiB: 16384, DiskGiB: 400}},
		{"SCS-1V-0.5", Resources{VCPU: 1, MemoryMiB: 512, DiskGiB: 0}},
		{"SCS-2C-4-n", Resources{VCPU: 2, MemoryMiB: 4096, DiskGiB: 0}},
	}
	for _, tt := range tests {
		if got := MustParse(tt.name).Resources(); got != tt.want {
			t.Errorf("%s: Resources() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil {
			t.Error("MustParse of an invalid name did not panic")
		}
	}()
	MustParse("SCS-2X-4")
}

// genFlavor draws a valid flavor straight from the grammar, in canonical form.
func genFlavor(t *rapid.T) Flavor {
	f := Flavor{
		VCPUs:             rapid.IntRange(1, 999999999).Draw(t, "vcpus"),
		CPUType:           rapid.SampledFrom([]CPUType{CPULowPerf, CPUShared, CPUDedicatedThread, CPUDedicatedCore}).Draw(t, "cputype"),
		CPUInsecure:       rapid.Bool().Draw(t, "i"),
		RAMMiB:            512 * rapid.Int64Range(1, 2*999999999).Draw(t, "halfgib"),
		RAMNoECC:          rapid.Bool().Draw(t, "u"),
		RAMOversubscribed: rapid.Bool().Draw(t, "o"),
		DiskType:          rapid.SampledFrom([]DiskType{DiskAny, DiskNetwork, DiskHDD, DiskSSD, DiskNVMe}).Draw(t, "disktype"),
	}
	switch rapid.IntRange(0, 2).Draw(t, "diskform") {
	case 0: // no disk part
		f.DiskType = DiskAny
	case 1: // disk without size
		f.Disks = 1
	case 2:
		f.Disks = rapid.IntRange(1, 999999999).Draw(t, "disks")
		f.DiskGiB = int64(f.Disks) * rapid.Int64Range(1, 999999999).Draw(t, "size")
	}
	if rapid.Bool().Draw(t, "hyp") {
		f.Extensions = append(f.Extensions, rapid.SampledFrom([]string{"kvm", "xen", "vmw", "hyv", "bms"}).Draw(t, "hypervisor"))
	}
	if rapid.Bool().Draw(t, "hwv") {
		f.Extensions = append(f.Extensions, "hwv")
	}
	if rapid.Bool().Draw(t, "cpu") {
		vendor := rapid.SampledFrom([]string{"i", "z", "a", "r"}).Draw(t, "vendor")
		gen := ""
		if hi := int(cpuGenerations[vendor[0]] - '0'); hi > 0 {
			if g := rapid.IntRange(0, hi).Draw(t, "gen"); g > 0 {
				gen = strconv.Itoa(g)
			}
		}
		f.Extensions = append(f.Extensions, vendor+gen+strings.Repeat("h", rapid.IntRange(0, 3).Draw(t, "cpuh")))
	}
	if rapid.Bool().Draw(t, "gpu") {
		vendor := rapid.SampledFrom([]string{"N", "A", "I"}).Draw(t, "gpuvendor")
		ext := rapid.SampledFrom([]string{"G", "g"}).Draw(t, "gputype") + vendor
		if rapid.Bool().Draw(t, "hasgen") {
			ext += rapid.SampledFrom(gpuGenerations[vendor[0]]).Draw(t, "gpugen")
		}
		if rapid.Bool().Draw(t, "hascu") {
			ext += "-" + strconv.Itoa(rapid.IntRange(1, 999999999).Draw(t, "cu"))
		}
		f.Extensions = append(f.Extensions, ext+strings.Repeat("h", rapid.IntRange(0, 3).Draw(t, "gpuh")))
	}
	if rapid.Bool().Draw(t, "ib") {
		f.Extensions = append(f.Extensions, "ib")
	}
	f.Name = f.String()
	return f
}

// Every flavor the grammar allows survives String then Parse unchanged.
func TestStringParseRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		want := genFlavor(t)
		got, err := Parse(want.Name)
		if err != nil {
			t.Fatalf("Parse(%q): %v", want.Name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q):\n got %+v\nwant %+v", want.Name, got, want)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SCS-2V-4-20s", "SCS-4V-16-50", "SCS-8V-32-100", "SCS-1L-1", "SCS-2V-4",
		"SCS-16V-64-200s", "SCS-4C-16-2x200p", "SCS-2V-8-20s_kvm", "SCS-1V-0.5",
		"SCS-2Li-3.5uo-3x10h_bms_hwv_z3hh_GNa-14h_ib", "SCS-2C-4-", "SCS-2C-4-n",
		"SCS-2C-4-_bms_z0", "SCS-2V-4-1x10", "SCS-8C-32-50_gA0.4-8_ib",
		"SCS-0V-4", "SCS-2X-4", "scs-2V-4", "SCS-2V", "SCS-2V--20", "SCS-2V-4-20q",
		"FOO-2V-4", "SCS-2V-4-0", "", "SCS-2V-4_ib_kvm",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		fl, err := Parse(name)
		if err != nil {
			var ne *NameError
			if !errors.Is(err, ErrInvalidName) || !errors.As(err, &ne) {
				t.Fatalf("Parse(%q) error %v is not a *NameError wrapping ErrInvalidName", name, err)
			}
			if ne.Offset < 0 || ne.Offset > len(name) || ne.Name != name || ne.Reason == "" {
				t.Fatalf("Parse(%q): malformed error %+v", name, ne)
			}
			return
		}
		if fl.Name != name {
			t.Fatalf("Parse(%q).Name = %q", name, fl.Name)
		}
		r := fl.Resources()
		if r.VCPU < 1 || r.MemoryMiB < 512 || r.MemoryMiB%512 != 0 || r.DiskGiB < 0 {
			t.Fatalf("Parse(%q): implausible resources %+v", name, r)
		}
		canonical := fl.String()
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its canonical form %q does not parse: %v", name, canonical, err)
		}
		if got := again.String(); got != canonical {
			t.Fatalf("canonical form not stable: %q -> %q -> %q", name, canonical, got)
		}
		again.Name = name
		if !reflect.DeepEqual(again, fl) {
			t.Fatalf("round trip changed the flavor:\n%q: %+v\n%q: %+v", name, fl, canonical, again)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"SCS-2V-4", "SCS-4C-16-2x200p", "SCS-16T-64-200s_bms_hwv_z3h_GNa-64_ib"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

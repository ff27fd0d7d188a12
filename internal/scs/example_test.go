package scs_test

import (
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/scs"
)

func ExampleParse() {
	f, err := scs.Parse("SCS-4C-16-2x200p_kvm")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d%s, %d MiB, %d×%s = %d GiB, %v\n", f.VCPUs, f.CPUType, f.RAMMiB, f.Disks, f.DiskType, f.DiskGiB, f.Extensions)
	fmt.Printf("%+v\n", f.Resources())

	_, err = scs.Parse("SCS-2V-4-20q")
	var ne *scs.NameError
	fmt.Println(errors.Is(err, scs.ErrInvalidName), errors.As(err, &ne) && ne.Part == scs.PartDisk)
	fmt.Println(err)
	// Output:
	// 4C, 16384 MiB, 2×p = 400 GiB, [kvm]
	// {VCPU:4 MemoryMiB:16384 DiskGiB:400}
	// true true
	// invalid SCS flavor name "SCS-2V-4-20q": disk part at byte 11: disk type "q": want n (network), h (local HDD), s (local SSD) or p (local NVMe)
}

func ExampleFlavor_String() {
	f := scs.MustParse("SCS-2V-4-1x10s_z0")
	fmt.Println(f.Name, "->", f)
	// Output: SCS-2V-4-1x10s_z0 -> SCS-2V-4-10s_z
}

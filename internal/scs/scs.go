package scs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrInvalidName is wrapped by every error that Parse returns.
var ErrInvalidName = errors.New("invalid SCS flavor name")

// MaxNameLen is the longest name Parse accepts, in bytes: OpenStack's limit
// for a flavor name.
const MaxNameLen = 255

// maxDigits bounds every number in a name, so that no arithmetic on the
// parsed values can overflow (9 digits × 9 digits < 2^63).
const maxDigits = 9

// Part names the part of a flavor name that a NameError is about.
type Part string

// The parts of a flavor name, in the order they appear.
const (
	PartName      Part = "name" // the name as a whole: empty or too long
	PartPrefix    Part = "prefix"
	PartCPU       Part = "cpu"
	PartRAM       Part = "ram"
	PartDisk      Part = "disk"
	PartExtension Part = "extension"
)

// NameError explains why Parse rejected a name. It wraps ErrInvalidName.
type NameError struct {
	Name   string // the name as given to Parse
	Part   Part   // the part that is wrong
	Offset int    // byte offset in Name where the problem starts
	Reason string // what is wrong and what was expected
}

func (e *NameError) Error() string {
	return fmt.Sprintf("%v %q: %s part at byte %d: %s", ErrInvalidName, e.Name, e.Part, e.Offset, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalidName) hold.
func (e *NameError) Unwrap() error { return ErrInvalidName }

// CPUType is the kind of vCPU a flavor promises.
type CPUType string

// CPU types, from the least to the most dedicated.
const (
	CPULowPerf         CPUType = "L" // vCPU, heavily oversubscribed
	CPUShared          CPUType = "V" // vCPU, at least 20% of a core >99% of the time
	CPUDedicatedThread CPUType = "T" // dedicated hardware thread (SMT)
	CPUDedicatedCore   CPUType = "C" // dedicated core
)

// DiskType is the kind of root disk a flavor promises.
type DiskType string

// Disk types. DiskAny means the name leaves the type to the cloud.
const (
	DiskAny     DiskType = ""
	DiskNetwork DiskType = "n" // network shared storage (ceph, cinder)
	DiskHDD     DiskType = "h" // local HDD
	DiskSSD     DiskType = "s" // local SSD
	DiskNVMe    DiskType = "p" // local high-performance NVMe
)

// Flavor is a parsed SCS flavor name.
type Flavor struct {
	// Name is the name as given to Parse; String returns the canonical one.
	Name string `json:"name"`

	VCPUs   int     `json:"vcpus"`
	CPUType CPUType `json:"cpu_type"`
	// CPUInsecure is the i suffix: microcode or SMT mitigations are not
	// guaranteed.
	CPUInsecure bool `json:"cpu_insecure,omitempty"`

	// RAMMiB is the memory, exactly: the name gives whole or half GiB.
	RAMMiB int64 `json:"ram_mib"`
	// RAMNoECC is the u suffix: memory without ECC.
	RAMNoECC bool `json:"ram_no_ecc,omitempty"`
	// RAMOversubscribed is the o suffix.
	RAMOversubscribed bool `json:"ram_oversubscribed,omitempty"`

	// Disks is the number of root disks: 0 when the name has no disk part
	// (the user boots from a volume they create), else 1 or the M of MxN.
	Disks int `json:"disks"`
	// DiskGiB is the total root disk size over all Disks. It is 0 when there
	// is no disk part, and also when the disk part gives no size (SCS-2V-4-
	// or SCS-2V-4-n), in which case the cloud sizes the disk from the image.
	DiskGiB  int64    `json:"disk_gib"`
	DiskType DiskType `json:"disk_type,omitempty"`

	// Extensions are the extension parts in canonical form and standard
	// order, without their leading underscore: e.g. ["bms", "z3h", "ib"].
	// Nil when there are none.
	Extensions []string `json:"extensions,omitempty"`
}

// Resources is what a flavor takes from a host, in placement's units.
type Resources struct {
	VCPU      int64 `json:"vcpu"`
	MemoryMiB int64 `json:"memory_mib"`
	DiskGiB   int64 `json:"disk_gib"`
}

// Resources returns the vCPUs, memory and total root disk the flavor
// promises. DiskGiB is 0 for flavors without a sized root disk.
func (f Flavor) Resources() Resources {
	return Resources{VCPU: int64(f.VCPUs), MemoryMiB: f.RAMMiB, DiskGiB: f.DiskGiB}
}

// String returns the canonical name of the flavor. For every flavor that
// Parse returns, Parse(f.String()) returns the same flavor (but for Name).
func (f Flavor) String() string {
	var b strings.Builder
	b.WriteString("SCS-")
	b.WriteString(strconv.Itoa(f.VCPUs))
	b.WriteString(string(f.CPUType))
	if f.CPUInsecure {
		b.WriteByte('i')
	}
	b.WriteByte('-')
	b.WriteString(formatGiB(f.RAMMiB))
	if f.RAMNoECC {
		b.WriteByte('u')
	}
	if f.RAMOversubscribed {
		b.WriteByte('o')
	}
	if f.Disks > 0 {
		b.WriteByte('-')
		if f.DiskGiB > 0 {
			if f.Disks > 1 {
				b.WriteString(strconv.Itoa(f.Disks))
				b.WriteByte('x')
			}
			b.WriteString(strconv.FormatInt(f.DiskGiB/int64(f.Disks), 10))
		}
		b.WriteString(string(f.DiskType))
	}
	for _, e := range f.Extensions {
		b.WriteByte('_')
		b.WriteString(e)
	}
	return b.String()
}

// formatGiB writes MiB as GiB: "4", "0.5", "3.5".
func formatGiB(mib int64) string {
	if mib%1024 == 0 {
		return strconv.FormatInt(mib/1024, 10)
	}
	return strconv.FormatFloat(float64(mib)/1024, 'f', -1, 64)
}

// MustParse is Parse for names known to be valid, such as constants in
// seeds and tests. It panics on an invalid name.
func MustParse(name string) Flavor {
	f, err := Parse(name)
	if err != nil {
		panic(err)
	}
	return f
}

// Parse parses and validates a flavor name. Errors are *NameError and wrap
// ErrInvalidName.
func Parse(name string) (Flavor, error) {
	p := parser{name: name}
	f, err := p.parse()
	if err != nil {
		return Flavor{}, err
	}
	return f, nil
}

type parser struct {
	name string
}

func (p *parser) fail(part Part, at int, format string, args ...any) error {
	return &NameError{Name: p.name, Part: part, Offset: at, Reason: fmt.Sprintf(format, args...)}
}

func (p *parser) parse() (Flavor, error) {
	const prefix = "SCS-"
	name := p.name
	switch {
	case name == "":
		return Flavor{}, p.fail(PartName, 0, "name is empty")
	case len(name) > MaxNameLen:
		return Flavor{}, p.fail(PartName, MaxNameLen, "name is longer than %d bytes", MaxNameLen)
	case !strings.HasPrefix(name, prefix):
		if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			return Flavor{}, p.fail(PartPrefix, 0, "want %q, got %q: letters are case-sensitive", prefix, name[:len(prefix)])
		}
		return Flavor{}, p.fail(PartPrefix, 0, "want the name to start with %q", prefix)
	}

	f := Flavor{Name: name}
	off := len(prefix)
	base, exts, hasExts := strings.Cut(name[off:], "_")

	cpu, rest, hasRAM := strings.Cut(base, "-")
	if err := p.cpu(&f, cpu, off); err != nil {
		return Flavor{}, err
	}
	off += len(cpu)
	if !hasRAM {
		return Flavor{}, p.fail(PartRAM, off, "missing: want \"-\" and the RAM size in GiB after the CPU part")
	}
	off++

	ram, disk, hasDisk := strings.Cut(rest, "-")
	if err := p.ram(&f, ram, off); err != nil {
		return Flavor{}, err
	}
	off += len(ram)
	if hasDisk {
		off++
		if i := strings.IndexByte(disk, '-'); i >= 0 {
			return Flavor{}, p.fail(PartDisk, off+i, "unexpected %q: a name has at most three parts (CPU, RAM, disk) before its extensions", disk[i:])
		}
		if err := p.disk(&f, disk, off); err != nil {
			return Flavor{}, err
		}
		off += len(disk)
	}
	if hasExts {
		if err := p.extensions(&f, exts, off+1); err != nil {
			return Flavor{}, err
		}
	}
	return f, nil
}

// number checks that s is a decimal number as the standard writes them:
// non-empty, ASCII digits only, no leading zeros, at most maxDigits long.
// It returns the value or a reason.
func number(s, what string) (int64, string) {
	switch {
	case s == "":
		return 0, "want " + what
	case len(s) > maxDigits:
		return 0, fmt.Sprintf("%s %s is too large (at most %d digits)", what, s, maxDigits)
	case len(s) > 1 && s[0] == '0':
		return 0, fmt.Sprintf("%s %s has a leading zero", what, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil { // unreachable: s is at most 9 ASCII digits
		return 0, fmt.Sprintf("%s %q is not a number", what, s)
	}
	return n, ""
}

// digits returns the length of the run of ASCII digits at the start of s.
func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// first returns the first character of s, for error messages.
func first(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s[:n]
	}
	return string(r)
}

func (p *parser) cpu(f *Flavor, s string, off int) error {
	n := digits(s)
	count, why := number(s[:n], "the vCPU count")
	if why != "" {
		if n == 0 && s != "" {
			why = fmt.Sprintf("want the vCPU count, got %q", first(s))
		}
		return p.fail(PartCPU, off, "%s", why)
	}
	if count == 0 {
		return p.fail(PartCPU, off, "vCPU count must be at least 1")
	}
	f.VCPUs = int(count)

	rest := s[n:]
	if rest == "" {
		return p.fail(PartCPU, off+n, "missing CPU type after the count: want L, V, T or C")
	}
	switch t := CPUType(rest[:1]); t {
	case CPULowPerf, CPUShared, CPUDedicatedThread, CPUDedicatedCore:
		f.CPUType = t
	default:
		return p.fail(PartCPU, off+n, "CPU type %q: want L, V, T or C", first(rest))
	}
	switch rest = rest[1:]; rest {
	case "":
	case "i":
		f.CPUInsecure = true
	default:
		return p.fail(PartCPU, off+n+1, "unexpected %q after the CPU type: only the suffix i (insufficient microcode) may follow", rest)
	}
	return nil
}

func (p *parser) ram(f *Flavor, s string, off int) error {
	n := digits(s)
	whole := s[:n]
	half := false
	end := n
	if end < len(s) && s[end] == '.' {
		fn := digits(s[end+1:])
		frac := s[end+1 : end+1+fn]
		end += 1 + fn
		switch {
		case whole == "":
			return p.fail(PartRAM, off, "want a digit before the decimal point, got %q", s[:end])
		case frac == "5":
			half = true
		case frac != "" && strings.Trim(frac, "0") == "":
			return p.fail(PartRAM, off, "write %s without a fraction, not %q", whole, s[:end])
		default:
			return p.fail(PartRAM, off, "RAM must be whole or half GiB (e.g. 4 or 3.5), got %q", s[:end])
		}
	}
	gib, why := number(whole, "the RAM size in GiB (e.g. 4 or 0.5)")
	if why != "" {
		if n == 0 && s != "" {
			why = fmt.Sprintf("want the RAM size in GiB (e.g. 4 or 0.5), got %q", first(s))
		}
		return p.fail(PartRAM, off, "%s", why)
	}
	f.RAMMiB = gib * 1024
	if half {
		f.RAMMiB += 512
	}
	if f.RAMMiB == 0 {
		return p.fail(PartRAM, off, "RAM must be more than 0 GiB")
	}

	rest := s[end:]
	at := off + end
	if strings.HasPrefix(rest, "u") {
		f.RAMNoECC = true
		rest, at = rest[1:], at+1
	}
	if strings.HasPrefix(rest, "o") {
		f.RAMOversubscribed = true
		rest, at = rest[1:], at+1
	}
	switch {
	case rest == "":
		return nil
	case rest == "u" && f.RAMOversubscribed && !f.RAMNoECC:
		return p.fail(PartRAM, at, "suffix u (no ECC) must come before o (oversubscribed)")
	default:
		return p.fail(PartRAM, at, "unexpected %q after the RAM size: only the suffixes u (no ECC) and o (oversubscribed) may follow, in that order", rest)
	}
}

func (p *parser) disk(f *Flavor, s string, off int) error {
	f.Disks = 1
	n := digits(s)
	if n < len(s) && s[n] == 'x' {
		m, why := number(s[:n], "the number of disks before x")
		if why != "" {
			return p.fail(PartDisk, off, "%s", why)
		}
		if m == 0 {
			return p.fail(PartDisk, off, "number of disks must be at least 1")
		}
		f.Disks = int(m)
		s, off = s[n+1:], off+n+1
		n = digits(s)
		if n == 0 {
			return p.fail(PartDisk, off, "want a disk size in GiB after %dx", m)
		}
	}
	if n > 0 {
		size, why := number(s[:n], "the disk size in GiB")
		if why != "" {
			return p.fail(PartDisk, off, "%s", why)
		}
		if size == 0 {
			return p.fail(PartDisk, off, "disk size must be at least 1 GiB")
		}
		f.DiskGiB = size * int64(f.Disks)
	}
	switch t := DiskType(s[n:]); t {
	case DiskAny, DiskNetwork, DiskHDD, DiskSSD, DiskNVMe:
		f.DiskType = t
		return nil
	}
	if s[n] == '.' && n > 0 {
		return p.fail(PartDisk, off, "disk sizes are whole GiB, got %q", s)
	}
	return p.fail(PartDisk, off+n, "disk type %q: want n (network), h (local HDD), s (local SSD) or p (local NVMe)", s[n:])
}

// Extension kinds, in the order the standard requires them.
const (
	extHypervisor = iota
	extHWVirt
	extCPU
	extGPU
	extIB
)

var extKindName = [...]string{
	extHypervisor: "hypervisor",
	extHWVirt:     "hwv",
	extCPU:        "CPU architecture",
	extGPU:        "GPU",
	extIB:         "ib",
}

// cpuGenerations is the highest generation the standard assigns per CPU
// vendor letter (intel, AMD Zen, ARM, RISC-V).
var cpuGenerations = map[byte]byte{'i': '4', 'z': '4', 'a': '3', 'r': '0'}

// gpuGenerations lists the generation codes per GPU vendor letter
// (nVidia, AMD, Intel), as in the standard's reference implementation.
var gpuGenerations = map[byte][]string{
	'N': {"f", "k", "m", "p", "v", "t", "a", "l"},
	'A': {"0.4", "0.5", "1", "2", "3"},
	'I': {"0.9", "0.95", "1", "2"},
}

func (p *parser) extensions(f *Flavor, s string, off int) error {
	last, lastTok := -1, ""
	for tok := range strings.SplitSeq(s, "_") {
		kind, canon, err := p.extension(tok, off)
		if err != nil {
			return err
		}
		switch {
		case kind == last:
			return p.fail(PartExtension, off, "second %s extension %q: %q is already there", extKindName[kind], tok, lastTok)
		case kind < last:
			return p.fail(PartExtension, off, "extension %q must come before %q: the order is hypervisor, hwv, CPU, GPU, ib", tok, lastTok)
		}
		last, lastTok = kind, tok
		f.Extensions = append(f.Extensions, canon)
		off += len(tok) + 1
	}
	return nil
}

// extension classifies and validates one extension token and returns its
// kind and canonical spelling.
func (p *parser) extension(tok string, off int) (int, string, error) {
	switch tok {
	case "":
		return 0, "", p.fail(PartExtension, off, "empty extension: want a name after \"_\"")
	case "kvm", "xen", "vmw", "hyv", "bms":
		return extHypervisor, tok, nil
	case "hwv":
		return extHWVirt, tok, nil
	case "ib":
		return extIB, tok, nil
	}
	switch tok[0] {
	case 'i', 'z', 'a', 'r':
		canon, err := p.cpuExt(tok, off)
		return extCPU, canon, err
	case 'G', 'g':
		return extGPU, tok, p.gpuExt(tok, off)
	}
	return 0, "", p.fail(PartExtension, off, "unknown extension %q: want a hypervisor (kvm, xen, vmw, hyv, bms), hwv, a CPU (i, z, a or r, then generation and h), a GPU (G or g, then N, A or I) or ib", tok)
}

// cpuExt validates _arch[N][h...] and drops a generation 0, which the
// standard says to leave out.
func (p *parser) cpuExt(tok string, off int) (string, error) {
	vendor, rest := tok[0], tok[1:]
	gen := ""
	if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		gen, rest = rest[:1], rest[1:]
		if hi := cpuGenerations[vendor]; gen[0] > hi {
			return "", p.fail(PartExtension, off+1, "CPU extension %q: generation %s of vendor %c: want 0 to %c", tok, gen, vendor, hi)
		}
	}
	if strings.Trim(rest, "h") != "" {
		return "", p.fail(PartExtension, off, "CPU extension %q: want vendor i, z, a or r, an optional generation digit, then at most hhh", tok)
	}
	if len(rest) > 3 {
		return "", p.fail(PartExtension, off, "CPU extension %q: at most hhh", tok)
	}
	if gen == "0" {
		gen = ""
	}
	return string(vendor) + gen + rest, nil
}

// gpuExt validates _[G|g]X[gen][-M][h...].
func (p *parser) gpuExt(tok string, off int) error {
	if len(tok) < 2 {
		return p.fail(PartExtension, off, "GPU extension %q: want a vendor after %c: N (nVidia), A (AMD) or I (Intel)", tok, tok[0])
	}
	vendor := tok[1]
	gens, ok := gpuGenerations[vendor]
	if !ok {
		return p.fail(PartExtension, off+1, "GPU extension %q: vendor %q: want N (nVidia), A (AMD) or I (Intel)", tok, first(tok[1:]))
	}
	rest := tok[2:]
	i := strings.IndexAny(rest, "-h")
	if i < 0 {
		i = len(rest)
	}
	if gen := rest[:i]; gen != "" {
		known := false
		for _, g := range gens {
			known = known || g == gen
		}
		if !known {
			return p.fail(PartExtension, off+2, "GPU extension %q: generation %q of vendor %c: want one of %s", tok, gen, vendor, strings.Join(gens, ", "))
		}
	}
	rest = rest[i:]
	if strings.HasPrefix(rest, "-") {
		n := digits(rest[1:])
		cu, why := number(rest[1:1+n], "the number of compute units after -")
		if why != "" {
			return p.fail(PartExtension, off, "GPU extension %q: %s", tok, why)
		}
		if cu == 0 {
			return p.fail(PartExtension, off, "GPU extension %q: number of compute units must be at least 1", tok)
		}
		rest = rest[1+n:]
	}
	if strings.Trim(rest, "h") != "" || len(rest) > 3 {
		return p.fail(PartExtension, off, "GPU extension %q: want [G|g] vendor [generation] [-units] then at most hhh", tok)
	}
	return nil
}

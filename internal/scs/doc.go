// Package scs parses and validates Sovereign Cloud Stack flavor names as
// defined by the SCS Flavor Naming Standard, scs-0100 version 3, and derives
// the resources (vCPUs, memory, root disk) that a name promises.
//
// A name has the shape
//
//	SCS-<N><L|V|T|C>[i]-<GiB>[u][o][-[<M>x][<N>][n|h|s|p]][_ext...]
//
// for example SCS-2V-4-20s, SCS-4C-16-2x200p or SCS-16T-64-200s_GNa-64_ib.
// Letters are case-sensitive. Extensions, when present, must follow the
// order hypervisor, hwv, CPU architecture, GPU, ib.
//
// Parse is strict: it rejects anything the standard does not describe and
// returns a *NameError (which wraps ErrInvalidName) that names the part of
// the name that is wrong, the byte offset where it starts, and what was
// expected there. Some valid names have several spellings (SCS-2V-4-1x10 and
// SCS-2V-4-10, or _z0 and _z); Flavor.String returns the canonical one.
//
// The package is pure: no I/O, no global state.
package scs

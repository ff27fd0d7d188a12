// Package bench holds the scenario benchmarks behind `soberana bench
// <scenario>`: each builds a synthetic world, runs a workload against the
// real code in one process and returns one result that the CLI prints as a
// JSON line. Sizes come from options, so the same scenario runs small in
// tests and at full size from the command line.
package bench

// Command soberana is the sovereign cloud control plane and its CLI.
package main

import "github.com/soberana/soberana/internal/cli"

func main() { cli.Main() }

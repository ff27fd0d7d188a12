// Command printversion prints buildinfo.Get() for TestLdflags.
package main

import (
	"fmt"

	"github.com/soberana/soberana/internal/buildinfo"
)

func main() { fmt.Print(buildinfo.Get().String()) }

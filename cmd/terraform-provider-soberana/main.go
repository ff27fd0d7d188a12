// Command terraform-provider-soberana is the Terraform and OpenTofu
// provider of soberana (registry address soberana/soberana). Terraform
// starts it; it is not meant to be run by hand.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/soberana/soberana/internal/buildinfo"
	"github.com/soberana/soberana/terraform"
)

func main() {
	debug := flag.Bool("debug", false, "run with support for debuggers such as delve")
	flag.Parse()
	err := providerserver.Serve(context.Background(), terraform.New(buildinfo.Get().Version), providerserver.ServeOpts{
		Address: terraform.Address,
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}

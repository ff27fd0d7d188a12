package cli

import (
	"context"

	"github.com/soberana/soberana/internal/client"
)

// call makes one API call with the command's client: body (nil: none)
// goes as JSON, and the answer is decoded into out (nil: dropped). It
// returns the client for the commands that go on with it.
func (g *globals) call(ctx context.Context, method, path string, body, out any) (*client.Client, error) {
	cl, err := g.client()
	if err != nil {
		return nil, err
	}
	_, err = cl.Do(ctx, method, path, body, out)
	return cl, err
}

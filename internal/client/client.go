// Package client keeps the name the CLI and the tests have always used
// for the public SDK, github.com/soberana/soberana/client, which it is.
package client

import sdk "github.com/soberana/soberana/client"

// Client calls one soberana server (see the public SDK).
type Client = sdk.Client

// Problem is an RFC 9457 error returned by the server.
type Problem = sdk.Problem

// New returns a client for base (e.g. http://127.0.0.1:8080).
func New(base, token string) *Client { return sdk.New(base, token) }

// Query encodes query parameters.
func Query(kv map[string]string) string { return sdk.Query(kv) }

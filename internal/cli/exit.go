package cli

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	sdk "github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/client"
)

// Exit codes of the CLI, documented in docs/cli.md. Scripts branch on them
// the way they do on kubectl's and gh's: a usage mistake is not a server
// outage, and a timeout is not a refusal.
const (
	ExitOK       = 0 // success
	ExitError    = 1 // any other error (local file unreadable, workload failed, …)
	ExitUsage    = 2 // wrong command line: unknown command, noun, flag or output, wrong arguments, unsupported --lang
	ExitAuth     = 3 // no token, or the API answered 401/403
	ExitNotFound = 4 // the API answered 404, or a name matched nothing
	ExitConflict = 5 // the API refused the request: 400, 409, 412, 422; or a name is ambiguous
	ExitServer   = 6 // the server failed or is unreachable: 5xx, 429 after retries, connection refused
	ExitTimeout  = 7 // a wait (--timeout) or the request deadline ran out; a workload awaits approval
)

// exitError carries an exit code with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

func usageErr(err error) error    { return withCode(ExitUsage, err) }
func authErr(err error) error     { return withCode(ExitAuth, err) }
func notFoundErr(err error) error { return withCode(ExitNotFound, err) }
func conflictErr(err error) error { return withCode(ExitConflict, err) }
func timeoutErr(err error) error  { return withCode(ExitTimeout, err) }

// cobraUsagePrefixes are the messages cobra returns for command-line
// mistakes it does not route through FlagErrorFunc or Args.
var cobraUsagePrefixes = []string{"unknown command", "unknown flag", "unknown shorthand flag", "required flag(s)",
	"if any flags in the group", "at least one of the flags", "flag needs an argument", "invalid argument",
	"accepts ", "requires at least", "requires at most", "received ", "invalid argument"}

// ExitCode maps an error to the CLI's exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var we *sdk.WaitError
	if errors.As(err, &we) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sdk.ErrPendingApproval) {
		return ExitTimeout
	}
	var p *client.Problem
	if errors.As(err, &p) {
		switch {
		case p.Status == http.StatusUnauthorized || p.Status == http.StatusForbidden:
			return ExitAuth
		case p.Status == http.StatusNotFound || p.Status == http.StatusGone:
			return ExitNotFound
		case p.Status == http.StatusRequestTimeout || p.Status == http.StatusGatewayTimeout:
			return ExitTimeout
		case p.Status == http.StatusTooManyRequests || p.Status >= 500:
			return ExitServer
		case p.Status >= 400:
			return ExitConflict
		}
		return ExitError
	}
	if strings.HasPrefix(err.Error(), "calling ") { // the SDK's transport error: unreachable
		return ExitServer
	}
	for _, pre := range cobraUsagePrefixes {
		if strings.HasPrefix(err.Error(), pre) {
			return ExitUsage
		}
	}
	return ExitError
}

// markUsage makes every argument-count and flag mistake in the tree an
// ExitUsage error (unknown commands are recognised by cobra's message).
func markUsage(root *cobra.Command) {
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if a := c.Args; a != nil {
			c.Args = func(cmd *cobra.Command, args []string) error { return usageErr(a(cmd, args)) }
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

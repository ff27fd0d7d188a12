package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/provider"
)

// Reason is why a call to the cloud failed, as a stable code.
type Reason string

// Reasons the driver reports.
const (
	ReasonQuotaExceeded Reason = "quota_exceeded"  // Nova/Cinder refused: over the project's quota
	ReasonNoValidHost   Reason = "no_valid_host"   // the scheduler found no host for the server
	ReasonAuth          Reason = "auth_failed"     // Keystone refused the credentials
	ReasonForbidden     Reason = "forbidden"       // the credential lacks a role for the call
	ReasonTimeout       Reason = "timeout"         // the cloud did not answer in time
	ReasonUnreachable   Reason = "unreachable"     // connection refused, DNS, TLS
	ReasonCloudError    Reason = "cloud_error"     // the cloud answered 5xx
	ReasonBadRequest    Reason = "bad_request"     // the cloud refused the request as invalid
	ReasonBuildFailed   Reason = "build_failed"    // the server went to ERROR for another cause
	ReasonFlavorMissing Reason = "flavor_missing"  // no flavor of the cloud matches the offering
	ReasonImageMissing  Reason = "image_missing"   // no image configured or found for the offering
	ReasonUnmappedSite  Reason = "unmapped_site"   // the site is not mapped to an AZ of the provider
	ReasonNoConfig      Reason = "not_configured"  // the provider has no openstack config
	ReasonNoService     Reason = "service_missing" // the cloud's catalog lacks a service
)

// Error is a failure of a call to an OpenStack cloud. Retryable ones
// (timeouts, unreachable, 5xx, auth) also match provider.ErrUnavailable.
type Error struct {
	Reason Reason
	Op     string // what the driver was doing: "create server", "discover"
	Cloud  string
	Status int    // HTTP status, 0 when none
	Detail string // the cloud's own message (Nova's fault, the error body's message)
	Err    error  // the underlying error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "openstack %s", e.Op)
	if e.Cloud != "" {
		fmt.Fprintf(&b, " on cloud %s", e.Cloud)
	}
	fmt.Fprintf(&b, ": %s", i18n.T(i18n.EN, "openstack.reason."+string(e.Reason)))
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	return b.String()
}

// Unwrap returns the cause and, for retryable reasons, provider.ErrUnavailable.
func (e *Error) Unwrap() []error {
	out := []error{}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	if e.Retryable() {
		out = append(out, provider.ErrUnavailable)
	}
	return out
}

// Retryable reports whether trying again later may succeed without a
// person changing anything.
func (e *Error) Retryable() bool {
	switch e.Reason {
	case ReasonTimeout, ReasonUnreachable, ReasonCloudError, ReasonAuth:
		return true
	}
	return false
}

// Message returns the message key and arguments, for callers that record
// localizable reasons (workload.M(key, args...)).
func (e *Error) Message() (key string, args []string) {
	return "openstack.error", []string{e.Op, "openstack.reason." + string(e.Reason), e.Detail}
}

// Localize renders the error in a language.
func (e *Error) Localize(l i18n.Lang) string {
	r := i18n.T(l, "openstack.reason."+string(e.Reason))
	if e.Detail != "" {
		return i18n.T(l, "openstack.error.detail", r, e.Detail)
	}
	return r
}

// classify turns an error of a call to the cloud into an *Error.
func classify(op, cloud string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Cloud: cloud, Err: err}
	var code gophercloud.ErrUnexpectedResponseCode
	var nerr net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		e.Reason = ReasonTimeout
	case errors.Is(err, context.Canceled):
		e.Reason = ReasonTimeout
		e.Detail = "canceled"
	case errors.As(err, &code):
		e.Status = code.Actual
		e.Detail = bodyMessage(code.Body)
		e.Reason = reasonOf(code.Actual, e.Detail)
	case errors.As(err, &opErr):
		e.Reason = ReasonUnreachable
		e.Detail = opErr.Err.Error()
	default:
		var nf gophercloud.ErrEndpointNotFound
		if errors.As(err, &nf) {
			e.Reason = ReasonNoService
		} else {
			e.Reason = ReasonUnreachable
			e.Detail = err.Error()
		}
	}
	return e
}

// reasonOf maps an HTTP status (and, where OpenStack gives no code, the
// documented message of the API) to a reason.
func reasonOf(status int, msg string) Reason {
	switch {
	case status == http.StatusUnauthorized:
		return ReasonAuth
	case status == http.StatusRequestEntityTooLarge, status == http.StatusForbidden && isQuota(msg):
		// Nova answers 403 "Quota exceeded for cores: …"; Cinder 413.
		return ReasonQuotaExceeded
	case status == http.StatusForbidden:
		return ReasonForbidden
	case status == http.StatusRequestTimeout, status == http.StatusGatewayTimeout:
		return ReasonTimeout
	case status == http.StatusTooManyRequests, status >= 500:
		return ReasonCloudError
	default:
		return ReasonBadRequest
	}
}

// isQuota recognizes OpenStack's over-quota answers. Nova and Cinder give
// no machine-readable code for them (403 is also "policy does not allow"),
// so the API's documented message is the only signal.
func isQuota(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "quota exceeded") || strings.Contains(m, "exceeds quota") || strings.Contains(m, "overquota")
}

// faultReason maps a server's fault to a reason.
func faultReason(msg string) Reason {
	m := strings.ToLower(msg)
	switch {
	case strings.HasPrefix(m, "no valid host"):
		return ReasonNoValidHost
	case isQuota(m):
		return ReasonQuotaExceeded
	}
	return ReasonBuildFailed
}

// bodyMessage extracts the message of an OpenStack error body:
// {"forbidden": {"message": "…", "code": 403}} or {"error": {"message": …}}
// or {"NeutronError": {"message": …}}; the raw body otherwise.
func bodyMessage(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) == nil {
		for _, v := range m {
			var inner struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(v, &inner) == nil && inner.Message != "" {
				return inner.Message
			}
		}
		var flat struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &flat) == nil && flat.Message != "" {
			return flat.Message
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

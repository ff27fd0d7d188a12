package api

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestLogHandlerAddsRequestID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("component", "api")
	ctx := context.WithValue(context.Background(), keyRequestID, "abc123")
	log.InfoContext(ctx, "hello")
	log.Info("no request")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if !strings.Contains(lines[0], `"request_id":"abc123"`) || !strings.Contains(lines[0], `"component":"api"`) {
		t.Fatalf("first line: %s", lines[0])
	}
	if strings.Contains(lines[1], "request_id") {
		t.Fatalf("second line: %s", lines[1])
	}
}

package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/soberana/soberana/internal/model"
)

// AppendCheckpointFile appends c as one JSON line to the file at path
// (created 0644 when absent) and syncs it. The file is the copy of the
// checkpoints kept outside the database: point it at storage the database
// owner cannot rewrite (WORM, another host), and verify with
// `soberana audit verify --checkpoints FILE`.
func AppendCheckpointFile(path string, c model.AuditCheckpoint) error {
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("appending to the checkpoint file: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("appending to the checkpoint file %s: %w", path, err)
	}
	return nil
}

// ReadCheckpoints reads checkpoints as the checkpoint file holds them (JSON
// Lines) or as GET /v1/audit/checkpoints returns them (a JSON array), in
// sequence order. A webhook's deliveries, one checkpoint per line, read
// the same.
func ReadCheckpoints(r io.Reader) ([]model.AuditCheckpoint, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var out []model.AuditCheckpoint
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &out); err != nil {
			return nil, err
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for n := 1; sc.Scan(); n++ {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			// A line is a checkpoint, or a webhook delivery's body that
			// carries one.
			var c struct {
				model.AuditCheckpoint
				Checkpoint *model.AuditCheckpoint `json:"checkpoint"`
			}
			if err := json.Unmarshal(line, &c); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if c.Checkpoint != nil {
				c.AuditCheckpoint = *c.Checkpoint
			}
			out = append(out, c.AuditCheckpoint)
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// ReadCheckpointFile reads the checkpoints in the file at path.
func ReadCheckpointFile(path string) ([]model.AuditCheckpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cps, err := ReadCheckpoints(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cps, nil
}

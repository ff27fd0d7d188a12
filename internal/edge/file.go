package edge

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/soberana/soberana/internal/model"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParseFile reads an import file: CSV with a header row (name, latitude,
// longitude, subdivision, tier, capacity, endpoint, group; capacity as
// vcpus/memory_mib/disk_gib, or columns vcpus, memory_mib, disk_gib), or
// YAML (a list of rows, or a map with groups and subclouds). lines[i] is
// the file line of row i+1 (0 when unknown), for error reports. A cell
// that cannot be read at all (latitude "north") is an error naming its
// line; everything else is left to the server's validation.
func ParseFile(name string, data []byte) (req ImportRequest, lines []int, err error) {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml") {
		return parseYAML(data)
	}
	return parseCSV(data)
}

func parseYAML(data []byte) (ImportRequest, []int, error) {
	var req ImportRequest
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return req, nil, err
	}
	if len(root.Content) == 0 {
		return req, nil, nil
	}
	doc := root.Content[0]
	rowsNode := doc
	if doc.Kind == yaml.MappingNode {
		if err := doc.Decode(&req); err != nil {
			return req, nil, err
		}
		rowsNode = nil
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "subclouds" {
				rowsNode = doc.Content[i+1]
			}
		}
	} else if err := doc.Decode(&req.Subclouds); err != nil {
		return req, nil, err
	}
	var lines []int
	if rowsNode != nil {
		for _, n := range rowsNode.Content {
			lines = append(lines, n.Line)
		}
	}
	return req, lines, nil
}

// UnmarshalYAML accepts capacity as "16/65536/500" or a map.
func (r *Row) UnmarshalYAML(n *yaml.Node) error {
	type plain Row
	var aux struct {
		plain    `yaml:",inline"`
		Capacity yaml.Node `yaml:"capacity"`
	}
	if err := n.Decode(&aux); err != nil {
		return err
	}
	*r = Row(aux.plain)
	switch aux.Capacity.Kind {
	case 0:
	case yaml.ScalarNode:
		c, err := parseCapacity(aux.Capacity.Value)
		if err != nil {
			return fmt.Errorf("line %d: %w", aux.Capacity.Line, err)
		}
		r.Capacity = c
	default:
		return aux.Capacity.Decode(&r.Capacity)
	}
	return nil
}

func parseCSV(data []byte) (ImportRequest, []int, error) {
	var req ImportRequest
	rd := csv.NewReader(bytes.NewReader(data))
	rd.TrimLeadingSpace = true
	rd.FieldsPerRecord = -1
	header, err := rd.Read()
	if err != nil {
		return req, nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"name", "latitude", "longitude", "subdivision", "group"} {
		if _, ok := col[need]; !ok {
			return req, nil, fmt.Errorf("the CSV header has no %q column (want name, latitude, longitude, subdivision, tier, capacity, endpoint, group)", need)
		}
	}
	var lines []int
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return req, nil, err
		}
		line, _ := rd.FieldPos(0)
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		r := Row{Name: get("name"), Subdivision: get("subdivision"), Tier: get("tier"), Endpoint: get("endpoint"), Group: get("group")}
		num := func(k string) (float64, error) {
			s := get(k)
			if s == "" {
				return 0, fmt.Errorf("line %d: %s is empty", line, k)
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, fmt.Errorf("line %d: %s %q is not a number", line, k, s)
			}
			return f, nil
		}
		if r.Latitude, err = num("latitude"); err != nil {
			return req, nil, err
		}
		if r.Longitude, err = num("longitude"); err != nil {
			return req, nil, err
		}
		if s := get("capacity"); s != "" {
			if r.Capacity, err = parseCapacity(s); err != nil {
				return req, nil, fmt.Errorf("line %d: %w", line, err)
			}
		} else {
			for k, dst := range map[string]*int64{"vcpus": &r.Capacity.VCPUs, "memory_mib": &r.Capacity.MemoryMiB, "disk_gib": &r.Capacity.DiskGiB} {
				if s := get(k); s != "" {
					if *dst, err = strconv.ParseInt(s, 10, 64); err != nil {
						return req, nil, fmt.Errorf("line %d: %s %q is not a whole number", line, k, s)
					}
				}
			}
		}
		req.Subclouds = append(req.Subclouds, r)
		lines = append(lines, line)
	}
	return req, lines, nil
}

// parseCapacity reads vcpus/memory_mib/disk_gib.
func parseCapacity(s string) (c model.Capacity, err error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return c, fmt.Errorf("capacity %q is not vcpus/memory_mib/disk_gib (e.g. 16/65536/500)", s)
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(strings.TrimSpace(p), 10, 64); err != nil {
			return c, fmt.Errorf("capacity %q is not vcpus/memory_mib/disk_gib (e.g. 16/65536/500)", s)
		}
	}
	return model.Capacity{VCPUs: n[0], MemoryMiB: n[1], DiskGiB: n[2]}, nil
}

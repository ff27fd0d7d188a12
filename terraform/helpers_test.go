package terraform_test

import (
	"encoding/json"
	"testing"
)

// attr reads one attribute of a resource from `terraform show -json`.
func attr(t *testing.T, showJSON, typ, name, key string) string {
	t.Helper()
	var s struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Name   string         `json:"name"`
					Mode   string         `json:"mode"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(showJSON), &s); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	for _, r := range s.Values.RootModule.Resources {
		if r.Mode == "managed" && r.Type == typ && r.Name == name {
			if v, ok := r.Values[key].(string); ok {
				return v
			}
		}
	}
	t.Fatalf("no %s.%s.%s in the state", typ, name, key)
	return ""
}

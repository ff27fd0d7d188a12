package cli_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestDeployWaveFlags: deploy sends the flags it was given as the typed
// release spec — wave fields only when asked for, an explicit
// --failure-threshold 0 kept (it asks for a wave rollout), --max-parallel
// sent with a group or sites.
func TestDeployWaveFlags(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		body string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/v1/apps/"+appA+"/releases" {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		body = string(b)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"`+relA+`","seq":2,"image":"citas:v2","state":"queued"}`)
	}))
	defer srv.Close()
	env := map[string]string{"SOBERANA_SERVER": srv.URL, "SOBERANA_TOKEN": "sbr_x", "LANG": "en_US.UTF-8"}
	cases := []struct {
		args []string
		want string
	}{
		{nil, `{"image":"v2"}`},
		{[]string{"--commit", "abc1234"}, `{"image":"v2","commit":"abc1234"}`},
		{[]string{"--group", "anillo-1", "--canary", "10", "--failure-threshold", "0.2"},
			`{"image":"v2","group":"anillo-1","max_parallel":10,"canary":10,"failure_threshold":0.2}`},
		{[]string{"--sites", "sit_a,sit_b", "--max-parallel", "1"}, `{"image":"v2","sites":["sit_a","sit_b"],"max_parallel":1}`},
		{[]string{"--failure-threshold", "0"}, `{"image":"v2","failure_threshold":0}`},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(env, append([]string{"deploy", "--app", appA, "--image", "v2"}, c.args...)...)
		mu.Lock()
		got := body
		mu.Unlock()
		if code != 0 || got != c.want+"\n" && got != c.want {
			t.Errorf("deploy %v: exit %d %s%s\nbody %s\nwant %s", c.args, code, out, errOut, got, c.want)
		}
	}
}

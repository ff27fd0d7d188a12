package cli

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
)

// A `show stat` answer of HAProxy 2.6, cut to the first columns and the
// ones the parser reads.
const haStatSample = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
soberana,FRONTEND,,,0,1,4096,1,0,0,0,0,0,,,,,OPEN,
replicas,s1,0,0,0,1,64,1,0,0,,0,,0,0,0,0,UP,1
replicas,s2,0,0,0,0,64,0,0,0,,0,,0,0,0,0,DOWN,1
replicas,s3,0,0,0,0,64,0,0,0,,0,,0,0,0,0,DOWN 1/2,1
replicas,s4,0,0,0,0,64,0,0,0,,0,,0,0,0,0,UP 1/3,1
replicas,s5,0,0,0,0,64,0,0,0,,0,,0,0,0,0,no check,1
other,s1,0,0,0,0,64,0,0,0,,0,,0,0,0,0,MAINT,1
replicas,BACKEND,0,0,0,1,410,1,0,0,0,0,,0,0,0,0,UP,1

`

func TestParseHAStat(t *testing.T) {
	got, err := parseHAStat(haStatSample, "replicas")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s1": "UP", "s2": "DOWN", "s3": "DOWN", "s4": "UP", "s5": "no"}
	if !maps.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := parseHAStat("# a,b,c\n1,2,3\n", "replicas"); err == nil || !strings.Contains(err.Error(), "status") {
		t.Fatalf("no status column: err %v", err)
	}
	if _, err := parseHAStat("", "replicas"); err == nil {
		t.Fatal("empty answer: no error")
	}
}

func TestHAWant(t *testing.T) {
	if got, want := haWant(3, 1), map[string]string{"s1": "UP", "s2": "DOWN", "s3": "DOWN"}; !maps.Equal(got, want) {
		t.Fatalf("haWant(3, 1) = %v", got)
	}
	if got, want := haWant(2, 2), map[string]string{"s1": "UP", "s2": "UP"}; !maps.Equal(got, want) {
		t.Fatalf("haWant(2, 2) = %v", got)
	}
}

// statSequence answers with each text in turn, then repeats the last.
func statSequence(texts ...string) (haStatSource, *int) {
	calls := 0
	return func(context.Context) (string, error) {
		t := texts[min(calls, len(texts)-1)]
		calls++
		if t == "" {
			return "", errors.New("connection refused")
		}
		return t, nil
	}, &calls
}

func statRows(states ...string) string {
	s := "# pxname,svname,status\n"
	for i, st := range states {
		s += "replicas,s" + string(rune('1'+i)) + "," + st + "\n"
	}
	return s
}

func TestWaitHAStatesWaitsForEveryServer(t *testing.T) {
	// The socket not there yet, then HAProxy's start (all UP), a server
	// going down, then the wanted state.
	src, calls := statSequence("", statRows("UP", "UP", "UP"), statRows("UP", "UP 1/3", "DOWN"), statRows("UP", "DOWN", "DOWN"))
	if err := waitHAStates(context.Background(), src, "replicas", haWant(3, 1), time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	if *calls != 4 {
		t.Fatalf("returned after %d polls, want 4 (the first with s1 UP and s2, s3 DOWN)", *calls)
	}
}

func TestWaitHAStatesTimesOutNamingTheServer(t *testing.T) {
	src, _ := statSequence(statRows("UP", "DOWN 1/2", "UP"))
	err := waitHAStates(context.Background(), src, "replicas", haWant(3, 3), time.Nanosecond, time.Hour)
	if err == nil {
		t.Fatal("no error while s2 never came up")
	}
	if !strings.Contains(err.Error(), "s2 DOWN (want UP)") || strings.Contains(err.Error(), "s3") {
		t.Fatalf("error %q should name s2 (DOWN) and only it", err)
	}
}

func TestNoReplicaAnswer(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("connection reset by peer"), true},
		{&client.Problem{Status: 502, Title: "Bad Gateway", Detail: "<html>The server returned an invalid or incomplete response"}, true},
		{&client.Problem{Status: 503, Title: "Service Unavailable", Detail: "<html>No server is available"}, true},
		{&client.Problem{Type: "https://soberana.dev/problems/provider-failed", Status: 502, Title: "Provider failed"}, false},
		{&client.Problem{Type: "https://soberana.dev/problems/no-fit", Status: 422, Title: "No fit"}, false},
	} {
		if got := noReplicaAnswer(c.err); got != c.want {
			t.Errorf("noReplicaAnswer(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

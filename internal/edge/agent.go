package edge

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/soberana/soberana/internal/model"
)

// Credential is what an agent needs: its subcloud and private key seed.
type Credential struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	PrivateKey string `json:"private_key"`
}

// Connect dials the broker so that it survives broker restarts: it
// retries the first connection, reconnects forever, and buffers what is
// published while disconnected (8 MiB: hours of heartbeats) to send it
// once back.
func Connect(url, name string) (*nats.Conn, error) {
	return nats.Connect(url, nats.Name(name), nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second), nats.ReconnectBufSize(8<<20))
}

// Agent publishes one subcloud's heartbeats.
type Agent struct {
	Cred Credential
	// Measure reports the site's capacity and use (nil: zero).
	Measure func() (capacity, used model.Capacity)
	// Lang is the language soberana explains a refused heartbeat in
	// (es, pt-BR or en; empty: en).
	Lang string
	// OnReject, when set, hears why soberana refused a heartbeat (a
	// revoked or unknown credential, a bad signature); RunAgents asks
	// for such answers. Accepted beats are not answered.
	OnReject func(Rejection)
	seq      atomic.Uint64
	// reply is the subject soberana answers a refusal on (RunAgents).
	reply string
}

// Beat publishes one heartbeat on nc (buffered while disconnected).
func (a *Agent) Beat(nc *nats.Conn, now time.Time) error {
	hb := Heartbeat{Subcloud: a.Cred.ID, Seq: a.seq.Add(1), SentAt: now.UnixMicro()}
	if a.Measure != nil {
		hb.Capacity, hb.Used = a.Measure()
	}
	msg, err := Sign(hb, a.Cred.PrivateKey)
	if err != nil {
		return err
	}
	m := &nats.Msg{Subject: SubjectPrefix + a.Cred.ID, Reply: a.reply, Data: msg}
	if a.Lang != "" {
		m.Header = nats.Header{HeaderLanguage: []string{a.Lang}}
	}
	return nc.PublishMsg(m)
}

// RunAgents beats every agent every interval on shared connections (one
// per 500 agents) until ctx ends: the agent of one site, or a simulated
// fleet of thousands in one process.
func RunAgents(ctx context.Context, url string, agents []*Agent, every time.Duration) error {
	const perConn = 500
	var conns []*nats.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Drain()
		}
	}()
	for i := 0; i < len(agents); i += perConn {
		nc, err := Connect(url, "soberana-agent")
		if err != nil {
			return err
		}
		conns = append(conns, nc)
		// One inbox a connection for soberana's answers to refused
		// beats: agent k of the connection is answered on inbox.k.
		group := agents[i:min(i+perConn, len(agents))]
		inbox := nats.NewInbox()
		if _, err := nc.Subscribe(inbox+".*", func(m *nats.Msg) {
			k, err := strconv.Atoi(strings.TrimPrefix(m.Subject, inbox+"."))
			if err != nil || k < 0 || k >= len(group) || group[k].OnReject == nil {
				return
			}
			var r Rejection
			if json.Unmarshal(m.Data, &r) == nil {
				group[k].OnReject(r)
			}
		}); err != nil {
			return err
		}
		for k, a := range group {
			a.reply = inbox + "." + strconv.Itoa(k)
		}
	}
	// Each agent beats once an interval at a phase of its own: agent i of
	// n at slot i×slots/n of the interval's slots. Sites boot at different
	// times and beat on their own clocks, so a fleet of 10,000 sends 1,000
	// beats a second, not 10,000 at once every interval (a burst that
	// takes the server's verifier a whole core for half a second).
	slots := max(1, int(every/phaseSlot))
	start := time.Now()
	t := time.NewTimer(0)
	defer t.Stop()
	for round := time.Duration(0); ; round++ {
		for slot := 0; slot < slots; slot++ {
			lo, hi := phaseRange(slot, slots, len(agents))
			if lo == hi {
				continue
			}
			t.Reset(time.Until(start.Add(round*every + time.Duration(slot)*every/time.Duration(slots))))
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
			now := time.Now()
			for i := lo; i < hi; i++ {
				if err := agents[i].Beat(conns[i/perConn], now); err != nil && err != nats.ErrReconnectBufExceeded {
					return err
				}
			}
		}
	}
}

// phaseSlot is the granularity of the agents' phases within an interval.
const phaseSlot = 10 * time.Millisecond

// phaseRange is the agents [lo, hi) of n that beat in slot of slots: agent
// i beats in slot i×slots/n, so the first agent beats at once and the n
// agents spread evenly over the interval.
func phaseRange(slot, slots, n int) (lo, hi int) {
	first := func(s int) int { return (s*n + slots - 1) / slots } // ceil(s×n/slots)
	return first(slot), first(slot + 1)
}

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
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		now := time.Now()
		for i, a := range agents {
			if err := a.Beat(conns[i/perConn], now); err != nil && err != nats.ErrReconnectBufExceeded {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
		}
	}
}

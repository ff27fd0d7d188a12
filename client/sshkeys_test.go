package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// TestSSHKeys: the typed SSH-key methods speak /v1/ssh-keys: create sends
// the spec and an Idempotency-Key, list follows next_cursor, get and
// delete address one key, and a refused key comes back as a *Problem.
func TestSSHKeys(t *testing.T) {
	t.Parallel()
	const pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBk laptop"
	var mu sync.Mutex
	keys := map[string]SSHKey{}
	var order []string
	idem := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		problem := func(status int, detail string) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"type":"about:blank","title":"t","status":%d,"detail":%q,"invalid_params":[{"name":"public_key","reason":"bad"}]}`, status, detail)
		}
		switch {
		case r.Method == "POST" && r.URL.Path == "/v1/ssh-keys":
			idem[r.Header.Get("Idempotency-Key")] = true
			var s SSHKeySpec
			if err := json.NewDecoder(r.Body).Decode(&s); err != nil || s.PublicKey != pub {
				problem(422, "not a public key")
				return
			}
			id := "key_" + strconv.Itoa(len(order)+1)
			k := SSHKey{Name: s.Name, ProjectID: s.ProjectID, PublicKey: s.PublicKey, KeyType: "ssh-ed25519", Fingerprint: "SHA256:x", OwnerID: "usr_1"}
			k.ID = id
			keys[id] = k
			order = append(order, id)
			w.WriteHeader(201)
			_ = json.NewEncoder(w).Encode(k)
		case r.Method == "GET" && r.URL.Path == "/v1/ssh-keys":
			if r.URL.Query().Get("limit") != "1" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			i, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
			pg := page[SSHKey]{}
			if i < len(order) {
				pg.Items = []SSHKey{keys[order[i]]}
			}
			if i+1 < len(order) {
				pg.NextCursor = strconv.Itoa(i + 1)
			}
			_ = json.NewEncoder(w).Encode(pg)
		case r.URL.Path[:len("/v1/ssh-keys/")] == "/v1/ssh-keys/":
			id := r.URL.Path[len("/v1/ssh-keys/"):]
			k, ok := keys[id]
			if !ok {
				problem(404, "no such key")
				return
			}
			if r.Method == "DELETE" {
				delete(keys, id)
				for i, o := range order {
					if o == id {
						order = append(order[:i], order[i+1:]...)
						break
					}
				}
				w.WriteHeader(204)
				return
			}
			_ = json.NewEncoder(w).Encode(k)
		default:
			problem(405, r.Method+" "+r.URL.Path)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c := New(srv.URL, "t")

	a, err := c.SSHKeys().Create(ctx, SSHKeySpec{Name: "laptop", PublicKey: pub})
	if err != nil || a.ID != "key_1" || a.Name != "laptop" || a.KeyType != "ssh-ed25519" {
		t.Fatalf("%+v %v", a, err)
	}
	b, err := c.SSHKeys().Create(ctx, SSHKeySpec{Name: "deploy", PublicKey: pub, ProjectID: "prj_1"})
	if err != nil || b.ProjectID != "prj_1" {
		t.Fatalf("%+v %v", b, err)
	}
	if len(idem) != 2 || idem[""] {
		t.Fatalf("idempotency keys %v: want a fresh one per create", idem)
	}

	got, err := c.SSHKeys().Get(ctx, b.ID)
	if err != nil || got.Name != "deploy" || got.PublicKey != pub {
		t.Fatalf("%+v %v", got, err)
	}
	all, err := Collect(c.SSHKeys().List(ctx, ListOptions{Limit: 1}))
	if err != nil || len(all) != 2 || all[0].Name != "laptop" || all[1].Name != "deploy" {
		t.Fatalf("%+v %v", all, err)
	}

	if err := c.SSHKeys().Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SSHKeys().Get(ctx, a.ID); !IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if err := c.SSHKeys().Delete(ctx, a.ID); !IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
	if all, err = Collect(c.SSHKeys().List(ctx, ListOptions{Limit: 1})); err != nil || len(all) != 1 || all[0].ID != b.ID {
		t.Fatalf("%+v %v", all, err)
	}

	// A refused key is a typed problem with its invalid params.
	_, err = c.SSHKeys().Create(ctx, SSHKeySpec{Name: "bad", PublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----"})
	var p *Problem
	if !errors.As(err, &p) || p.Status != 422 || p.Detail != "not a public key" || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "public_key" {
		t.Fatalf("err %v", err)
	}
}

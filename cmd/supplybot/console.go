package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"supplybot/handlers/console"
	"supplybot/store"
)

// ConsoleUser is one entry of admin.users: a console login of the
// password fallback.
type ConsoleUser struct {
	Name string `yaml:"name"`
	Hash string `yaml:"hash"` // bcrypt, from `supplybot admin hash-password`
}

// ConsoleUsers is admin.users. In the environment it is
// SUPPLYBOT_ADMIN_USERS=name:hash,name:hash (bcrypt hashes hold neither
// ':' nor ',').
type ConsoleUsers []ConsoleUser

// UnmarshalText reads the environment's form.
func (u *ConsoleUsers) UnmarshalText(b []byte) error {
	var out ConsoleUsers
	for _, item := range strings.Split(string(b), ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		name, hash, ok := strings.Cut(item, ":")
		if !ok {
			return fmt.Errorf("not a list of name:bcrypt-hash")
		}
		out = append(out, ConsoleUser{Name: strings.TrimSpace(name), Hash: strings.TrimSpace(hash)})
	}
	*u = out
	return nil
}

func (u ConsoleUsers) validate() error {
	seen := map[string]bool{}
	for i, x := range u {
		switch {
		case x.Name == "" || strings.ContainsAny(x.Name, ":, "):
			return fmt.Errorf("entry %d: name must be set and hold no ':', ',' or space", i+1)
		case seen[x.Name]:
			return fmt.Errorf("user %q appears twice", x.Name)
		}
		if _, err := bcrypt.Cost([]byte(x.Hash)); err != nil {
			return fmt.Errorf("user %q: hash is not a bcrypt hash (make one with: supplybot admin hash-password)", x.Name)
		}
		seen[x.Name] = true
	}
	return nil
}

// newConsole builds the task-force console on the stores, the WeChat
// client and the task force's membership. The task-force and broadcast
// services are m.TaskForce and m.Broadcasts when set (through adapters),
// else console.Unwired.
func (m *Main) newConsole() *console.Console {
	cfg := m.Config
	members := map[string]bool{}
	for _, id := range cfg.Admin.OpenIDs {
		members[id] = true
	}
	var users []console.User
	for _, u := range cfg.Admin.Users {
		users = append(users, console.User{Name: u.Name, Hash: u.Hash})
	}
	d := console.Deps{
		TaskForce: m.ConsoleTaskForce, Broadcasts: m.ConsoleBroadcasts,
		Records:     consoleRecords{m.Mongo},
		Enterprises: m.Mongo.Enterprises(),
		KV:          m.Redis,
		IsMember:    func(_ context.Context, openid string) bool { return members[openid] },
		QR:          m.Client,
		Users:       users, APIToken: cfg.Admin.APIToken, CookieSecure: cfg.Admin.CookieSecure,
		Log: m.Log,
	}
	if d.TaskForce == nil {
		d.TaskForce = console.Unwired{}
	}
	if d.Broadcasts == nil {
		d.Broadcasts = console.Unwired{}
	}
	if m.Sim != nil {
		d.SimScanURL = "/sim/api/scan"
	}
	return console.New(d)
}

// mountConsole serves /admin/ (and, on the simulator, the scan of a login
// QR code by a simulated user).
func (m *Main) mountConsole(mux *http.ServeMux) {
	mux.Handle("/admin/", m.Console.Handler())
	mux.HandleFunc("GET /admin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
	})
	if m.Sim != nil {
		// Like the rest of the simulator, for this machine only: a scan
		// by a member's openid logs the scanning browser in as that member.
		mux.Handle("/sim/api/scan", loopbackOnly(m.Sim.ScanHandler(m.simSend), m.Config.Sim.AllowRemote))
	}
}

// consoleRecords reads both kinds of records for the console.
type consoleRecords struct{ m *store.Mongo }

func (r consoleRecords) List(ctx context.Context, kind string, f store.PostFilter) ([]store.Post, bool, error) {
	return r.m.Posts(kind).List(ctx, f)
}

func (r consoleRecords) ByNo(ctx context.Context, no string) (store.Post, error) {
	kind, ok := store.KindOfNo(no)
	if !ok {
		return store.Post{}, store.ErrNotFound
	}
	return r.m.Posts(kind).ByNo(ctx, no)
}

func (r consoleRecords) Matches(ctx context.Context, recordID string) ([]store.Match, error) {
	return r.m.Matches().Of(ctx, recordID, 100)
}

func (r consoleRecords) AllMatches(ctx context.Context, limit int) ([]store.Match, error) {
	return r.m.Matches().List(ctx, limit)
}

func (r consoleRecords) ContactRequests(ctx context.Context, recordID string) ([]store.ContactRequest, error) {
	return r.m.ContactRequests().OfRecord(ctx, recordID)
}

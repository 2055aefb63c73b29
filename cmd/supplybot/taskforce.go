package main

import (
	"context"
	"fmt"

	"supplybot/handlers/taskforce"
	"supplybot/store"
)

// startTaskForce builds the task force's service: members are
// admin.openids; take-downs and restores reach matching as the
// conversation's saves and closes do.
func (m *Main) startTaskForce(ctx context.Context) error {
	members := map[string]bool{}
	for _, id := range m.Config.Admin.OpenIDs {
		members[id] = true
	}
	svc := taskforce.New(taskforce.Deps{
		Mongo: m.Mongo, Notify: m.notifier, Members: m.Config.Admin.OpenIDs,
		IsMember: func(_ context.Context, openid string) bool { return members[openid] },
		Matching: postEvents{m}, Log: m.Log,
	})
	if err := svc.Start(ctx); err != nil {
		return fmt.Errorf("taskforce: %w", err)
	}
	m.TaskForce = svc
	if m.ConsoleTaskForce == nil {
		m.ConsoleTaskForce = consoleTaskForce{svc} // the console's front end of the same service
	}
	return nil
}

// conversationEvents hands the conversation's saved and closed records to
// matching and to the task force's statistics, and its registrations and
// joins to the task force (handlers.Deps.Events and Joins). Built before the services run:
// what happens before is not heard.
type conversationEvents struct{ m *Main }

func (e conversationEvents) PostSaved(ctx context.Context, p store.Post) {
	postEvents(e).PostSaved(ctx, p)
	if s := e.m.TaskForce; s != nil {
		s.PostSaved(ctx, p)
	}
}

func (e conversationEvents) PostClosed(ctx context.Context, p store.Post) {
	postEvents(e).PostClosed(ctx, p)
	if s := e.m.TaskForce; s != nil {
		s.PostClosed(ctx, p)
	}
}

func (e conversationEvents) Registered(ctx context.Context, en store.Enterprise) {
	if s := e.m.TaskForce; s != nil {
		s.Registered(ctx, en)
	}
}

func (e conversationEvents) Joined(ctx context.Context, enterpriseID string, c store.Contact) {
	if s := e.m.TaskForce; s != nil {
		s.Joined(ctx, enterpriseID, c)
	}
}

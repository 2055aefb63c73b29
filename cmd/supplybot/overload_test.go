package main

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// TestCloseUnderOverloadKeepsEveryReply: with every handler slot taken by
// a handler stuck on a store that never answers, further pushes are
// answered busy at once; Close then cancels the stuck handlers, returns no
// error (the process exits 0), and every push answered "success" has its
// reply in the outbox.
func TestCloseUnderOverloadKeepsEveryReply(t *testing.T) {
	cfg := testConfig(t)
	cfg.Server.ReplyDeadline = 50 * time.Millisecond
	cfg.Server.MaxInflight = 3
	m := mustRun(t, cfg, nil)
	m.Router.Exact(func(ctx context.Context, msg *bot.Message) (bot.Reply, error) {
		<-ctx.Done() // a store that hangs until shutdown cancels the call
		return bot.Text("稍后的回复"), nil
	}, "卡住")

	const n = 8
	replies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, replies[i] = send(t, m, bot.ModeSafe, bot.TextXML("ov-"+strconv.Itoa(i), "卡住", int64(7000+i)))
		}()
	}
	wg.Wait()
	var accepted []string
	busy := 0
	for i, r := range replies {
		switch r {
		case "":
			accepted = append(accepted, "reply:m:ov-"+strconv.Itoa(i)+":"+strconv.Itoa(7000+i))
		case bot.DefaultBusyText:
			busy++
		default:
			t.Fatalf("push %d: unexpected reply %q", i, r)
		}
	}
	if len(accepted) != cfg.Server.MaxInflight || busy != n-cfg.Server.MaxInflight {
		t.Fatalf("accepted %d and busy %d, want %d and %d", len(accepted), busy, cfg.Server.MaxInflight, n-cfg.Server.MaxInflight)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatalf("close under overload: %v", err)
	}
	mg, err := store.OpenMongo(context.Background(), cfg.Mongo.URI, cfg.Mongo.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer mg.Close(context.Background())
	defer mg.DropDatabase(context.Background())
	for _, key := range accepted {
		it, err := mg.Outbox().Get(context.Background(), key)
		if err != nil || it.Text != "稍后的回复" {
			t.Errorf("outbox %s: got %+v, %v; want the reply", key, it, err)
		}
	}
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"supplybot/bot/sim"
	"supplybot/store/storetest"
)

// TestSimulatorStartsWithTheMenu: on the simulator the menu of config.yaml
// is there from the start, as "menu sync" leaves it on a real account.
func TestSimulatorStartsWithTheMenu(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	menu := string(m.Sim.Menu())
	for _, want := range []string{"发布需求", "POST_DEMAND", "我的匹配"} {
		if !strings.Contains(menu, want) {
			t.Fatalf("simulator menu %s lacks %q", menu, want)
		}
	}
}

// TestMenuSyncBesideAServer: menu sync against the real API needs only
// Redis, so it runs while a server holds server.addr.
func TestMenuSyncBesideAServer(t *testing.T) {
	cfg := testConfig(t)
	server := mustRun(t, cfg, nil)
	cfg.Server.Addr = server.Addr() // taken by the running server
	cfg.WeChat.API = apiReal
	cfg.Redis.Addr = storetest.RedisAddr(t).Addr
	cfg.Redis.Prefix = storetest.UniqueName("menu_") + ":"
	api := sim.New(sim.Options{AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret})
	m := NewMain(cfg, nil)
	m.menuTransport = api.RoundTripper()
	if err := m.MenuSync(context.Background()); err != nil {
		t.Fatalf("menu sync: %v", err)
	}
	if menu := string(api.Menu()); !strings.Contains(menu, "找货找厂") {
		t.Fatalf("menu pushed: %s", menu)
	}

	cfg.Redis.Addr = embedded
	if err := NewMain(cfg, nil).MenuSync(context.Background()); err == nil || !strings.Contains(err.Error(), "redis.addr") {
		t.Fatalf("menu sync on an embedded Redis: %v, want it to name redis.addr", err)
	}
}

func TestBadMenuStopsTheStart(t *testing.T) {
	base, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(base), "\nmenu:")
	if !ok {
		t.Fatal("config.yaml has no menu")
	}
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte(head+"\nmenu:\n  - name: 这个按钮的名字实在太长了\n    key: X\n"), 0o600)
	if _, err := LoadConfig(p, nil); err == nil || !strings.Contains(err.Error(), "menu:") || !strings.Contains(err.Error(), "16 bytes") {
		t.Fatalf("got %v, want the menu named", err)
	}
}

// TestParserDataDir: the server reads the taxonomy, synonyms and regions
// from parse.data_dir, so operators extend them without code.
func TestParserDataDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "synonyms.yaml"), []byte("extends_default: true\ngroups:\n  - [雨刮器, 雨刷器, 刮水器]\n"), 0o600)
	cfg := testConfig(t)
	cfg.Parse.DataDir = dir
	mustRun(t, cfg, nil)

	// A broken file there stops the start, naming the key: proof it is read.
	os.WriteFile(filepath.Join(dir, "taxonomy.yaml"), []byte("categories: [[[\n"), 0o600)
	m := NewMain(cfg, nil)
	err := m.Run(context.Background())
	m.Close(context.Background())
	if err == nil || !strings.Contains(err.Error(), "parse.data_dir") {
		t.Fatalf("start with a broken taxonomy: %v, want parse.data_dir named", err)
	}
	cfg.Parse.DataDir = filepath.Join(dir, "missing")
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "parse.data_dir") {
		t.Fatalf("got %v, want parse.data_dir named", err)
	}
}

package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
)

func TestShippedConfigRunsAsItIs(t *testing.T) {
	cfg, err := LoadConfig("../../config.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mongo.URI != "embedded" || cfg.Redis.Addr != "embedded" || cfg.WeChat.API != "simulator" {
		t.Fatalf("local default: got mongo %q redis %q api %q", cfg.Mongo.URI, cfg.Redis.Addr, cfg.WeChat.API)
	}
	if cfg.Mongo.Database != "supplybot" || cfg.Session.TTL != 30*time.Minute {
		t.Fatalf("defaults: got database %q ttl %s", cfg.Mongo.Database, cfg.Session.TTL)
	}
	if len(cfg.Menu) == 0 {
		t.Fatal("shipped config has no menu")
	}
}

func TestEnvOverridesEveryKey(t *testing.T) {
	env := []string{
		"SUPPLYBOT_SERVER_ADDR=0.0.0.0:9000",
		"SUPPLYBOT_DATA_DIR=/var/lib/supplybot",
		"SUPPLYBOT_MONGO_URI=mongodb://db.internal:27017/?replicaSet=rs0",
		"SUPPLYBOT_MONGO_DATABASE=prod",
		"SUPPLYBOT_MONGO_EMBEDDED_LISTEN=127.0.0.1:27018",
		"SUPPLYBOT_REDIS_ADDR=cache.internal:6379",
		"SUPPLYBOT_REDIS_PASSWORD=hunter2",
		"SUPPLYBOT_REDIS_DB=3",
		"SUPPLYBOT_REDIS_EMBEDDED_LISTEN=127.0.0.1:6390",
		"SUPPLYBOT_WECHAT_APP_ID=wx1234567890abcdef",
		"SUPPLYBOT_WECHAT_APP_SECRET=s3cr3t",
		"SUPPLYBOT_WECHAT_TOKEN=prodtoken",
		"SUPPLYBOT_WECHAT_ENCODING_AES_KEY=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
		"SUPPLYBOT_WECHAT_API=https://api.weixin.qq.com",
		"SUPPLYBOT_SESSION_TTL=45m",
		"SUPPLYBOT_ADMIN_OPENIDS=oAdmin1, oAdmin2,,",
		"OTHER_VAR=ignored",
	}
	c, err := LoadConfig("../../config.yaml", env)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.Server.Addr, c.DataDir, c.Mongo.URI, c.Mongo.Database, c.Mongo.EmbeddedListen, c.Redis.Addr, c.Redis.Password,
		c.Redis.DB, c.Redis.EmbeddedListen, c.WeChat.AppID, c.WeChat.AppSecret, c.WeChat.Token, c.WeChat.EncodingAESKey,
		c.WeChat.API, c.Session.TTL, strings.Join(c.Admin.OpenIDs, "|")}
	want := []any{"0.0.0.0:9000", "/var/lib/supplybot", "mongodb://db.internal:27017/?replicaSet=rs0", "prod", "127.0.0.1:27018",
		"cache.internal:6379", "hunter2", 3, "127.0.0.1:6390", "wx1234567890abcdef", "s3cr3t", "prodtoken",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", "https://api.weixin.qq.com", 45 * time.Minute, "oAdmin1|oAdmin2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// The server's collector target: runtime.gc_percent (50 as shipped, or
// from SUPPLYBOT_RUNTIME_GC_PERCENT), unless GOGC is set.
func TestGCPercent(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	c, err := LoadConfig("../../config.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pct, set := setGCPercent(c, []string{"HOME=/root"}); !set || pct != 50 || debug.SetGCPercent(100) != 50 {
		t.Fatalf("shipped: %d %v, want 50 set", pct, set)
	}
	c, err = LoadConfig("../../config.yaml", []string{"SUPPLYBOT_RUNTIME_GC_PERCENT=80"})
	if err != nil {
		t.Fatal(err)
	}
	if pct, set := setGCPercent(c, nil); !set || pct != 80 || debug.SetGCPercent(100) != 80 {
		t.Fatalf("from the environment: %d %v, want 80 set", pct, set)
	}
	if _, set := setGCPercent(c, []string{"GOGC=200"}); set || debug.SetGCPercent(100) != 100 {
		t.Fatalf("GOGC set: the target was changed")
	}
}

func TestAlertSettings(t *testing.T) {
	c, err := LoadConfig("../../config.yaml", []string{"SUPPLYBOT_ALERTS_QUIET_HOURS=23:30-07:00", "SUPPLYBOT_ALERTS_DIGEST_AT=20:15"})
	if err != nil {
		t.Fatal(err)
	}
	from, to, off, err := c.quietHours()
	if err != nil || off || from != 23*time.Hour+30*time.Minute || to != 7*time.Hour {
		t.Fatalf("quiet hours: %v %v %v %v", from, to, off, err)
	}
	if d, _ := clockTime(c.Alerts.DigestAt); d != 20*time.Hour+15*time.Minute {
		t.Fatalf("digest at %v", d)
	}
	c.Alerts.QuietHours = "off"
	if _, _, off, err := c.quietHours(); !off || err != nil {
		t.Fatalf("off: %v %v", off, err)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"no token", []string{"SUPPLYBOT_WECHAT_TOKEN="}, "wechat.token: required"},
		{"short AES key", []string{"SUPPLYBOT_WECHAT_ENCODING_AES_KEY=abc"}, "wechat.encoding_aes_key: must be 43 characters"},
		{"AES key not base64", []string{"SUPPLYBOT_WECHAT_ENCODING_AES_KEY=" + strings.Repeat("!", 43)}, "wechat.encoding_aes_key: not a valid"},
		{"bad duration", []string{"SUPPLYBOT_SESSION_TTL=soon"}, "session.ttl"},
		{"bad redis db", []string{"SUPPLYBOT_REDIS_DB=x"}, "redis.db"},
		{"bad mongo uri", []string{"SUPPLYBOT_MONGO_URI=postgres://x"}, "mongo.uri"},
		{"bad api", []string{"SUPPLYBOT_WECHAT_API=http://evil"}, "wechat.api"},
		{"deadline over 4.5s", []string{"SUPPLYBOT_SERVER_REPLY_DEADLINE=5s"}, "server.reply_deadline"},
		{"quiet hours not a range", []string{"SUPPLYBOT_ALERTS_QUIET_HOURS=22点到8点"}, "alerts.quiet_hours"},
		{"quiet hours empty", []string{"SUPPLYBOT_ALERTS_QUIET_HOURS=08:00-08:00"}, "alerts.quiet_hours"},
		{"digest time", []string{"SUPPLYBOT_ALERTS_DIGEST_AT=25:00"}, "alerts.digest_at"},
		{"no daily cap", []string{"SUPPLYBOT_ALERTS_DAILY_CAP=0"}, "alerts.daily_cap"},
		{"public url", []string{"SUPPLYBOT_SERVER_PUBLIC_URL=bot.example.com"}, "server.public_url"},
		{"negative max_inflight", []string{"SUPPLYBOT_SERVER_MAX_INFLIGHT=-1"}, "server.max_inflight"},
		{"gc percent off", []string{"SUPPLYBOT_RUNTIME_GC_PERCENT=-1"}, "runtime.gc_percent: -1 must be 10 to 1000"},
		{"gc percent too low", []string{"SUPPLYBOT_RUNTIME_GC_PERCENT=5"}, "runtime.gc_percent"},
		{"unknown message mode", []string{"SUPPLYBOT_WECHAT_MESSAGE_MODE=aes"}, "wechat.message_mode"},
		{"safe mode without a key", []string{"SUPPLYBOT_WECHAT_MESSAGE_MODE=safe", "SUPPLYBOT_WECHAT_ENCODING_AES_KEY="}, "wechat.message_mode: safe needs wechat.encoding_aes_key"},
		{"compatible mode without a key", []string{"SUPPLYBOT_WECHAT_MESSAGE_MODE=compatible", "SUPPLYBOT_WECHAT_ENCODING_AES_KEY="}, "wechat.message_mode: compatible needs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig("../../config.yaml", tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
	t.Run("unknown key in file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte("wechat:\n  tokn: x\n"), 0o600)
		_, err := LoadConfig(p, nil)
		if err == nil || !strings.Contains(err.Error(), "line 2: unknown key wechat.tokn") {
			t.Fatalf("got %v, want the unknown key named by its path", err)
		}
		if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "struct") {
			t.Fatalf("error is not one plain line: %q", err)
		}
	})
	t.Run("bad value in file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte("redis:\n  db: zero\npush:\n  workers: many\n"), 0o600)
		_, err := LoadConfig(p, nil)
		if err == nil || !strings.Contains(err.Error(), "redis.db") || !strings.Contains(err.Error(), "push.workers") {
			t.Fatalf("got %v, want both keys named", err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("error is not one line: %q", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if _, err := LoadConfig("/nonexistent/supplybot.yaml", nil); err == nil {
			t.Fatal("got nil, want an error")
		}
	})
}

func TestUnreachableStoresStopTheStart(t *testing.T) {
	cases := []struct {
		name, key string
		mutate    func(*Config)
	}{
		{"mongo", "mongo.uri", func(c *Config) {
			c.Mongo.URI = "mongodb://127.0.0.1:1/?connectTimeoutMS=300&serverSelectionTimeoutMS=300"
		}},
		{"redis", "redis.addr", func(c *Config) { c.Redis.Addr = "127.0.0.1:1" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			tc.mutate(&cfg)
			m := NewMain(cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := m.Run(ctx)
			m.Close(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), tc.key+":") {
				t.Fatalf("got %v, want an error starting with %q", err, tc.key+":")
			}
		})
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	cfg := testConfig(t)
	cfg.WeChat.AppSecret, cfg.Redis.Password = "APPSECRET-42", "REDISPASS-42"
	cfg.WeChat.Token = "TOKEN-42"
	m := NewMain(cfg, slog.New(slog.NewJSONHandler(&buf, nil)))
	if err := m.Run(context.Background()); err == nil {
		m.Close(context.Background())
	}
	for _, secret := range []string{"APPSECRET-42", "REDISPASS-42", "TOKEN-42", cfg.WeChat.EncodingAESKey} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log contains the secret %q", secret)
		}
	}
	if !strings.Contains(buf.String(), "starting supplybot") {
		t.Fatalf("nothing logged: %s", buf.String())
	}
}

// TestMessageModeDefault: safe when a key is set, plain otherwise; an
// explicit plain is kept.
func TestMessageModeDefault(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{nil, bot.ModeSafe},
		{[]string{"SUPPLYBOT_WECHAT_ENCODING_AES_KEY="}, bot.ModePlain},
		{[]string{"SUPPLYBOT_WECHAT_MESSAGE_MODE=plain"}, bot.ModePlain},
		{[]string{"SUPPLYBOT_WECHAT_MESSAGE_MODE=compatible"}, bot.ModeCompatible},
	} {
		c, err := LoadConfig("../../config.yaml", tc.env)
		if err != nil {
			t.Fatalf("%v: %v", tc.env, err)
		}
		if got := c.messageMode(); got != tc.want {
			t.Errorf("%v: mode %q, want %q", tc.env, got, tc.want)
		}
	}
}

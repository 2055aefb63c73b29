package main

import (
	"encoding"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"supplybot/bot"
	"supplybot/store"
)

// Config is config.yaml. Every key can be overridden by the environment
// variable SUPPLYBOT_<PATH>: upper case, dots become underscores
// (server.addr → SUPPLYBOT_SERVER_ADDR); lists are comma-separated.
type Config struct {
	Server struct {
		Addr          string        `yaml:"addr"`
		ReplyDeadline time.Duration `yaml:"reply_deadline"`
		MaxBody       int64         `yaml:"max_body"`
		MaxInflight   int           `yaml:"max_inflight"`
		PublicURL     string        `yaml:"public_url"`
	} `yaml:"server"`
	DataDir string `yaml:"data_dir"`
	Mongo   struct {
		URI            string `yaml:"uri"`
		Database       string `yaml:"database"`
		EmbeddedListen string `yaml:"embedded_listen"`
	} `yaml:"mongo"`
	Redis struct {
		Addr           string `yaml:"addr"`
		Password       string `yaml:"password"`
		DB             int    `yaml:"db"`
		TLS            bool   `yaml:"tls"`
		Prefix         string `yaml:"prefix"`
		EmbeddedListen string `yaml:"embedded_listen"`
	} `yaml:"redis"`
	WeChat struct {
		AppID          string `yaml:"app_id"`
		AppSecret      string `yaml:"app_secret"`
		Token          string `yaml:"token"`
		EncodingAESKey string `yaml:"encoding_aes_key"`
		MessageMode    string `yaml:"message_mode"` // safe, compatible or plain; "" = safe with a key, else plain
		API            string `yaml:"api"`
		Templates      struct {
			Match string `yaml:"match"`
		} `yaml:"templates"`
	} `yaml:"wechat"`
	Session struct {
		TTL time.Duration `yaml:"ttl"`
	} `yaml:"session"`
	Admin struct {
		OpenIDs      []string     `yaml:"openids"`
		Users        ConsoleUsers `yaml:"users"`         // console logins: name and bcrypt hash
		APIToken     string       `yaml:"api_token"`     // Bearer token of /admin/api/
		CookieSecure bool         `yaml:"cookie_secure"` // the console's cookie needs https
	} `yaml:"admin"`
	Push struct {
		Workers int `yaml:"workers"`
	} `yaml:"push"`
	Parse struct {
		DataDir string `yaml:"data_dir"`
	} `yaml:"parse"`
	Posts struct {
		DailyCap int `yaml:"daily_cap"` // records one enterprise may publish per China day
	} `yaml:"posts"`
	Alerts struct {
		DailyCap   int    `yaml:"daily_cap"`
		QuietHours string `yaml:"quiet_hours"` // "22:00-08:00" China time, or "off"
		DigestAt   string `yaml:"digest_at"`   // "21:00" China time
		// CatchUpEvery and MatchGrace tune the catch-up that delivers what a
		// killed process owed (0: 15 s and 30 s).
		CatchUpEvery time.Duration `yaml:"catch_up_every"`
		MatchGrace   time.Duration `yaml:"match_grace"`
	} `yaml:"alerts"`
	Sim struct {
		AllowRemote bool `yaml:"allow_remote"` // serve /sim/ to other machines too
	} `yaml:"sim"`
	Broadcast struct {
		NoMass        bool `yaml:"no_mass"`         // the account has no mass send: broadcasts go by customer-service messages
		MassPerMinute int  `yaml:"mass_per_minute"` // mass send calls a minute (WeChat: 60)
		MinMass       int  `yaml:"min_mass"`        // smaller audiences go by customer-service messages
		PushPerSecond int  `yaml:"push_per_second"` // customer-service messages of a broadcast queued a second
	} `yaml:"broadcast"`
	Runtime struct {
		// GCPercent is Go's GOGC for the server: a collection starts when
		// the heap has grown this many percent past what the last one
		// left live. The GOGC environment variable, when set, wins.
		GCPercent int `yaml:"gc_percent"`
	} `yaml:"runtime"`
	Menu []bot.MenuButton `yaml:"menu"`
}

const (
	apiSimulator = "simulator"
	apiReal      = "https://api.weixin.qq.com"
	embedded     = "embedded"
)

// defaultConfig is what an empty file means.
func defaultConfig() Config {
	var c Config
	c.Server.Addr = "127.0.0.1:8080"
	c.Server.ReplyDeadline = 4500 * time.Millisecond
	c.Server.MaxBody = 1 << 20
	c.DataDir = "data"
	c.Mongo.URI = embedded
	c.Mongo.Database = "supplybot"
	c.Mongo.EmbeddedListen = "127.0.0.1:27017"
	c.Redis.Addr = embedded
	c.Redis.Prefix = "sb:"
	c.Redis.EmbeddedListen = "127.0.0.1:6380"
	c.WeChat.API = apiSimulator
	c.Session.TTL = 30 * time.Minute
	c.Push.Workers = 4
	c.Posts.DailyCap = 30
	c.Alerts.DailyCap = 20
	c.Alerts.QuietHours = "22:00-08:00"
	c.Alerts.DigestAt = "21:00"
	c.Admin.CookieSecure = true
	c.Broadcast.MassPerMinute = 60
	c.Broadcast.MinMass = 20
	c.Broadcast.PushPerSecond = 20
	c.Runtime.GCPercent = 50
	return c
}

// LoadConfig reads path (a missing file is an error; "" means defaults
// only), then applies the environment.
func LoadConfig(path string, env []string) (Config, error) {
	c := defaultConfig()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %s", path, yamlProblem(b, err))
		}
	}
	if err := applyEnv(&c, env); err != nil {
		return c, err
	}
	return c, c.Validate()
}

var (
	unknownFieldRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type`)
	badValueRE     = regexp.MustCompile(`^line (\d+): cannot unmarshal !!\w+ ` + "`" + `([^` + "`" + `]*)` + "`" + ` into (\S+)`)
)

// yamlProblem says in one line what is wrong with the file, naming each
// offending key by its path (wechat.tokn) rather than by Go types.
func yamlProblem(file []byte, err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.ReplaceAll(err.Error(), "\n", " ")
	}
	var root yaml.Node
	_ = yaml.Unmarshal(file, &root)
	var out []string
	for _, e := range te.Errors {
		if m := unknownFieldRE.FindStringSubmatch(e); m != nil {
			line, _ := strconv.Atoi(m[1])
			out = append(out, fmt.Sprintf("line %d: unknown key %s", line, keyPathAt(&root, line, m[2])))
			continue
		}
		if m := badValueRE.FindStringSubmatch(e); m != nil {
			line, _ := strconv.Atoi(m[1])
			out = append(out, fmt.Sprintf("line %d: %s: %q is not a valid %s", line, keyPathAt(&root, line, ""), m[2], m[3]))
			continue
		}
		out = append(out, e)
	}
	return strings.Join(out, "; ")
}

// keyPathAt returns the dotted path of the mapping key on line (named
// name, when given), or of the key whose value is on that line.
func keyPathAt(n *yaml.Node, line int, name string) string {
	var walk func(n *yaml.Node, prefix string) string
	walk = func(n *yaml.Node, prefix string) string {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				if p := walk(c, prefix); p != "" {
					return p
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				path := k.Value
				if prefix != "" {
					path = prefix + "." + k.Value
				}
				if k.Line == line && (name == "" || k.Value == name) && (name != "" || v.Kind == yaml.ScalarNode) {
					return path
				}
				if p := walk(v, path); p != "" {
					return p
				}
			}
		}
		return ""
	}
	if p := walk(n, ""); p != "" {
		return p
	}
	return name
}

// applyEnv sets every field whose SUPPLYBOT_<PATH> variable is present.
func applyEnv(c *Config, env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "SUPPLYBOT_") {
			vars[k] = v
		}
	}
	return walk(reflect.ValueOf(c).Elem(), "", func(path string, f reflect.Value) error {
		name := "SUPPLYBOT_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
		v, ok := vars[name]
		if !ok {
			return nil
		}
		if err := setField(f, v); err != nil {
			return fmt.Errorf("%s (from %s): %w", path, name, err)
		}
		return nil
	})
}

// walk calls fn for every leaf field with its YAML path.
func walk(v reflect.Value, prefix string, fn func(string, reflect.Value) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		path := tag
		if prefix != "" {
			path = prefix + "." + tag
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type() != reflect.TypeOf(time.Duration(0)) {
			if err := walk(f, path, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(path, f); err != nil {
			return err
		}
	}
	return nil
}

func setField(f reflect.Value, v string) error {
	if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(v))
	}
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("not a duration like 30m or 4.5s: %q", v)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(v)
	case f.Kind() == reflect.Int, f.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("not a whole number: %q", v)
		}
		f.SetInt(n)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("not true or false: %q", v)
		}
		f.SetBool(b)
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var list []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
		f.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}

// Validate checks every value; the error names the key and what is wrong.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Server.Addr); err != nil {
		return fmt.Errorf("server.addr: %q is not host:port", c.Server.Addr)
	}
	if c.Server.ReplyDeadline <= 0 || c.Server.ReplyDeadline > 4500*time.Millisecond {
		return fmt.Errorf("server.reply_deadline: %s must be above 0 and at most 4.5s (WeChat waits 5 s)", c.Server.ReplyDeadline)
	}
	if c.Runtime.GCPercent < 10 || c.Runtime.GCPercent > 1000 {
		return fmt.Errorf("runtime.gc_percent: %d must be 10 to 1000", c.Runtime.GCPercent)
	}
	if c.Server.MaxBody <= 0 {
		return fmt.Errorf("server.max_body: must be positive")
	}
	if c.Server.MaxInflight < 0 {
		return fmt.Errorf("server.max_inflight: must be at least 1 (or 0 for four per CPU)")
	}
	if c.DataDir == "" && (c.Mongo.URI == embedded || c.Redis.Addr == embedded) {
		return fmt.Errorf("data_dir: required for the embedded stores")
	}
	if c.Mongo.URI == "" {
		return fmt.Errorf("mongo.uri: required (a mongodb:// URI or %q)", embedded)
	}
	if c.Mongo.URI != embedded && !strings.HasPrefix(c.Mongo.URI, "mongodb://") && !strings.HasPrefix(c.Mongo.URI, "mongodb+srv://") {
		return fmt.Errorf("mongo.uri: must start with mongodb:// or mongodb+srv://, or be %q", embedded)
	}
	if c.Mongo.Database == "" {
		return fmt.Errorf("mongo.database: required")
	}
	if c.Redis.Addr == "" {
		return fmt.Errorf("redis.addr: required (host:port or %q)", embedded)
	}
	if c.Redis.Addr != embedded {
		if _, _, err := net.SplitHostPort(c.Redis.Addr); err != nil {
			return fmt.Errorf("redis.addr: %q is not host:port", c.Redis.Addr)
		}
	}
	if c.Redis.DB < 0 || c.Redis.DB > 15 {
		return fmt.Errorf("redis.db: %d is not between 0 and 15", c.Redis.DB)
	}
	if c.WeChat.Token == "" {
		return fmt.Errorf("wechat.token: required (the Token entered in the WeChat admin console)")
	}
	if len(c.WeChat.Token) < 3 || len(c.WeChat.Token) > 32 {
		return fmt.Errorf("wechat.token: must be 3 to 32 characters")
	}
	if k := c.WeChat.EncodingAESKey; k != "" {
		if len(k) != 43 {
			return fmt.Errorf("wechat.encoding_aes_key: must be 43 characters, got %d", len(k))
		}
		if b, err := base64.StdEncoding.DecodeString(k + "="); err != nil || len(b) != 32 {
			return fmt.Errorf("wechat.encoding_aes_key: not a valid EncodingAESKey (base64 of 32 bytes)")
		}
	}
	switch c.WeChat.MessageMode {
	case "", bot.ModePlain:
	case bot.ModeSafe, bot.ModeCompatible:
		if c.WeChat.EncodingAESKey == "" {
			return fmt.Errorf("wechat.message_mode: %s needs wechat.encoding_aes_key (or say plain)", c.WeChat.MessageMode)
		}
	default:
		return fmt.Errorf("wechat.message_mode: %q is not safe, compatible or plain", c.WeChat.MessageMode)
	}
	if c.WeChat.AppID == "" {
		return fmt.Errorf("wechat.app_id: required")
	}
	if c.WeChat.AppSecret == "" {
		return fmt.Errorf("wechat.app_secret: required")
	}
	if c.WeChat.API != apiSimulator && c.WeChat.API != apiReal {
		return fmt.Errorf("wechat.api: must be %q or %q", apiSimulator, apiReal)
	}
	if c.Session.TTL < time.Minute {
		return fmt.Errorf("session.ttl: %s is shorter than a minute", c.Session.TTL)
	}
	if c.Push.Workers < 1 {
		return fmt.Errorf("push.workers: must be at least 1")
	}
	if c.Posts.DailyCap < 1 {
		return fmt.Errorf("posts.daily_cap: must be at least 1")
	}
	if c.Alerts.DailyCap < 1 {
		return fmt.Errorf("alerts.daily_cap: must be at least 1")
	}
	if _, _, _, err := c.quietHours(); err != nil {
		return fmt.Errorf("alerts.quiet_hours: %w", err)
	}
	if _, err := clockTime(c.Alerts.DigestAt); err != nil {
		return fmt.Errorf("alerts.digest_at: %w", err)
	}
	if c.Alerts.CatchUpEvery < 0 || c.Alerts.MatchGrace < 0 {
		return fmt.Errorf("alerts.catch_up_every, alerts.match_grace: must not be negative (0: the defaults)")
	}
	if err := c.Admin.Users.validate(); err != nil {
		return fmt.Errorf("admin.users: %w", err)
	}
	if t := c.Admin.APIToken; t != "" && len(t) < 24 {
		return fmt.Errorf("admin.api_token: at least 24 characters (e.g. openssl rand -hex 24)")
	}
	if len(c.Menu) > 0 {
		if err := bot.ValidateMenu(c.Menu); err != nil {
			return fmt.Errorf("menu: %w", err)
		}
	}
	if u := c.Server.PublicURL; u != "" {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" || pu.RawQuery != "" {
			return fmt.Errorf("server.public_url: %q is not an http(s) base URL such as https://bot.example.com", u)
		}
	}
	if d := c.Parse.DataDir; d != "" {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return fmt.Errorf("parse.data_dir: %q is not a folder", d)
		}
	}
	return nil
}

// messageMode is wechat.message_mode with its default: safe when an
// EncodingAESKey is set, plain otherwise.
func (c *Config) messageMode() string {
	switch {
	case c.WeChat.MessageMode != "":
		return c.WeChat.MessageMode
	case c.WeChat.EncodingAESKey != "":
		return bot.ModeSafe
	}
	return bot.ModePlain
}

// quietHours reads alerts.quiet_hours: from and to as offsets from
// midnight, or off.
func (c *Config) quietHours() (from, to time.Duration, off bool, err error) {
	v := strings.TrimSpace(c.Alerts.QuietHours)
	if v == "off" {
		return 0, 0, true, nil
	}
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		return 0, 0, false, fmt.Errorf("%q is not a range such as 22:00-08:00, or off", v)
	}
	if from, err = clockTime(a); err == nil {
		to, err = clockTime(b)
	}
	if err == nil && from == to {
		err = fmt.Errorf("%q is empty; say off to have no quiet hours", v)
	}
	return from, to, false, err
}

// clockTime reads "HH:MM" as an offset from midnight.
func clockTime(v string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day such as 21:00", v)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "xxxxx"
}

// LogValue keeps secrets out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("server.addr", c.Server.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("mongo.uri", store.RedactURI(c.Mongo.URI)),
		slog.String("mongo.database", c.Mongo.Database),
		slog.String("redis.addr", c.Redis.Addr),
		slog.String("redis.password", mask(c.Redis.Password)),
		slog.Int("redis.db", c.Redis.DB),
		slog.String("wechat.app_id", c.WeChat.AppID),
		slog.String("wechat.app_secret", mask(c.WeChat.AppSecret)),
		slog.String("wechat.token", mask(c.WeChat.Token)),
		slog.String("wechat.encoding_aes_key", mask(c.WeChat.EncodingAESKey)),
		slog.String("wechat.message_mode", c.messageMode()),
		slog.String("wechat.api", c.WeChat.API),
		slog.Duration("session.ttl", c.Session.TTL),
		slog.Int("admin.openids", len(c.Admin.OpenIDs)),
		slog.Int("admin.users", len(c.Admin.Users)),
		slog.String("admin.api_token", mask(c.Admin.APIToken)),
		slog.Bool("admin.cookie_secure", c.Admin.CookieSecure),
	)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// seedFollowers is `supplybot seed followers N [prefix]`: it asks the
// running server's simulated WeChat (wechat.api: simulator, at
// server.addr) to add N followers named prefix000001 … (default sim-f-),
// the audience of a load test of broadcasts.
func seedFollowers(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("usage: supplybot seed followers N [prefix]")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 || n > 1_000_000 {
		return fmt.Errorf("seed followers: N must be 1 to 1000000, not %q", args[0])
	}
	if cfg.WeChat.API != apiSimulator {
		return fmt.Errorf("wechat.api: seeding followers needs the simulator, not %s", cfg.WeChat.API)
	}
	prefix := "sim-f-"
	if len(args) == 2 {
		prefix = args[1]
	}
	body, _ := json.Marshal(map[string]any{"prefix": prefix, "count": n})
	url := "http://" + cfg.Server.Addr + "/sim/api/followers"
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("server.addr: is supplybot running at %s? %w", cfg.Server.Addr, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("seed followers: %s: %s", res.Status, bytes.TrimSpace(b))
	}
	var out struct{ Added, Followers int }
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("seed followers: %w", err)
	}
	fmt.Fprintf(stdout, "added %d followers; the simulator has %d\n", out.Added, out.Followers)
	return nil
}

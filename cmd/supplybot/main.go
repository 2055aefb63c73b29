// Command supplybot runs the supplybot WeChat official-account backend.
//
//	supplybot [-config config.yaml] [serve]   run the server (default)
//	supplybot [-config config.yaml] menu sync push the custom menu to WeChat
//	supplybot admin hash-password             print a bcrypt hash for admin.users
//	supplybot [-config config.yaml] show demands|offers|enterprises|matches [N]
//	                                          print the newest records as JSON lines
//	supplybot [-config config.yaml] seed records|offers|demands N
//	                                          fill the store with realistic enterprises and open records
//	supplybot [-config config.yaml] seed followers N [prefix]
//	                                          add N followers to a running server's simulator
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "supplybot:", err)
		}
		os.Exit(1)
	}
}

// run parses the command line and runs the subcommand until ctx ends.
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("supplybot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.yaml", "configuration file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: supplybot [-config FILE] [serve | menu sync | show COLLECTION [N] | seed records|offers|demands|followers N | admin hash-password]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if a := fs.Args(); len(a) > 0 && a[0] == "admin" {
		return runAdmin(a[1:], stdout, stderr)
	}
	cfg, err := LoadConfig(*configPath, env)
	if err != nil {
		return err
	}
	log := newLogger(stdout)
	if a := fs.Args(); len(a) > 0 && a[0] == "show" {
		// stdout carries the data; the log goes beside it
		return NewMain(cfg, newLogger(stderr)).Show(ctx, a[1:], stdout)
	}
	m := NewMain(cfg, log)

	switch cmd := fs.Args(); {
	case len(cmd) == 0 || (len(cmd) == 1 && cmd[0] == "serve"):
		if pct, set := setGCPercent(cfg, env); set {
			log.Info("garbage collection target set", "runtime.gc_percent", pct)
		}
		if err := m.Run(ctx); err != nil {
			m.Close(context.Background())
			return err
		}
		<-ctx.Done()
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 9*time.Second)
		defer cancel()
		if err := m.Close(sctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		log.Info("stopped")
		return nil
	case len(cmd) == 2 && cmd[0] == "menu" && cmd[1] == "sync":
		return m.MenuSync(ctx)
	case len(cmd) >= 2 && cmd[0] == "seed" && cmd[1] == "followers":
		return seedFollowers(ctx, cfg, cmd[2:], stdout)
	case len(cmd) > 0 && cmd[0] == "seed":
		return m.Seed(ctx, cmd[1:])
	default:
		fs.Usage()
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// newLogger logs JSON unless w is a terminal.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(w, nil))
		}
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// setGCPercent gives the server's collector the target of
// runtime.gc_percent, unless GOGC is set in env (Go read it at start).
// It reports the target and whether it set it. The default, 50, holds
// the heap to 1.5 times what is live rather than Go's twice: with 10,000
// open records the server's memory stays under 200 MB at 300 messages/s
// (docs/BENCHMARKS.md).
func setGCPercent(cfg Config, env []string) (int, bool) {
	for _, kv := range env {
		if strings.HasPrefix(kv, "GOGC=") {
			return 0, false
		}
	}
	debug.SetGCPercent(cfg.Runtime.GCPercent)
	return cfg.Runtime.GCPercent, true
}

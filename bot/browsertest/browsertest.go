// Package browsertest starts Debian's headless Chromium for the tests of
// the pages the bot serves (the console, the simulator). It is imported by
// tests only; the product never imports it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium. Without it the browser test is
// skipped on a developer's machine and fails in CI (CI=true), where
// .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("SUPPLYBOT_CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; in CI it must be (.ci/run installs it: apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get update && apt-get install -y chromium); skipping the browser test outside CI")
	return ""
}

// Start starts a headless chromium with a fresh profile and a window of
// width×height, closed when the test ends. The function it returns lists
// what the pages reported as errors so far (a CSP violation, a script
// error, a failed load).
func Start(t *testing.T, width, height int, extra ...chromedp.ExecAllocatorOption) (context.Context, func() []string) {
	t.Helper()
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		// This machine's network is closed: no background connections.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	var mu sync.Mutex
	var errs []string
	done := make(chan struct{})
	t.Cleanup(func() { cancelCtx(); cancelAlloc(); <-done })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		close(done)
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				errs = append(errs, m.URL+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), errs...) }
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"supplybot/bot"
)

// The echo server runs in a process of its own by default, as the bot
// does: a server in the load generator's own process is answered without
// the hand-over between processes every request to the bot pays, and
// measured 1.2× the same server in a process of its own (帮助, 16 workers,
// 2 cores). The child is this program again, told so by echoChildEnv.
const (
	echoChildEnv = "LOADGEN_ECHO_CHILD" // "token appid aeskey"
)

// serveEchoChild is the child's whole life, when echoChildEnv is set: it
// serves the echo server on a free loopback port, prints its URL on
// stdout, and stops when stdin closes (its parent ended).
func serveEchoChild() int {
	f := strings.Fields(os.Getenv(echoChildEnv))
	if len(f) != 3 {
		fmt.Fprintln(os.Stderr, "loadgen echo: want token, appid and aeskey in", echoChildEnv)
		return 2
	}
	url, closeEcho, err := startEcho(f[0], f[1], f[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen echo:", err)
		return 1
	}
	defer closeEcho()
	fmt.Println(url)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// startEchoProcess starts the echo server in a child process and returns
// its URL and a func that stops it.
func startEchoProcess(ctx context.Context, token, appID, aesKey string) (string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, fmt.Errorf("echo process: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), echoChildEnv+"="+token+" "+appID+" "+aesKey)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("echo process: %w", err)
	}
	stop := func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url := strings.TrimSpace(line)
	if err != nil || !strings.HasPrefix(url, "http://127.0.0.1:") {
		stop()
		return "", nil, fmt.Errorf("echo process: no address (%q, %v)", url, err)
	}
	return url, stop, nil
}

// startEcho serves the echo handler on a free loopback port.
func startEcho(token, appID, aesKey string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("echo server: %w", err)
	}
	srv := &http.Server{Handler: bot.EchoHandler(token, appID, aesKey), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "echo server:", err)
		}
	}()
	return "http://" + ln.Addr().String() + "/wechat", func() { _ = srv.Close() }, nil
}

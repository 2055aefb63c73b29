package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets this test binary be the echo child, as loadgen is.
func TestMain(m *testing.M) {
	if os.Getenv(echoChildEnv) != "" {
		os.Exit(serveEchoChild())
	}
	os.Exit(m.Run())
}

// TestEchoRunsInAProcessOfItsOwn: the echo server answers from a child
// process (a listener of this process would be found by its port), and
// the child ends when it is stopped.
func TestEchoRunsInAProcessOfItsOwn(t *testing.T) {
	url, stop, err := startEchoProcess(context.Background(), "supplybot-local", "wx0000000000simulator", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		t.Fatal(err)
	}
	port := url[strings.LastIndex(url, ":")+1 : strings.Index(url, "/wechat")]
	if owner := portOwner(t, port); owner == os.Getpid() || owner == 0 {
		t.Errorf("port %s is served by pid %d; this test is %d", port, owner, os.Getpid())
	}
	var out bytes.Buffer
	err = run(context.Background(), []string{"-target", url, "-echo=false", "-workers", "2", "-max", "20", "-runs", "1",
		"-duration", "5s", "-warmup", "0s", "-user-gap", "0", "-mix", "help"}, &out, &out)
	if err != nil || !strings.Contains(out.String(), "sent 20, errors 0") {
		t.Fatalf("%v: %s", err, out.String())
	}
	stop()
	if owner := portOwner(t, port); owner != 0 {
		t.Errorf("port %s still served by pid %d after stop", port, owner)
	}
}

// portOwner is the pid of the process listening on 127.0.0.1:port (0:
// none), read from /proc.
func portOwner(t *testing.T, port string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skip("no /proc/net/tcp:", err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	local := fmt.Sprintf("0100007F:%04X", p)
	inode := ""
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 9 && f[1] == local && f[3] == "0A" { // 0A: listening
			inode = f[9]
		}
	}
	if inode == "" {
		return 0
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if l, err := os.Readlink(fd); err == nil && l == "socket:["+inode+"]" {
			pid, _ := strconv.Atoi(strings.Split(fd, "/")[2])
			return pid
		}
	}
	return 0
}

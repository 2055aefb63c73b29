package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// adminStdin is where hash-password reads the password (tests replace it).
var adminStdin io.Reader = os.Stdin

// minPasswordLen is the shortest console password hash-password accepts.
const minPasswordLen = 10

// runAdmin runs `supplybot admin …`, which needs no configuration:
//
//	supplybot admin hash-password   read a password from stdin, print its bcrypt hash
func runAdmin(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] != "hash-password" {
		fmt.Fprintln(stderr, "usage: supplybot admin hash-password   (reads the password from stdin; prints an admin.users hash)")
		return fmt.Errorf("unknown admin command %q", args)
	}
	if f, ok := adminStdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(stderr, "password (shown as typed; pipe it in to hide it): ")
		}
	}
	line, err := bufio.NewReader(adminStdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if len([]rune(pw)) < minPasswordLen {
		return fmt.Errorf("password: at least %d characters", minPasswordLen)
	}
	if len(pw) > 72 {
		return fmt.Errorf("password: at most 72 bytes (bcrypt reads no further)")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), 12)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(hash))
	return nil
}

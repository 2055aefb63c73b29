package scenario

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Every line is sent in order, and the first reply that lacks its word
// stops the scenario with a Chinese message naming the step.
func TestRunStopsAtAnUnexpectedReply(t *testing.T) {
	var sent []string
	sum, err := Run(context.Background(), func(_ context.Context, openid, text string) (string, error) {
		sent = append(sent, openid+" "+text)
		for _, l := range Script() {
			if l.OpenID == openid && l.Text == text {
				return "……" + l.Expect + "……", nil
			}
		}
		return "", errors.New("unknown line")
	})
	if err != nil || !strings.Contains(sum, "场景已就绪") || len(sent) != len(Script()) {
		t.Fatalf("got %q, %v after %d lines, want the summary after %d", sum, err, len(sent), len(Script()))
	}

	n := 0
	_, err = Run(context.Background(), func(context.Context, string, string) (string, error) {
		n++
		return "没看懂", nil
	})
	if err == nil || n != 1 || !strings.Contains(err.Error(), "场景停在这一步") || !strings.Contains(err.Error(), Purchaser) {
		t.Fatalf("after %d lines: %v, want a stop at the first line naming it", n, err)
	}
}

// The windows are the purchaser, the two suppliers and a task-force member
// (the configured one when there is one); the script registers each of
// the first three and posts for them.
func TestPersonasAndScript(t *testing.T) {
	ps := Personas("o-member")
	if len(ps) != 4 || ps[3].OpenID != "o-member" || Personas("")[3].OpenID != TaskForce {
		t.Fatalf("personas: %+v", ps)
	}
	for _, id := range []string{Purchaser, Parts, Electronics} {
		var reg, post bool
		for _, l := range Script() {
			reg = reg || l.OpenID == id && strings.HasPrefix(l.Text, "注册 ")
			post = post || l.OpenID == id && (strings.HasPrefix(l.Text, "求购 ") || strings.HasPrefix(l.Text, "供应 "))
		}
		if !reg || !post {
			t.Errorf("%s: registered %v, posted %v", id, reg, post)
		}
	}
}

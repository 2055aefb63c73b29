package handlers

import (
	"context"

	"supplybot/bot"
)

// Flows of the conversation, as bot.Session.Flow names them.
const (
	flowReg    = "reg"    // register an enterprise (flow_reg.go)
	flowJoin   = "join"   // join one with an invite code (flow_join.go)
	flowPost   = "post"   // write a demand or offer (flow_post.go)
	flowResume = "resume" // offer a timed-out form again (flow_resume.go)
	flowClose  = "close"  // close a record (close.go, a confirmation)
	flowQuit   = "quit"   // deregister (quit.go, a confirmation)
	flowLeave  = "leave"  // leave the enterprise (company.go, a confirmation)
)

// flow is one dialog: a sequence of questions the user answers over
// several messages. The dialog (dialog.go) only dispatches: 取消, 帮助,
// 上一步 and 修改 work the same in every flow, the rest is the flow's.
type flow interface {
	// question is the current question.
	question(a *App, c *conv) string
	// help explains the current step (帮助 inside the flow).
	help(a *App, c *conv) string
	// answer takes a message the flow claimed.
	answer(ctx context.Context, a *App, c *conv, in input) (bot.Reply, error)
	// valid reports whether a stored state fits the flow; one that does
	// not is dropped rather than trapping the user.
	valid(st *state) bool
	// confirmation reports a flow that asks before an action: it holds only
	// while the user answers it, and ends when they do something else.
	confirmation() bool
	// keepsDraft reports a form that outlives its session as a draft.
	keepsDraft() bool
}

// input is a message as the flow reads it.
type input struct {
	m    *bot.Message
	t    string       // cleaned text
	cmd  *bot.Command // its command, nil for none
	name string       // the command's name, "" for none
	rest string       // the text after the command word
}

// Optional parts of a flow.
type (
	// owner takes messages whose command would pass the flow by
	// (registration takes 注册 and the 同意 it asked for).
	owner interface {
		owns(c *conv, in input) bool
	}
	// interceptor sees a message before 上一步 and 修改 do (a question
	// that must be answered first, a new post typed into the form).
	interceptor interface {
		intercept(ctx context.Context, a *App, c *conv, in input) (bot.Reply, bool, error)
	}
	// editor takes 修改 字段 内容.
	editor interface {
		edit(ctx context.Context, a *App, c *conv, rest string) (bot.Reply, error)
	}
	// imageTaker takes a picture sent during the flow.
	imageTaker interface {
		image(ctx context.Context, a *App, c *conv, m *bot.Message) (bot.Reply, error)
	}
	// canceller adds to the reply of 取消 (a form set aside comes back).
	canceller interface {
		cancelled(ctx context.Context, a *App, c *conv) string
	}
	// titled names the flow's draft (求购, 注册, 加入企业).
	titled interface {
		title(st *state) string
	}
)

// registerFlows is the one place a flow of the conversation is
// registered; confirmed commands of other parts add theirs with
// AddConfirmed.
func (a *App) registerFlows() {
	a.closeConf, a.quitConf, a.leaveConf = a.closeConfirmation(), a.quitConfirmation(), a.leaveCompanyConfirmation()
	a.closeConf.command, a.quitConf.command, a.leaveConf.command = cmdClose, cmdQuit, cmdLeave
	a.flows = map[string]flow{
		flowReg:    regFlow{},
		flowJoin:   joinFlow{},
		flowPost:   postFlow{},
		flowResume: resumeFlow{},
		flowClose:  confirmFlow{a.closeConf},
		flowQuit:   confirmFlow{a.quitConf},
		flowLeave:  confirmFlow{a.leaveConf},
	}
}

// flowOf returns the flow named, nil for none or one this version does
// not know (an older deployment's).
func (a *App) flowOf(name string) flow { return a.flows[name] }

package handlers

import (
	"context"
	"errors"
	"strings"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/handlers/record"
	"supplybot/store"
)

// regFlow registers an enterprise: name, role, region, contact, mobile,
// optional USCC, then consent (regform.go reads the answers). A post typed
// in the middle of it is kept for after it.
type regFlow struct{}

func (regFlow) question(a *App, c *conv) string { return c.st.Reg.question(c.sess.Step) }
func (regFlow) help(a *App, c *conv) string     { return c.st.Reg.stepHelp(c.sess.Step) }
func (regFlow) valid(st *state) bool            { return st.Reg != nil }
func (regFlow) confirmation() bool              { return false }
func (regFlow) keepsDraft() bool                { return true }
func (regFlow) title(*state) string             { return "注册" }

// owns: 注册 typed again answers the flow, and so does the 同意 its
// consent question asks for (not someone's contact request).
func (regFlow) owns(c *conv, in input) bool { return in.name == cmdRegister || consentWord(in.t) }

func consentWord(t string) bool { return t == "同意" || t == "拒绝" }

func (regFlow) intercept(ctx context.Context, a *App, c *conv, in input) (bot.Reply, bool, error) {
	return a.keepPostTyped(ctx, c, in)
}

func (regFlow) edit(ctx context.Context, a *App, c *conv, rest string) (bot.Reply, error) {
	return a.editReg(ctx, c, rest)
}

func (regFlow) answer(ctx context.Context, a *App, c *conv, in input) (bot.Reply, error) {
	return a.regAnswer(ctx, c, in.t)
}

// keepPostTyped keeps a post typed during registration or joining for
// after it, instead of reading it as an answer.
func (a *App) keepPostTyped(ctx context.Context, c *conv, in input) (bot.Reply, bool, error) {
	switch in.name {
	case cmdPostDemand, cmdPostOffer:
		kind := store.KindDemand
		if in.name == cmdPostOffer {
			kind = store.KindOffer
		}
		if in.rest != "" && a.parse(ctx, in.t).Product != "" && !namesCompany(in.t) {
			r, err := a.keepPost(ctx, c, in.m, kind, postText(in.t, in.rest))
			return r, true, err
		}
	case "":
		if kind := a.looksLikePost(ctx, in.t); kind != "" {
			r, err := a.keepPost(ctx, c, in.m, kind, in.t)
			return r, true, err
		}
	}
	return bot.Reply{}, false, nil
}

// nameTaken clears a company name another enterprise is registered under
// and says how to join it instead; "" when the name is free. A second
// enterprise of the same name would split the company's records and
// verification, and joining without a code would let anyone in: the user
// asks a colleague for the invite code. Nothing about the enterprise's
// contacts is told.
func (a *App) nameTaken(ctx context.Context, r *regForm) (string, error) {
	if r.joining() || r.Name == "" {
		return "", nil
	}
	_, err := a.d.Enterprises.ByName(ctx, r.Name)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	name := r.Name
	r.Name = ""
	return "“" + name + "”已在平台登记，同一企业不必重复登记：请向已登记的同事要6位邀请码（同事发送“注册”即可看到），然后发送“加入 邀请码”，例如：加入 ABC123。\n名称被他人误登记？可发送“申诉 企业全称 理由”。不是这家企业？请回复贵企业的全称。", nil
}

// register starts registration: 注册, or 注册 with everything in one message.
func (a *App) register(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	if e, err := a.d.Enterprises.ByOpenID(ctx, m.OpenID); err == nil {
		return bot.Text("您已登记为“" + e.Name + "”的联系人，无需再注册。\n企业邀请码：" + e.InviteCode + "（同事发送“加入 " + e.InviteCode + "”即可加入）。\n" + nextHint), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	var pending *postForm
	if c.sess.Flow == flowPost {
		pending = c.st.Post
	}
	r := &regForm{}
	problem := ""
	if rest != "" {
		problem = r.extract(a, rest, "")
		// One message without a code: the code is optional, the consent
		// summary says how to add it.
		r.USCCAsked = true
	}
	taken, err := a.nameTaken(ctx, r)
	if err != nil {
		return bot.Reply{}, err
	}
	if taken != "" {
		problem = taken
	}
	c.start(flowReg, r.next())
	c.st = state{Reg: r, Post: pending}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	if problem != "" {
		return a.say(c, problem)
	}
	if rest == "" {
		return a.say(c, "欢迎登记企业（只需一次）。也可以一句话发完：注册 重庆青山工业有限公司 零部件 重庆璧山 联系人张伟 13800001111\n第一步：")
	}
	return a.say(c, "")
}

// regAnswer takes the answer to a registration question.
func (a *App) regAnswer(ctx context.Context, c *conv, t string) (bot.Reply, error) {
	r := c.st.Reg
	step := c.sess.Step
	switch step {
	case stepConsent:
		switch {
		case t == "同意" || t == "我同意" || isYes(t):
			return a.saveRegistration(ctx, c)
		case t == "不同意" || t == "拒绝" || isNo(t):
			if err := a.finish(ctx, c); err != nil {
				return bot.Reply{}, err
			}
			return bot.Text("好的，没有保存任何信息。需要时再回复“注册”。\n" + helpText), nil
		}
		if !r.joining() && usccAttempt(t) {
			// The summary shows the code as 未填: the user sends it now.
			before := r.USCC
			if problem := r.extract(a, t, step); problem != "" {
				return a.say(c, problem)
			}
			if r.USCC != before {
				r.USCCAsked = true
				if err := a.save(ctx, c); err != nil {
					return bot.Reply{}, err
				}
				return a.say(c, "已补充信用代码。")
			}
		}
		return a.say(c, "请回复“同意”或“取消”。")
	case stepUSCC:
		if inWords(t, []string{"跳过", "无", "没有", "不填", "暂无", "略", "skip"}) {
			r.USCCAsked = true
			break
		}
		before := r.USCC
		if problem := r.extract(a, t, step); problem != "" {
			return a.say(c, problem)
		}
		if r.USCC == before || r.USCC == "" {
			if !usccLikeRe.MatchString(t) {
				return a.say(c, "统一社会信用代码是18位字母和数字，例如："+usccSample+"，或回复“跳过”。")
			}
		}
		r.USCCAsked = true
	case stepRole:
		if problem := r.extract(a, t, step); problem != "" {
			return a.say(c, problem)
		}
		if r.Role == "" {
			return a.say(c, "没看懂企业类型。")
		}
	case stepRegRgn:
		if problem := r.extract(a, t, step); problem != "" {
			return a.say(c, problem)
		}
		if r.Region == nil {
			return a.say(c, "没认出这个地区。") // the question gives the example
		}
	case stepMobile:
		if mob, ok := mobileOf(t); ok {
			r.Mobile = mob
			break
		}
		before := r.Mobile
		problem := r.extract(a, t, step)
		if problem == "" && r.Mobile == before || strings.HasPrefix(problem, "手机号") {
			// The question that follows gives the example.
			problem = "“" + preview(t, 15) + "”不是有效的手机号。"
		}
		if problem != "" {
			return a.say(c, problem)
		}
	default:
		if problem := r.extract(a, t, step); problem != "" {
			return a.say(c, problem)
		}
	}
	taken, err := a.nameTaken(ctx, r)
	if err != nil {
		return bot.Reply{}, err
	}
	next := r.next()
	if next == step && taken == "" {
		return a.say(c, "")
	}
	c.goTo(next)
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, taken)
}

// regFieldNames maps the names users type after 修改 to registration fields.
var regFieldNames = map[string]string{
	"企业名称": "name", "公司名称": "name", "企业": "name", "公司": "name", "名称": "name", "企业全称": "name",
	"类型": "role", "企业类型": "role", "角色": "role", "类别": "role",
	"地区": "region", "所在地": "region", "地址": "region", "地点": "region",
	"联系人": "contact", "姓名": "contact", "名字": "contact",
	"手机": "mobile", "手机号": "mobile", "电话": "mobile", "手机号码": "mobile",
	"信用代码": "uscc", "统一社会信用代码": "uscc", "代码": "uscc", "USCC": "uscc",
}

// editReg changes one registration field: 修改 手机 13900001111.
func (a *App) editReg(ctx context.Context, c *conv, rest string) (bot.Reply, error) {
	r := c.st.Reg
	field, v, ok := splitEdit(rest, regFieldNames)
	if !ok || v == "" {
		return a.say(c, "请写要改的项目和新内容，例如：修改 手机 13900001111 / 修改 联系人 李娜。")
	}
	if r.joining() && field != "contact" && field != "mobile" {
		return a.say(c, "加入企业只需填写联系人和手机号。")
	}
	problem := ""
	switch field {
	case "name":
		if v = safeField(v, maxCompany); companyProblem(a, v) == "" {
			r.Name = v
		} else {
			problem = companyProblem(a, v)
		}
	case "role":
		if role, ok := roleOf(v, true); ok {
			r.Role = role
		} else {
			problem = "企业类型请写：整车 / 零部件 / 电子信息 / 其他"
		}
	case "region":
		if reg, ok := a.p.ParseRegion(v); ok && reg.City != "" {
			r.Region = &store.Region{Province: reg.Province, City: reg.City, District: reg.District}
		} else {
			problem = "没认出地区，请写到城市，例如：修改 地区 重庆璧山"
		}
	case "contact":
		if v = safeField(v, maxPerson); validPerson(v) {
			r.Contact = v
		} else {
			problem = "请写联系人姓名，例如：修改 联系人 李娜"
		}
	case "mobile":
		if mob, ok := mobileOf(v); ok {
			r.Mobile = mob
		} else {
			problem = "手机号不对，请输入11位手机号，例如：修改 手机 13900001111"
		}
	case "uscc":
		if inWords(v, clearWords) {
			r.USCC, r.USCCAsked = "", true
		} else if u := strings.ToUpper(strings.TrimSpace(v)); parse.ValidUSCC(u) {
			r.USCC, r.USCCAsked = u, true
		} else {
			problem = "统一社会信用代码校验不通过，请核对18位代码，例如：" + usccSample
		}
	}
	if problem != "" {
		return a.say(c, problem)
	}
	taken, err := a.nameTaken(ctx, r)
	if err != nil {
		return bot.Reply{}, err
	}
	if next := r.next(); c.sess.Step != stepConsent || next != stepConsent {
		c.goTo(next)
	}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	if taken != "" {
		return a.say(c, taken)
	}
	return a.say(c, "已修改。")
}

// saveRegistration stores the enterprise (or the new contact) after
// consent, then goes on with a post the user had started.
func (a *App) saveRegistration(ctx context.Context, c *conv) (bot.Reply, error) {
	r := c.st.Reg
	now := a.now().UTC()
	contact := store.Contact{OpenID: c.openid, Name: r.Contact, Mobile: r.Mobile}
	var msg string
	if r.joining() {
		err := a.d.Enterprises.AddContact(ctx, r.JoinID, contact)
		switch {
		case errors.Is(err, store.ErrConflict):
			_ = a.finish(ctx, c)
			return bot.Text("您已经是某家企业的联系人了，回复“注销”可退出后再加入。"), nil
		case errors.Is(err, store.ErrNotFound):
			_ = a.finish(ctx, c)
			return bot.Text("这家企业已不在平台上，请回复“注册”登记。"), nil
		case err != nil:
			return bot.Reply{}, err
		}
		if a.d.Joins != nil {
			a.d.Joins.Joined(ctx, r.JoinID, contact)
		}
		msg = "已加入“" + r.JoinName + "”！"
	} else {
		// Someone may have registered the name since it was typed.
		if taken, err := a.nameTaken(ctx, r); err != nil || taken != "" {
			if err != nil {
				return bot.Reply{}, err
			}
			c.goTo(r.next())
			if err := a.save(ctx, c); err != nil {
				return bot.Reply{}, err
			}
			return a.say(c, taken)
		}
		e := &store.Enterprise{Name: r.Name, Role: r.Role, Region: *r.Region, USCC: r.USCC,
			Contacts: []store.Contact{contact}, ConsentAt: now}
		contact.JoinedAt = now
		e.Contacts[0].JoinedAt = now
		err := a.d.Enterprises.Create(ctx, e)
		if errors.Is(err, store.ErrConflict) {
			_ = a.finish(ctx, c)
			return bot.Text("您已经登记过企业了。回复“帮助”看看能做什么。"), nil
		}
		if err != nil {
			return bot.Reply{}, err
		}
		if a.d.Joins != nil {
			a.d.Joins.Registered(ctx, *e)
		}
		msg = "登记成功！企业邀请码：" + e.InviteCode + "，同事发送“加入 " + e.InviteCode + "”即可加入本企业。"
		if r.USCC != "" {
			msg += "\n工作专班核实后会标为“已认证”。"
		}
	}
	if pending := c.st.Post; pending != nil {
		c.start(pending.flow(), pending.next())
		c.st = state{Post: pending}
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, msg+"\n\n接着发布您的"+record.KindName(pending.Kind)+"：")
	}
	if err := a.finish(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return bot.Text(msg + "\n现在可以发布了，例如：\n求购 变速箱电磁阀 5000件 重庆璧山\n供应 6层PCB 月产能2万平米 成都"), nil
}

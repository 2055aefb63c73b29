package handlers

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"supplybot/handlers/parse"
	"supplybot/handlers/record"
	"supplybot/store"
)

// regForm is an enterprise being registered, or a contact joining one.
type regForm struct {
	JoinID    string        `json:"join_id,omitempty"` // joining this enterprise
	JoinName  string        `json:"join_name,omitempty"`
	Name      string        `json:"name,omitempty"`
	Role      string        `json:"role,omitempty"`
	Region    *store.Region `json:"region,omitempty"`
	Contact   string        `json:"contact,omitempty"`
	Mobile    string        `json:"mobile,omitempty"`
	USCC      string        `json:"uscc,omitempty"`
	USCCAsked bool          `json:"uscc_asked,omitempty"`
}

// Steps of registration.
const (
	stepName    = "name"
	stepRole    = "role"
	stepRegRgn  = "reg-region"
	stepContact = "contact"
	stepMobile  = "mobile"
	stepUSCC    = "uscc"
	stepConsent = "consent"
)

const (
	maxCompany = 50
	maxPerson  = 20
	usccSample = "91500227MA5U7G2X4T"
)

// reader is what reading registration answers needs besides the text:
// the parser, and the command words of every feature (none is a company
// name). *App is one.
type reader interface {
	parser() *parse.Parser
	isCommandWord(t string) bool
}

func (a *App) parser() *parse.Parser { return a.p }

func (r *regForm) joining() bool { return r.JoinID != "" }

func (r *regForm) next() string {
	switch {
	case !r.joining() && r.Name == "":
		return stepName
	case !r.joining() && r.Role == "":
		return stepRole
	case !r.joining() && r.Region == nil:
		return stepRegRgn
	case r.Contact == "":
		return stepContact
	case r.Mobile == "":
		return stepMobile
	case !r.joining() && !r.USCCAsked && r.USCC == "":
		return stepUSCC
	}
	return stepConsent
}

func (r *regForm) question(step string) string {
	switch step {
	case stepName:
		return "请回复企业全称，例如：重庆青山工业有限公司"
	case stepRole:
		return "贵企业属于哪一类？回复数字或文字：\n1 整车\n2 零部件\n3 电子信息\n4 其他"
	case stepRegRgn:
		return "企业在哪里？请回复省市区，例如：重庆璧山 / 四川成都龙泉驿"
	case stepContact:
		return "联系人怎么称呼？请回复姓名，例如：张伟"
	case stepMobile:
		return "请回复联系人的11位手机号，例如：13800001111"
	case stepUSCC:
		return "统一社会信用代码（18位，选填，用于认证企业）。请回复代码，没有或不想填请回复“跳过”。"
	case stepConsent:
		return r.consentText()
	}
	return ""
}

func (r *regForm) stepHelp(step string) string {
	common := "\n随时可以：回复“上一步”返回，“取消”放弃，“修改 手机 13900001111”改任一项。"
	if step == stepConsent {
		return "登记前需要您同意我们保存这些信息。不同意也可以回复“取消”，不会保存任何内容。" + common
	}
	if r.joining() {
		return "正在加入“" + r.JoinName + "”，只需联系人姓名和手机号。" + common
	}
	return "正在登记企业（只需一次）：企业名称、类型、所在地、联系人和手机号，信用代码选填。也可以一句话发完：注册 重庆青山工业有限公司 零部件 重庆璧山 联系人张伟 13800001111" + common
}

func maskMobile(m string) string {
	if len(m) != 11 {
		return m
	}
	return m[:3] + "****" + m[7:]
}

func (r *regForm) consentText() string {
	var b strings.Builder
	if r.joining() {
		b.WriteString("请确认：加入“" + r.JoinName + "”\n")
	} else {
		b.WriteString("请确认登记信息：\n企业：" + r.Name + "（" + r.Role + "）\n所在地：" + record.Region(*r.Region) + "\n")
	}
	b.WriteString("联系人：" + r.Contact + " " + maskMobile(r.Mobile) + "\n")
	if !r.joining() {
		u := r.USCC
		if u == "" {
			u = "未填（可直接发送18位代码补充）"
		}
		b.WriteString("信用代码：" + u + "\n")
	}
	b.WriteString("我们保存以上信息，只用于核实企业身份，以及在您同意时把联系方式告诉对接企业。姓名和手机号不会出现在任何列表或搜索结果里，您可随时回复“注销”删除。\n")
	b.WriteString("同意请回复“同意”；要改请发“修改 手机 13900001111”；回复“取消”不保存。")
	return b.String()
}

var (
	longDigitsRe = regexp.MustCompile(`\+?\d[\d\-]{9,}\d`)
	usccLikeRe   = regexp.MustCompile(`(?i)\b[0-9A-Z]{18}\b`)
	hanRe        = regexp.MustCompile(`^\p{Han}{2,5}$`)
)

var companySuffixes = []string{"公司", "集团", "厂", "有限", "研究院", "研究所", "中心", "股份", "企业", "商行", "工作室", "合作社", "事务所"}

func isCompany(s string) bool {
	for _, suf := range companySuffixes {
		if strings.Contains(s, suf) {
			return true
		}
	}
	return false
}

// legalSuffixes end the registered name of a company; unlike 厂 or 中心
// they do not end the words of a post (本厂, 加工厂, 检测中心).
var legalSuffixes = []string{"公司", "集团", "有限", "股份", "研究院", "研究所", "商行", "工作室", "合作社", "事务所"}

// namesCompany reports whether a word of t ends like a company's registered
// name (成都银河供应链管理有限公司). Such a message is not read as a post,
// though 供应 and 成都 make it look like an offer.
func namesCompany(t string) bool {
	for _, w := range fields(t) {
		for _, suf := range legalSuffixes {
			if strings.HasSuffix(w, suf) {
				return true
			}
		}
	}
	return false
}

// roleOf reads an enterprise role.
func roleOf(s string, numbers bool) (string, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "企业"), "类")
	switch s {
	case "整车", "整车厂", "主机厂", "车企", "汽车整车", "整车制造":
		return store.RoleVehicle, true
	case "零部件", "汽车零部件", "零配件", "配件", "部件", "汽配":
		return store.RoleParts, true
	case "电子信息", "电子", "电子元器件", "集成电路", "芯片", "PCB", "pcb", "通讯", "通信", "通讯终端", "半导体":
		return store.RoleElectronics, true
	case "其他", "其它", "别的":
		return store.RoleOther, true
	}
	if numbers {
		switch s {
		case "1":
			return store.RoleVehicle, true
		case "2":
			return store.RoleParts, true
		case "3":
			return store.RoleElectronics, true
		case "4":
			return store.RoleOther, true
		}
	}
	return "", false
}

// cutLabel strips a label ("联系人", "手机：") from the front of tok.
func cutLabel(tok string, labels ...string) (string, bool) {
	for _, l := range labels {
		if strings.HasPrefix(tok, l) {
			return strings.TrimSpace(strings.TrimLeft(tok[len(l):], ":：")), true
		}
	}
	return "", false
}

// extract fills what a message says about the registration: one message
// with everything, or the answer of one step with more in it. It returns a
// problem to re-ask about (an invalid mobile or USCC); step is the question
// being answered, whose field may take an unlabelled answer.
func (r *regForm) extract(rd reader, t, step string) (problem string) {
	p := rd.parser()
	toks := fields(splitGlued(t))
	var rest []string
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		label := ""
		if v, ok := cutLabel(tok, "联系人姓名", "联系人", "姓名"); ok {
			tok, label = v, "contact"
		} else if v, ok := cutLabel(tok, "手机号码", "手机号", "手机", "联系电话", "电话"); ok {
			tok, label = v, "mobile"
		} else if v, ok := cutLabel(tok, "统一社会信用代码", "社会信用代码", "信用代码", "USCC", "uscc"); ok {
			tok, label = v, "uscc"
		} else if v, ok := cutLabel(tok, "企业名称", "公司名称", "企业全称"); ok {
			tok, label = v, "name"
		}
		if tok == "" && label != "" && i+1 < len(toks) {
			i++
			tok = toks[i]
		}
		if tok == "" {
			continue
		}
		digits := digitsOnly(tok)
		switch {
		case label == "uscc" || label == "" && len(tok) == 18 && isAlnum(tok) && len(digits) >= 8:
			u := strings.ToUpper(tok)
			if parse.ValidUSCC(u) {
				r.USCC = u
			} else {
				problem = "统一社会信用代码“" + preview(tok, 20) + "”校验不通过，请核对18位代码（例如：" + usccSample + "）"
				if step == stepUSCC {
					problem += "，或回复“跳过”不填。"
				} else {
					problem += "。"
				}
			}
		case label == "mobile" || label == "" && len(digits) >= 7 && len(digits)*10 >= len(tok)*8:
			if mob, ok := mobileOf(tok); ok {
				r.Mobile = mob
			} else {
				problem = "手机号“" + preview(tok, 15) + "”不对，请输入11位手机号，例如：13800001111"
			}
		case label == "contact":
			if v := safeField(tok, maxPerson); validPerson(v) {
				r.Contact = v
			}
		case label == "name":
			v := safeField(tok, maxCompany)
			if why := companyProblem(rd, v); why == "" {
				r.Name = v
			} else {
				problem = why
			}
		default:
			if role, ok := roleOf(tok, step == stepRole); ok && !r.joining() {
				r.Role = role
				continue
			}
			if (isCompany(tok) || knownCompany(tok)) && !r.joining() && companyProblem(rd, safeField(tok, maxCompany)) == "" {
				r.Name = safeField(tok, maxCompany)
				continue
			}
			if reg, ok := p.ParseRegion(tok); ok && !r.joining() && utf8.RuneCountInString(tok) <= 15 {
				if reg.City != "" {
					r.Region = &store.Region{Province: reg.Province, City: reg.City, District: reg.District}
				} else if step == stepRegRgn || r.Region == nil {
					problem = "地区请具体到城市，例如：四川绵阳 / 重庆璧山"
				}
				continue
			}
			rest = append(rest, tok)
		}
	}
	if len(rest) == 0 {
		return problem
	}
	// An unlabelled answer belongs to the question being asked.
	v := strings.Join(rest, " ")
	switch step {
	case stepName:
		if r.Name == "" {
			v = safeField(v, maxCompany)
			if why := companyProblem(rd, v); why == "" {
				r.Name = v
			} else if problem == "" {
				problem = why
			}
		}
	case stepContact:
		if r.Contact == "" {
			if v := safeField(v, maxPerson); validPerson(v) {
				r.Contact = v
			} else if problem == "" {
				problem = "请回复联系人姓名（2-20个字，不含数字），例如：张伟"
			}
		}
	default:
		// "注册 … 张伟 …" and "加入 ABC123 张伟 138…": a short Han word is the contact.
		if r.Contact == "" && step == "" {
			for _, w := range rest {
				if hanRe.MatchString(w) && !isCompany(w) {
					r.Contact = w
					break
				}
			}
		}
	}
	return problem
}

var alnumRunRe = regexp.MustCompile(`[0-9A-Za-z]+`)

// splitGlued separates numbers glued to words (联系人张伟13800001111) and
// keeps a USCC whole: its first 17 characters may all be digits, which the
// digit splitting would cut off its check character (91500000202866197B).
// An 18-character code is taken before digit runs; so is a valid code at
// the end of a longer run (a mobile typed right before it).
func splitGlued(t string) string {
	var b strings.Builder
	last := 0
	for _, loc := range alnumRunRe.FindAllStringIndex(t, -1) {
		run := t[loc[0]:loc[1]]
		cut := -1
		switch {
		case len(run) == 18 && len(digitsOnly(run)) >= 8:
			cut = loc[0]
		case len(run) > 18 && parse.ValidUSCC(run[len(run)-18:]):
			cut = loc[1] - 18
		}
		if cut < 0 {
			continue
		}
		b.WriteString(splitDigits(t[last:cut]))
		b.WriteString(" " + t[cut:loc[1]] + " ")
		last = loc[1]
	}
	b.WriteString(splitDigits(t[last:]))
	return b.String()
}

func splitDigits(t string) string {
	return longDigitsRe.ReplaceAllStringFunc(t, func(s string) string { return " " + s + " " })
}

// companyProblem says why v does not look like a company name, or "" when
// it does: two Chinese characters at least, and a name with a company word
// (公司, 厂, 集团 …) or one that is not a product, an amount or a place.
func companyProblem(rd reader, v string) string {
	p := rd.parser()
	const ask = "请回复企业全称（与营业执照一致），例如：重庆青山工业有限公司"
	han := 0
	for _, r := range v {
		if r >= 0x4E00 && r <= 0x9FFF {
			han++
		}
	}
	if han < 2 {
		return "企业名称至少要有两个汉字。" + ask
	}
	if isCompany(v) || knownCompany(v) {
		return ""
	}
	if isYes(v) || isNo(v) || inWords(v, []string{"同意", "不同意", "继续", "跳过"}) {
		// an answer to another question (确认 typed for a kept post)
		return "“" + preview(v, 10) + "”不是企业名称：发布前需要先登记企业（只需一次）。"
	}
	if rd.isCommandWord(v) {
		return "“" + preview(v, 10) + "”是指令，不是企业名称。" + ask
	}
	if _, ok := parse.ParseQuantity(v); ok {
		return "“" + preview(v, 10) + "”像是数量，不是企业名称。" + ask
	}
	if _, ok := p.ParseCategory(v); ok {
		return "“" + preview(v, 10) + "”像是产品，不是企业名称。" + ask
	}
	if _, ok := p.ParseRegion(v); ok {
		return "“" + preview(v, 10) + "”像是地区，不是企业名称。" + ask
	}
	return ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func validPerson(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 2 && n <= maxPerson && meaningful(s) && digitsOnly(s) == ""
}

// usccAttempt reports whether t offers a USCC: an 18-character code, or
// a USCC label.
func usccAttempt(t string) bool {
	if _, ok := cutLabel(t, "统一社会信用代码", "社会信用代码", "信用代码", "USCC", "uscc"); ok {
		return true
	}
	for _, run := range alnumRunRe.FindAllString(t, -1) {
		if len(run) >= 18 && len(digitsOnly(run)) >= 8 {
			return true
		}
	}
	return false
}

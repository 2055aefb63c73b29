// Package scenario is the simulator's demonstration (场景演示): a handful
// of enterprises of the Chengdu–Chongqing automotive and electronics
// chains register and publish through the chat, exactly as people would,
// so that match alerts reach the simulator's windows at once.
//
// It holds only data and the order to send it in; the caller delivers
// each line through the real /wechat endpoint. It imports nothing of
// supplybot.
package scenario

import (
	"context"
	"fmt"
	"strings"
)

// The openids of the simulator's first windows.
const (
	Purchaser   = "sim-caigou"   // a purchaser at a vehicle maker
	Parts       = "sim-lingjian" // a parts supplier
	Electronics = "sim-dianzi"   // an electronics supplier
	// TaskForce is the task-force member's window when admin.openids
	// names nobody; the member's commands need the openid in admin.openids.
	TaskForce = "sim-zhuanban"
)

// Persona is one window of the simulator.
type Persona struct {
	OpenID, Name, Role string
}

// Personas are the windows the simulator opens first. taskForce is the
// openid of a task-force member ("" = TaskForce, who is no member until
// admin.openids names it).
func Personas(taskForce string) []Persona {
	tf := Persona{OpenID: taskForce, Name: "专班 王老师", Role: "川渝工作专班成员"}
	if taskForce == "" {
		tf = Persona{OpenID: TaskForce, Name: "专班 王老师", Role: "专班成员（config.yaml 的 admin.openids 加入 " + TaskForce + " 后可用专班命令）"}
	}
	return []Persona{
		{OpenID: Purchaser, Name: "渝江汽车 周敏", Role: "整车企业采购"},
		{OpenID: Parts, Name: "蜀达精密 刘强", Role: "汽车零部件供应商"},
		{OpenID: Electronics, Name: "锦芯电子 陈静", Role: "电子信息供应商"},
		tf,
	}
}

// Line is one message of the scenario: what openid types, and a word
// the bot's reply must hold (so that a failed step stops the scenario
// instead of leaving it half done).
type Line struct {
	OpenID, Text, Expect string
}

// enterprise registers an openid's enterprise in one message.
func enterprise(openid, name, kind, place, contact, phone string) []Line {
	return []Line{
		{openid, "注册 " + name + " " + kind + " " + place + " 联系人" + contact + " " + phone, "同意"},
		{openid, "同意", "登记成功"},
	}
}

// post publishes one record.
func post(openid, text string) []Line {
	return []Line{{openid, text, "请核对"}, {openid, "确认", "已发布"}}
}

// Script is the scenario in the order it is sent: the windows' enterprises
// and records first, then the others', whose records match them, so the
// alerts arrive in the windows as the scenario runs.
func Script() []Line {
	var s []Line
	add := func(l ...[]Line) {
		for _, x := range l {
			s = append(s, x...)
		}
	}
	add(
		enterprise(Purchaser, "重庆渝江汽车有限公司", "整车", "重庆两江新区", "周敏", "13800000001"),
		post(Purchaser, "求购 汽车线束 2万套 重庆两江新区"),
		enterprise(Parts, "四川蜀达精密零部件有限公司", "零部件", "成都龙泉驿", "刘强", "13800000002"),
		post(Parts, "供应 变速箱电磁阀 月产能5万件 成都龙泉驿"),
		enterprise(Electronics, "成都锦芯电子科技有限公司", "电子信息", "成都高新区", "陈静", "13800000003"),
		post(Electronics, "供应 6层PCB 月产能2万平米 成都高新区"),

		enterprise("sim-bg-bifeng", "重庆璧丰汽车有限公司", "整车", "重庆璧山", "黄磊", "13800000011"),
		post("sim-bg-bifeng", "求购 变速箱电磁阀 5000件 重庆璧山"),
		enterprise("sim-bg-tiancheng", "绵阳天成汽车电子有限公司", "零部件", "四川绵阳", "罗娟", "13800000012"),
		post("sim-bg-tiancheng", "求购 6层PCB 3000平米 四川绵阳"),
		enterprise("sim-bg-chuanxian", "宜宾川线汽车线束有限公司", "零部件", "四川宜宾", "何勇", "13800000013"),
		post("sim-bg-chuanxian", "供应 汽车线束 月产能3万套 四川宜宾"),
		enterprise("sim-bg-jingzhu", "重庆永川精铸有限公司", "零部件", "重庆永川", "杨帆", "13800000014"),
		post("sim-bg-jingzhu", "供应 铝合金轮毂 月产能1万套 重庆永川"),
		enterprise("sim-bg-xinlian", "遂宁芯联电子有限公司", "电子信息", "四川遂宁", "吴婷", "13800000015"),
		post("sim-bg-xinlian", "供应 4层PCB 月产能1万平米 四川遂宁"),
	)
	return s
}

// Run sends the script through send (which delivers a text message from
// openid to the bot and returns its reply) and returns a summary for the
// simulator's page.
func Run(ctx context.Context, send func(ctx context.Context, openid, text string) (string, error)) (string, error) {
	for _, l := range Script() {
		reply, err := send(ctx, l.OpenID, l.Text)
		// The page shows the error: say in Chinese which step stopped.
		if err != nil {
			return "", fmt.Errorf("%s 发送“%s”失败：%w", l.OpenID, l.Text, err)
		}
		if !strings.Contains(reply, l.Expect) {
			return "", fmt.Errorf("%s 发送“%s”，公众号回复“%s”，场景停在这一步（先点“重置”再试）", l.OpenID, l.Text, reply)
		}
	}
	return "场景已就绪：8 家川渝企业（整车、零部件、电子信息）已登记，发布了 3 条需求和 5 条供应，匹配提醒已送达。", nil
}

package main

import (
	"context"
	"strings"
	"testing"
)

// Fixes from the conversation audit (/tmp/reports/conv_audit.md), through
// the real webhook and stores.

// Item 3: a valid USCC whose first 17 characters are digits is a USCC, not a
// mobile number, with or without its label, and also at the confirmation.
func TestParseFixUSCCBeforeMobile(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	const uscc = "91500000202866197B"

	for i, text := range []string{
		"注册 重庆长安汽车股份有限公司 整车 重庆江北 联系人王强 13700002222 " + uscc,
		"注册 重庆长安汽车股份有限公司 整车 重庆江北 联系人王强 13700002222 信用代码 " + uscc,
		"注册 重庆长安汽车股份有限公司 整车 重庆江北 联系人王强13700002222 统一社会信用代码：" + uscc,
		"注册 重庆长安汽车股份有限公司 整车 重庆江北 联系人王强 13700002222 " + strings.ToLower(uscc),
	} {
		c := newChat(t, m, "uscc-"+string(rune('a'+i)))
		reply := c.refuse(text, "不对", "校验不通过")
		for _, want := range []string{"信用代码：" + uscc, "137****2222", "王强", "同意"} {
			if !strings.Contains(reply, want) {
				t.Fatalf("reply to %q lacks %q:\n%s", text, want, reply)
			}
		}
		c.expect("取消", "没有保存")
	}

	c := newChat(t, m, "uscc-confirm")
	c.expect("注册 重庆长安汽车股份有限公司 整车 重庆江北 联系人王强 13700002222", "信用代码：未填")
	c.expect(uscc, "信用代码："+uscc, "同意")
	c.expect("91500000202866197C", "校验不通过", "同意")
	c.expect("信用代码 "+uscc, "信用代码："+uscc)
	c.expect("同意", "登记成功")
	if e := enterprise(t, m, "uscc-confirm"); e.USCC != uscc || e.Contacts[0].Mobile != "13700002222" {
		t.Errorf("enterprise: got USCC %q mobile %q", e.USCC, e.Contacts[0].Mobile)
	}
}

// Items 12a and 12b: a company name must look like one, and a company
// already on the platform is joined with a colleague's invite code.
func TestParseFixCompanyName(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	first := newChat(t, m, "co-first")
	first.register("重庆青山工业有限公司")

	c := newChat(t, m, "co-second")
	c.expect("注册", "企业全称")
	c.expect("轮毂", "企业名称", "重庆青山工业有限公司")
	c.expect("一万套", "企业名称", "例如")
	c.expect("A", "企业名称")
	c.expect("供应", "企业名称", "例如")
	reply := c.expect("重庆青山工业有限公司", "已在平台登记", "邀请码", "加入")
	for _, bad := range []string{"张伟", "13800001111", "138****1111", enterprise(t, m, "co-first").InviteCode} {
		if strings.Contains(reply, bad) {
			t.Fatalf("reply reveals %q: %s", bad, reply)
		}
	}
	c.expect("重庆青山精密机械有限公司", "哪一类")
	c.expect("取消", "已取消")

	reply = c.expect("注册 重庆青山工业有限公司 零部件 重庆璧山 联系人李娜 13900002222", "已在平台登记", "邀请码")
	if strings.Contains(reply, "张伟") || strings.Contains(reply, "13800001111") {
		t.Fatalf("reply reveals a contact: %s", reply)
	}
	c.expect("取消", "已取消")
	if _, err := m.Mongo.Enterprises().ByOpenID(context.Background(), "co-second"); err == nil {
		t.Fatal("a second enterprise with the same name was registered")
	}
	c.expect("加入 "+enterprise(t, m, "co-first").InviteCode+" 李娜 13900002222", "同意")
	c.expect("同意", "已加入")
	if e := enterprise(t, m, "co-second"); e.Name != "重庆青山工业有限公司" || len(e.Contacts) != 2 {
		t.Errorf("joined: got %+v", e)
	}
}

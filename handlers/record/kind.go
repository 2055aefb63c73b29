package record

import (
	"time"

	"supplybot/store"
)

// China is China Standard Time (Asia/Shanghai, UTC+8, no daylight saving):
// the users' days, dates and quiet hours. It is a fixed zone so that no
// tzdata is needed at run time.
var China = time.FixedZone("CST", 8*3600)

// Publisher names who published p, as others see it: the enterprise's
// name with 已认证 when verified, 匿名企业 for a record posted 匿名 (the
// name shows only after consent), and "" when the record predates names.
func Publisher(p store.Post) string {
	switch {
	case p.Anonymous:
		return "匿名企业"
	case p.EnterpriseName == "":
		return ""
	case p.Verified:
		return p.EnterpriseName + "（已认证）"
	}
	return p.EnterpriseName
}

// KindName is how users call a kind: 供应 for offers, 求购 for demands.
func KindName(kind string) string {
	if kind == store.KindOffer {
		return "供应"
	}
	return "求购"
}

// OtherKind is the kind a record of kind is matched with.
func OtherKind(kind string) string {
	if kind == store.KindOffer {
		return store.KindDemand
	}
	return store.KindOffer
}

// StatusName says where a record stands at now: 进行中, 已过期,
// 已关闭·已成交, 已下架. An open record past its expiry is 已过期 even
// before the sweep marks it.
func StatusName(p store.Post, now time.Time) string {
	switch p.Status {
	case store.StatusOpen:
		if !p.ExpiresAt.After(now) {
			return "已过期"
		}
		return "进行中"
	case store.StatusClosed:
		if p.ClosedReason != "" {
			return "已关闭·" + p.ClosedReason
		}
		return "已关闭"
	case store.StatusExpired:
		return "已过期"
	case store.StatusRemoved:
		return "已下架"
	}
	return p.Status
}

package parse

import (
	"strings"
	"unicode/utf8"
)

type intent int

const (
	intentNone intent = iota // phrase that must not count (供应商, 有需要)
	intentDemand
	intentOffer
	intentWeakDemand
	intentWeakOffer
)

var intentWords = map[intent][]string{
	intentDemand:     {"求购", "采购", "急购", "急求购", "急采购", "急需采购", "求货", "急求", "急需", "急要", "求", "收购", "回收", "寻找", "寻求", "寻购", "寻", "找", "征集", "招标", "询价", "询", "想买", "要买", "需采购", "需购", "收", "求助", "谁有", "哪里有", "哪家有", "有没有", "有谁"},
	intentOffer:      {"供应", "供货", "长期供", "长期供应", "长期供货", "优势供应", "大量供应", "常年供应", "提供", "出售", "销售", "批发", "直销", "厂家直供", "生产", "代理", "承接", "加工", "接单", "可做", "可接", "清仓", "转让", "甩卖", "主营", "专业生产", "专业制造", "制造", "专做", "在售", "优势供", "低价出"},
	intentWeakDemand: {"需要", "需", "要", "买", "想要", "需求", "要货"},
	intentWeakOffer:  {"厂家", "本厂", "我厂", "我司", "工厂", "源头", "可开票", "欢迎咨询", "欢迎订购", "欢迎采购", "欢迎选购", "交期", "现货", "有货", "库存", "出货", "产能", "月产", "年产"},
	intentNone: {"供应商", "供货商", "提供商", "有需要", "如需", "如有需要", "需要的", "找我", "找我们", "请找", "需提供", "要求提供", "请提供", "能提供", "可否提供", "是否提供", "收到", "收货", "回收站", "寻呼",
		"生产厂家", "生产商", "制造商", "加工厂", "采购商"},
}

var intentDict = func() *dict {
	d := newDict()
	for k, ws := range intentWords {
		for _, w := range ws {
			d.put(w, k)
		}
	}
	return d
}()

// single-character demand words count only at the start of a clause
var clauseOnly = map[string]bool{"求": true, "收": true, "询": true, "寻": true}

// DetectKind classifies a message: 求购/采购/需要/找/收… → demand;
// 供应/提供/生产/出售/有货… → offer. The earliest strong marker wins; weak
// markers (需要, 厂家) decide only when there is no strong one. Phrases such
// as 供应商 or 有需要请联系 do not count.
func (p *Parser) DetectKind(text string) Kind {
	k, _ := detectKind(Normalize(text))
	return k
}

// detectKind returns the kind and the byte offset just after the marker that
// decided it (0 if none).
func detectKind(s string) (Kind, int) {
	strong, weak := KindUnknown, KindUnknown
	strongEnd, weakEnd := 0, 0
	intentDict.scan(s, func(start, end int, v any) bool {
		w := s[start:end]
		if clauseOnly[w] && !clauseStart(s, start) {
			return false
		}
		switch v.(intent) {
		case intentDemand:
			if strong == KindUnknown {
				strong, strongEnd = KindDemand, end
			}
		case intentOffer:
			if strong == KindUnknown {
				strong, strongEnd = KindOffer, end
			}
		case intentWeakDemand:
			if weak == KindUnknown {
				weak, weakEnd = KindDemand, end
			}
		case intentWeakOffer:
			if weak == KindUnknown {
				weak, weakEnd = KindOffer, end
			}
		}
		return true
	})
	if strong != KindUnknown {
		return strong, strongEnd
	}
	return weak, weakEnd
}

// clauseStart reports whether position i starts a clause: beginning of text
// or after whitespace, punctuation or a bracket.
func clauseStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	if r == 0 || r == ' ' || r < utf8.RuneSelf && !isASCIILetter(byte(r)) && !isASCIIDigit(byte(r)) {
		return true
	}
	return strings.ContainsRune("，。、；！？【】「」『』《》（）“”‘’…：", r) || r == '急' || r == '长' || r == '期'
}

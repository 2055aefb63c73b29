package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"supplybot/handlers/record"
	"supplybot/store"
)

// exportLimit bounds one export; the filters narrow a larger set.
const exportLimit = 1000

// bom makes Excel read the CSV as UTF-8.
const bom = "\ufeff"

// export writes enterprises.csv, demands.csv, offers.csv or matches.csv:
// UTF-8 with a BOM, CRLF lines. Mobiles are masked: whole numbers are
// shown only on an enterprise's page, one logged view at a time.
func (c *Console) export(w http.ResponseWriter, r *http.Request, s *session) {
	what := strings.TrimSuffix(r.PathValue("what"), ".csv")
	var rows [][]string
	var err error
	switch what {
	case "enterprises":
		rows, err = c.enterpriseRows(r)
	case store.KindDemand + "s", store.KindOffer + "s":
		rows, err = c.recordRows(r, strings.TrimSuffix(what, "s"))
	case "matches":
		rows, err = c.matchRows(r)
	default:
		err = &Error{Code: ENotFound, Msg: "没有这种导出"}
	}
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, what, c.d.Now().In(record.China).Format("20060102")))
	_, _ = w.Write([]byte(bom))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, row := range rows {
		for i, v := range row {
			row[i] = csvSafe(v)
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading user text as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func (c *Console) enterpriseRows(r *http.Request) ([][]string, error) {
	list, _, err := c.d.Enterprises.List(r.Context(), store.EnterpriseFilter{Limit: exportLimit})
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"企业", "角色", "地区", "统一社会信用代码", "已认证", "联系人", "手机", "注册时间"}}
	for _, e := range list {
		var names, mobiles []string
		for _, ct := range e.Contacts {
			names = append(names, ct.Name)
			mobiles = append(mobiles, maskMobile(ct.Mobile))
		}
		rows = append(rows, []string{e.Name, e.Role, record.Region(e.Region), e.USCC, yesNo(e.Verified),
			strings.Join(names, "、"), strings.Join(mobiles, "、"), fmtTime(e.CreatedAt)})
	}
	return rows, nil
}

func (c *Console) recordRows(r *http.Request, kind string) ([][]string, error) {
	_, f, problem := parseRecordQuery(r.URL.Query())
	if problem != "" {
		return nil, &Error{Code: EInvalid, Msg: problem}
	}
	f.Offset, f.Limit = 0, exportLimit
	list, _, err := c.d.Records.List(r.Context(), kind, f)
	if err != nil {
		return nil, err
	}
	amountHead := "数量"
	if kind == store.KindOffer {
		amountHead = "月产能"
	}
	rows := [][]string{{"编号", "产品", "品类", "规格", amountHead, "价格", "地区", "状态", "已认证", "发布时间", "到期时间"}}
	now := c.d.Now()
	for _, p := range list {
		v := record.NewView(p, now)
		amount := ""
		if v.Quantity != nil {
			amount = v.Quantity.Text
		} else if v.Capacity != nil {
			amount = v.Capacity.Text
		}
		price, region := "", ""
		if v.Price != nil {
			price = v.Price.Text
		}
		if v.Region != nil {
			region = v.Region.Text
		}
		rows = append(rows, []string{v.No, v.Product, v.Category, v.Spec, amount, price, region, v.StatusName, yesNo(v.Verified),
			v.CreatedAt.Format("2006-01-02 15:04"), v.ExpiresAt.Format("2006-01-02")})
	}
	return rows, nil
}

func (c *Console) matchRows(r *http.Request) ([][]string, error) {
	list, err := c.d.Records.AllMatches(r.Context(), exportLimit)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"求购编号", "供应编号", "匹配度", "理由", "匹配时间"}}
	for _, m := range list {
		rows = append(rows, []string{m.DemandNo, m.OfferNo, strconv.FormatFloat(m.Score, 'f', 2, 64), strings.Join(m.Reasons, " · "),
			m.CreatedAt.In(record.China).Format("2006-01-02 15:04")})
	}
	return rows, nil
}

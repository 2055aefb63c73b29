package handlers

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"supplybot/handlers/record"
	"supplybot/store"
)

// recordPage is the public page of one record, what a template alert
// links to. It shows what 详情 shows to someone else, from the record's
// view (record.View, phone numbers masked): never a contact.
var recordPage = template.Must(template.New("record").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.No}} {{.Product}} · 成渝产业链供需对接</title>
<style>body{font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:16px;background:#f7f7f7;color:#222}
main{background:#fff;border-radius:8px;padding:16px;max-width:640px;margin:auto}h1{font-size:18px;margin:0 0 8px}
p{margin:4px 0;white-space:pre-wrap}</style></head>
<body><main><h1>{{.No}} {{.Product}}</h1>
<p>{{.No}} {{.KindName}}（{{.StatusName}}）</p>
{{range .Fields}}<p>{{.Label}}：{{.Text}}</p>
{{end}}{{if .Images}}<p>图片：{{.Images}}张</p>
{{end}}<p>企业：{{if .Publisher}}{{.Publisher}}{{if and (not .Verified) (ne .Publisher "匿名企业")}}（未认证）{{end}}{{else if .Verified}}已认证{{else}}未认证{{end}}</p>
<p>发布：{{.Created}}，有效期到{{.Expires}}</p>
{{if .Open}}<p>想对接请回复“联系 {{.No}}”，对方同意后交换联系方式。</p>{{else}}<p>这条{{.KindName}}{{.StatusName}}，不再对接。</p>{{end}}
</main></body></html>
`))

// RecordPage serves GET /r/{no}: a record that is not removed, as a
// phone-sized page. Unknown or removed records answer 404.
func (a *App) RecordPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no := strings.ToUpper(r.PathValue("no"))
		kind, ok := store.KindOfNo(no)
		if !ok {
			http.NotFound(w, r)
			return
		}
		p, err := a.posts(kind).ByNo(r.Context(), no)
		if errors.Is(err, store.ErrNotFound) || (err == nil && p.Status == store.StatusRemoved) {
			http.Error(w, "没有这条信息，或已被删除。", http.StatusNotFound)
			return
		}
		if err != nil {
			a.d.Log.ErrorContext(r.Context(), "record page", "no", no, "err", err)
			http.Error(w, "暂时无法显示，请稍后再试。", http.StatusServiceUnavailable)
			return
		}
		now := a.now()
		if c, ok := a.p.CategoryByCode(p.CategoryCode); ok {
			p.CategoryPath = c.Path // as 详情 names it, from the taxonomy
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = recordPage.Execute(w, struct {
			record.View
			Created, Expires string
			Open             bool
		}{record.NewView(p, now).Mask(scrub), record.Date(p.CreatedAt, now), record.Date(p.ExpiresAt, now),
			p.Status == store.StatusOpen && p.ExpiresAt.After(now)})
	})
}

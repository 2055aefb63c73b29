package handlers

import (
	"context"
	"strconv"
	"strings"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// postsTodayKey counts the records an enterprise published on a China day.
func postsTodayKey(enterpriseID string, now time.Time) string {
	return "posts-today:" + enterpriseID + ":" + now.In(record.China).Format("20060102")
}

// overDailyCap says why the enterprise may not publish more today, or ""
// when it may. The form stays (and its draft), to publish tomorrow.
func (a *App) overDailyCap(ctx context.Context, c *conv, e store.Enterprise) (string, error) {
	if a.d.DailyPostCap <= 0 || a.d.KV == nil {
		return "", nil
	}
	v, ok, err := a.d.KV.Lookup(ctx, postsTodayKey(e.ID, a.now()))
	if err != nil || !ok {
		return "", err
	}
	if n, _ := strconv.Atoi(v); n < a.d.DailyPostCap {
		return "", nil
	}
	return "贵企业今天已发布" + itoa(a.d.DailyPostCap) + "条，达到每日上限，这条没有发布。\n已为您保存为草稿：明天回复“确认”（或稍后回复“继续”）即可发布；回复“我的发布”管理已有的信息。", nil
}

// countPosted counts a published record towards the enterprise's day.
func (a *App) countPosted(ctx context.Context, enterpriseID string) {
	if a.d.DailyPostCap <= 0 || a.d.KV == nil {
		return
	}
	if _, err := a.d.KV.Incr(ctx, postsTodayKey(enterpriseID, a.now()), 48*time.Hour); err != nil {
		a.d.Log.WarnContext(ctx, "count the day's posts", "enterprise", enterpriseID, "err", err)
	}
}

// sameOpenPost returns the number of an open record of the enterprise that
// p repeats (same kind, product, spec, amount and place), or "".
func (a *App) sameOpenPost(ctx context.Context, enterpriseID string, p *store.Post) (string, error) {
	ps, err := a.posts(p.Kind).ByEnterprise(ctx, enterpriseID, 50)
	if err != nil {
		return "", err
	}
	now := a.now()
	for _, q := range ps {
		if q.Status == store.StatusOpen && q.ExpiresAt.After(now) && samePost(&q, p) {
			return q.No, nil
		}
	}
	return "", nil
}

func samePost(a, b *store.Post) bool {
	return a.Kind == b.Kind && strings.EqualFold(a.Product, b.Product) && a.Spec == b.Spec &&
		sameQty(a.Quantity, b.Quantity) && sameQty(a.Capacity, b.Capacity) &&
		a.Region.City == b.Region.City && a.Region.District == b.Region.District
}

func sameQty(a, b *store.Quantity) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Value == b.Value && a.Unit == b.Unit
}

// expiryOf is when a record saved at now stops showing: a demand with a
// deadline shows until the end of that day (at most maxRenewAhead on),
// anything else for 30 days.
func expiryOf(p store.Post, now time.Time) time.Time {
	if p.Deadline != nil {
		end, limit := endOfChinaDay(*p.Deadline), now.UTC().Add(maxRenewAhead)
		if end.After(limit) {
			return limit
		}
		return end
	}
	return now.UTC().Add(store.DefaultPostLifetime)
}

// endOfChinaDay is the last moment of t's day in China time.
func endOfChinaDay(t time.Time) time.Time {
	c := t.In(record.China)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, record.China).Add(-time.Second).UTC()
}

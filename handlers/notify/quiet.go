package notify

import (
	"time"

	"supplybot/store"
)

// chinaTZ is China time, in which quiet hours are kept.
var chinaTZ = time.FixedZone("CST", 8*3600)

// QuietHours are the hours, China time, in which pushes produced are held
// until To: From and To are offsets from midnight (From > To wraps
// midnight, e.g. 22:00–08:00). Off, or From == To, holds nothing.
type QuietHours struct {
	From, To time.Duration
	Off      bool
}

// DeliverAt is when a push produced at now may go out: now, or the end
// of the quiet hours (held = true).
func (q QuietHours) DeliverAt(now time.Time) (at time.Time, held bool) {
	if q.Off || q.From == q.To {
		return now, false
	}
	c := now.In(chinaTZ)
	day := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, chinaTZ)
	tod := now.Sub(day)
	if q.From < q.To { // e.g. 00:00–07:00
		if tod >= q.From && tod < q.To {
			return day.Add(q.To), true
		}
		return now, false
	}
	switch { // wraps midnight, e.g. 22:00–08:00
	case tod >= q.From:
		return day.AddDate(0, 0, 1).Add(q.To), true
	case tod < q.To:
		return day.Add(q.To), true
	}
	return now, false
}

// Hold is the option that holds a push produced at now until the quiet
// hours end; outside them it changes nothing (the push is due at once).
func (q QuietHours) Hold(now time.Time) Option {
	at, held := q.DeliverAt(now)
	if !held {
		return func(*store.OutboxItem) {}
	}
	return At(at)
}

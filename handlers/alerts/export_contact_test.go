package alerts

import (
	"context"
	"time"
)

// FinishContacts runs contact brokering's FinishOwed, for tests (the
// lifecycle sweep runs it).
func FinishContacts(s *Service, ctx context.Context, now time.Time) error {
	return s.contacts.FinishOwed(ctx, now)
}

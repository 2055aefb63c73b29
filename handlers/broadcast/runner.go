package broadcast

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"supplybot/bot"
	"supplybot/handlers/notify"
	"supplybot/store"
)

// pacer spaces calls every apart (a rate limit without bursts).
type pacer struct {
	mu    sync.Mutex
	every time.Duration
	next  time.Time
}

func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.every)
	p.mu.Unlock()
	return sleep(ctx, time.Until(at))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run delivers the running jobs until ctx ends: it leases one, sends its
// chunks, waits for WeChat's counts, reports, and looks for the next.
func (s *Service) Run(ctx context.Context) {
	for ctx.Err() == nil {
		j, ok, err := s.d.Store.Lease(ctx, s.cfg.Owner, s.cfg.Lease, s.now())
		if err != nil && ctx.Err() == nil {
			s.d.Log.ErrorContext(ctx, "broadcast lease", "err", err)
		}
		if ok {
			s.work(ctx, j)
			continue
		}
		select {
		case <-ctx.Done():
		case <-s.kick:
		case <-time.After(s.cfg.Poll):
		}
	}
}

// work runs one leased job as long as the lease holds.
func (s *Service) work(ctx context.Context, j store.BroadcastJob) {
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
				err := s.d.Store.Renew(wctx, j.ID, s.cfg.Owner, j.Epoch, s.now().Add(s.cfg.Lease))
				if errors.Is(err, store.ErrNotFound) {
					s.d.Log.WarnContext(ctx, "broadcast lease lost", "job", j.ID)
					cancel()
					return
				}
			}
		}
	}()
	defer func() {
		cancel()
		wg.Wait()
		if ctx.Err() != nil && !s.cfg.KeepLeaseOnStop {
			_ = s.d.Store.Release(context.WithoutCancel(ctx), j.ID, s.cfg.Owner, j.Epoch)
		}
	}()
	if err := s.deliver(wctx, j); err != nil {
		if wctx.Err() == nil {
			s.d.Log.ErrorContext(ctx, "broadcast", "job", j.ID, "err", err)
			_ = sleep(wctx, s.cfg.Poll) // a store hiccup: try again soon
		}
		return
	}
}

// deliver sends the chunks not sent yet, Senders at a time (the pacer
// keeps them within the rate; running a few at once hides the store's
// writes between two calls), then settles, reports and finishes the job.
func (s *Service) deliver(ctx context.Context, j store.BroadcastJob) error {
	if j.Via == ViaMass {
		// Before the first send: the job's chunks count towards the
		// members' four a month from then on.
		if err := s.d.Store.SendsInMonth(ctx, monthOf(s.now()), j.ID); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make(chan error, s.cfg.Senders)
	var wg sync.WaitGroup
	for range s.cfg.Senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				if err := s.deliverChunk(ctx, j, n); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for n := range j.Chunks {
		select {
		case next <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	chunks, err := s.settle(ctx, j)
	if err != nil {
		return err
	}
	s.report(ctx, j, chunks)
	return s.d.Store.Finish(ctx, j.ID, s.cfg.Owner, j.Epoch, s.now())
}

func (s *Service) deliverChunk(ctx context.Context, j store.BroadcastJob, n int) error {
	c, err := s.d.Store.Chunk(ctx, j.ID, n)
	if err != nil {
		return err
	}
	if c.State == store.ChunkSent || c.State == store.ChunkFailed {
		return nil
	}
	ids, err := s.d.Store.Audience(ctx, j.ID, n)
	if err != nil {
		return err
	}
	if j.Via == ViaMass {
		return s.sendMass(ctx, j, c, ids)
	}
	return s.sendPush(ctx, j, c, ids)
}

// clientMsgID is the chunk's key, hashed when longer than WeChat's 64 bytes.
func clientMsgID(key string) string {
	if len(key) <= 64 {
		return key
	}
	h := sha1.Sum([]byte(key))
	return hex.EncodeToString(h[:])
}

// sendMass sends chunk c by one mass send. A runner that finds a chunk
// not marked sent after a crash sends it again with the same clientmsgid,
// which WeChat answers with 45065 if the first call got through: nobody
// receives it twice, nobody is skipped.
func (s *Service) sendMass(ctx context.Context, j store.BroadcastJob, c store.BroadcastChunk, ids []string) error {
	key := clientMsgID(notify.BroadcastChunkKey(j.ID, c.N).String())
	for {
		if err := s.mass.wait(ctx); err != nil {
			return err
		}
		// The chunk is not marked before the call: one that a crash left
		// pending is sent again anyway, and WeChat drops the repeat.
		c.Attempts++
		msgID, err := s.d.Mass.MassSendID(ctx, ids, j.Text, key)
		code := bot.ErrorCode(err)
		now := s.now()
		switch {
		case err == nil || code == bot.CodeClientMsgIDExists:
			if err := s.d.Store.RecordMassSend(ctx, c.ID, msgID, now); err != nil {
				return err
			}
			c.State, c.MsgID, c.Code, c.Error, c.Sent, c.Failed, c.SentAt = store.ChunkSent, msgID, code, "", c.Size, 0, now.UTC()
			return s.d.Store.SaveChunk(ctx, c)
		case ctx.Err() != nil:
			return ctx.Err() // stopped mid-call: the chunk stays sending and is sent again
		case code == bot.CodeMinuteQuota:
			s.d.Log.WarnContext(ctx, "mass send minute quota; waiting 60 s", "job", j.ID, "chunk", c.N)
			if err := sleep(ctx, time.Minute); err != nil {
				return err
			}
		case code == bot.CodeDailyQuota:
			s.d.Log.ErrorContext(ctx, "mass send daily quota; waiting until tomorrow", "job", j.ID, "chunk", c.N)
			if err := sleep(ctx, time.Until(nextChinaMidnight(now))); err != nil {
				return err
			}
		case code == 0 || code == bot.CodeSystemBusy || code == bot.CodeInvalidToken || code == bot.CodeTokenExpired || code == bot.CodeTokenNotLatest:
			c.Failures++
			c.Code, c.Error = code, err.Error()
			if c.Failures >= s.cfg.MaxFailures {
				return s.giveUp(ctx, c, code, err)
			}
			c.State = store.ChunkPending
			if err := s.d.Store.SaveChunk(ctx, c); err != nil {
				return err
			}
			if err := sleep(ctx, s.backoff(c.Failures)); err != nil {
				return err
			}
		default:
			return s.giveUp(ctx, c, code, err)
		}
	}
}

func (s *Service) giveUp(ctx context.Context, c store.BroadcastChunk, code int, err error) error {
	s.d.Log.ErrorContext(ctx, "broadcast chunk given up", "chunk", c.ID, "errcode", code, "err", err)
	c.State, c.Code, c.Error, c.Sent, c.Failed = store.ChunkFailed, code, err.Error(), 0, c.Size
	return s.d.Store.SaveChunk(ctx, c)
}

func (s *Service) backoff(failures int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < failures && d < 5*time.Minute; i++ {
		d = d * 3 / 2
	}
	return min(d, 5*time.Minute)
}

func nextChinaMidnight(t time.Time) time.Time {
	c := t.In(chinaTZ)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, chinaTZ)
}

// sendPush queues chunk c as customer-service messages, one per member,
// at most PushPerSecond, and waits until the push workers are done with
// them. Each push has its member's key, so queueing again after a crash
// adds nothing.
func (s *Service) sendPush(ctx context.Context, j store.BroadcastJob, c store.BroadcastChunk, ids []string) error {
	if c.State == store.ChunkPending {
		c.State = store.ChunkSending
		c.Attempts++
		if err := s.d.Store.SaveChunk(ctx, c); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if err := s.push.wait(ctx); err != nil {
			return err
		}
		if err := s.d.Notify.Text(ctx, notify.BroadcastMemberKey(j.ID, id), id, j.Text); err != nil {
			return err
		}
	}
	for {
		sent, failed, waiting := 0, 0, 0
		for _, id := range ids {
			it, err := s.d.Outbox.Get(ctx, notify.BroadcastMemberKey(j.ID, id).String())
			if err != nil {
				return err
			}
			switch it.Status {
			case store.OutboxSent:
				sent++
			case store.OutboxFailed, store.OutboxHeld: // held: outside the 48-hour window
				failed++
			default:
				waiting++
			}
		}
		if waiting == 0 {
			c.State, c.Sent, c.Failed, c.SentAt = store.ChunkSent, sent, failed, s.now().UTC()
			return s.d.Store.SaveChunk(ctx, c)
		}
		if err := sleep(ctx, s.cfg.Poll); err != nil {
			return err
		}
	}
}

// settle waits, at most ReconcileWait, for MASSSENDJOBFINISH of each mass
// send and folds WeChat's counts into the chunks.
func (s *Service) settle(ctx context.Context, j store.BroadcastJob) ([]store.BroadcastChunk, error) {
	deadline := time.Now().Add(s.cfg.ReconcileWait)
	for {
		chunks, err := s.d.Store.Chunks(ctx, j)
		if err != nil {
			return nil, err
		}
		open := 0
		for _, c := range chunks {
			if j.Via != ViaMass || c.State != store.ChunkSent || c.Reconciled || c.MsgID == 0 {
				continue
			}
			r, err := s.d.Store.MassResultOf(ctx, c.MsgID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			if !r.Reconciled {
				open++
				continue
			}
			c.Sent = int(min(r.Sent, int64(c.Size)))
			c.Failed, c.Reconciled = c.Size-c.Sent, true
			if err := s.d.Store.SaveChunk(ctx, c); err != nil {
				return nil, err
			}
		}
		if open == 0 || time.Now().After(deadline) {
			return s.d.Store.Chunks(ctx, j)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.kick:
		case <-time.After(s.cfg.Poll):
		}
	}
}

// report tells whoever started the job (or the task force, for a job
// started elsewhere) how it went.
func (s *Service) report(ctx context.Context, j store.BroadcastJob, chunks []store.BroadcastChunk) {
	var sent, failed, unconfirmed int
	for _, c := range chunks {
		sent += c.Sent
		failed += c.Failed
		if j.Via == ViaMass && c.State == store.ChunkSent && !c.Reconciled {
			unconfirmed += c.Sent
		}
	}
	text := fmt.Sprintf("【群发完成】%s\n共%d人：送达%d，未送达%d。", j.Describe, j.Total, sent, failed)
	if unconfirmed > 0 {
		text += "\n其中" + strconv.Itoa(unconfirmed) + "人的送达数是微信已受理的人数，未等到微信的最终统计。"
	}
	if j.OverCap > 0 {
		text += "\n另有" + strconv.Itoa(j.OverCap) + "人本月已收满" + strconv.Itoa(s.cfg.MonthlyCap) + "条群发，未发送。"
	}
	to := s.cfg.Admins
	if j.ActorVia == "chat" && j.ActorID != "" {
		to = []string{j.ActorID}
	}
	for _, admin := range to {
		if err := s.d.Notify.Text(ctx, notify.BroadcastReportKey(j.ID, admin), admin, text); err != nil {
			s.d.Log.ErrorContext(ctx, "broadcast report", "job", j.ID, "err", err)
		}
	}
}

package bot

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the Prometheus series of the chat engine. Each App has its
// own registry so several can run in one process (tests).
type Metrics struct {
	Registry          *prometheus.Registry
	Messages          *prometheus.CounterVec
	ReplyLatency      prometheus.Histogram
	DedupeHits        prometheus.Counter
	DeadlineFallbacks prometheus.Counter
	Rejected          *prometheus.CounterVec
	Busy              *prometheus.CounterVec
	WeChatCalls       *prometheus.CounterVec
	Pushes            *prometheus.CounterVec
}

// NewMetrics registers the series on a fresh registry, with the Go and
// process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supplybot_messages_total", Help: "WeChat pushes received, by message type; a retry of one already received counts as a dedupe hit instead.",
		}, []string{"type"}),
		ReplyLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "supplybot_reply_seconds",
			Help:    "Time from receiving a push to answering it.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 4, 4.5, 5},
		}),
		DedupeHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "supplybot_dedupe_hits_total", Help: "WeChat retries recognised as already received.",
		}),
		DeadlineFallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "supplybot_deadline_fallbacks_total", Help: "Replies not ready within the deadline, sent later as customer-service messages.",
		}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supplybot_rejected_requests_total", Help: "Requests to /wechat refused, by reason.",
		}, []string{"reason"}),
		Busy: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supplybot_busy_answers_total", Help: "Pushes answered busy without running a handler, by reason (dedupe: the dedupe store did not answer; overload: too many handlers running).",
		}, []string{"reason"}),
		WeChatCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supplybot_wechat_calls_total", Help: "Outbound WeChat API calls, by API and result (ok or the errcode).",
		}, []string{"api", "result"}),
		Pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supplybot_pushes_total", Help: "Outbox items finished by workers, by kind and outcome (sent, retry, failed).",
		}, []string{"kind", "outcome"}),
	}
	reg.MustRegister(m.Messages, m.ReplyLatency, m.DedupeHits, m.DeadlineFallbacks, m.Rejected, m.Busy, m.WeChatCalls, m.Pushes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// metricType is m's type as a label: WeChat's known types, else "other",
// so that invented types cannot create series without bound.
func metricType(m *Message) string {
	switch m.Type {
	case TypeText, TypeImage, TypeVoice, TypeVideo, TypeShort, TypeLocation, TypeLink, TypeEvent:
		return m.Type
	}
	return "other"
}

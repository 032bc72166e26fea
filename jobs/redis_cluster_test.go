package jobs_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/hibiken/asynq"
)

// The distributed Redis set-ups of CANDOR_REDIS_URL, for real on this
// machine: a send through a three-master Redis Cluster, and one through a
// Sentinel-watched master that fails over to its replica mid-send. Either
// way every email customer ends with exactly one delivery, sent, and no
// recipient reaches the SMTP server twice unless their delivery is flagged
// possible_duplicate.
func TestSendThroughRedisCluster(t *testing.T) {
	cluster := testenv.StartRedisCluster(t)
	opt := parseRedisURL(t, cluster.URL())
	if _, ok := opt.(asynq.RedisClusterClientOpt); !ok {
		t.Fatalf("%s parsed as %T", cluster.URL(), opt)
	}
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 500, redis: opt})
	s := p.wait(p.send(p.notice()).ID, 30*time.Second, "completed", completed)
	p.checkOnceEach(s)
}

func TestSendThroughSentinelFailover(t *testing.T) {
	sentinels := testenv.StartRedisSentinel(t)
	opt := parseRedisURL(t, sentinels.URL())
	if _, ok := opt.(asynq.RedisFailoverClientOpt); !ok {
		t.Fatalf("%s parsed as %T", sentinels.URL(), opt)
	}
	// 1,000 customers at 150 messages a second: about six seconds of
	// sending, with the failover in the middle.
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 1000, rate: 150, redis: opt})
	old := sentinels.Master()
	id := p.send(p.notice()).ID
	// Once every delivery is made and its chunk enqueued (the send's total
	// is final) and a third is sent.
	p.wait(id, 30*time.Second, "a third sent", func(s candor.Send) bool {
		return s.Total == len(p.emails) && s.Sent >= len(p.emails)/3
	})
	now := sentinels.Failover()
	mid, _ := p.db.GetSend(testenv.Actor(candor.RoleViewer), id)
	t.Logf("failover from %s to %s at %d of %d sent", old, now, mid.Sent, len(p.emails))
	if mid.State == candor.SendCompleted {
		t.Fatal("the send completed before the failover: it was not mid-send")
	}
	s := p.wait(id, 40*time.Second, "completed", completed)
	p.checkOnceEach(s)
}

func parseRedisURL(t *testing.T, url string) asynq.RedisConnOpt {
	t.Helper()
	opt, err := jobs.ParseRedisURL(url, jobs.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// checkOnceEach asserts that each email customer has exactly one delivery
// of the send, sent, that the SMTP server saw every one of them, and that
// any it saw twice is flagged possible_duplicate.
func (p *pipe) checkOnceEach(s candor.Send) {
	p.t.Helper()
	if s.Total != len(p.emails) || s.Sent != len(p.emails) {
		p.t.Fatalf("counts %+v, want %d sent", s.SendCounts, len(p.emails))
	}
	var rows []struct {
		CustomerID string
		N          int
		Sent       int
	}
	if err := p.db.Gorm().Raw(`SELECT customer_id, count(*) AS n, sum(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent
		FROM deliveries WHERE incident_id = ? GROUP BY customer_id`, p.in.ID).Scan(&rows).Error; err != nil {
		p.t.Fatal(err)
	}
	if len(rows) != len(p.emails) {
		p.t.Fatalf("%d customers have deliveries, want %d", len(rows), len(p.emails))
	}
	for _, r := range rows {
		if r.N != 1 || r.Sent != 1 {
			p.t.Fatalf("customer %s has %d deliveries, %d sent", r.CustomerID, r.N, r.Sent)
		}
	}
	page, err := p.db.ListDeliveries(testenv.Actor(candor.RoleViewer), s.ID, "", "", 1000)
	if err != nil {
		p.t.Fatal(err)
	}
	twice := 0
	for _, d := range page.Items {
		switch n := p.smtp.CountMessageID(d.MessageID); {
		case n == 0:
			p.t.Fatalf("%s never reached the SMTP server", d.MessageID)
		case n > 1:
			twice++
			if !d.PossibleDuplicate {
				p.t.Errorf("%s reached the SMTP server %d times and is not flagged possible_duplicate", d.MessageID, n)
			}
		}
	}
	p.t.Logf("%d sent; %d reached the SMTP server twice, %d flagged possible_duplicate", s.Sent, twice, s.PossibleDuplicates)
}

package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// BenchDomain is the Message-ID domain of BenchMessage messages.
const BenchDomain = "bench.candor.invalid"

// BenchMessage is message i of a benchmark: a short notice in the shape of
// a real one (both parts, Content-Language, Reply-To, an extra header), to
// its own recipient. RawCeiling sends these; an end-to-end benchmark should
// render to the same size to compare with it.
func BenchMessage(i int) *Message {
	id := fmt.Sprintf("bench-%09d", i)
	return &Message{
		DeliveryID: id,
		From:       Address{Name: "Example Corp", Email: "notices@example.com"},
		To:         Address{Name: "Customer " + strconv.Itoa(i), Email: "r" + strconv.Itoa(i) + "@bench.example"},
		ReplyTo:    Address{Name: "Example Corp Privacy", Email: "privacy@example.com"},
		Subject:    "Notice of a data security incident",
		Locale:     "en",
		Headers:    map[string]string{"X-Candor-Send": "bench"},
		Text: "Dear customer,\n\nWe are writing to tell you about an incident that may " +
			"have involved some of your information.\n\nReference: " + id + "\n",
		HTML: "<p>Dear customer,</p><p>We are writing to tell you about an incident that may " +
			"have involved some of your information.</p><p>Reference: " + id + "</p>",
	}
}

// RawCeiling measures go-mail alone: n BenchMessage messages sent to the
// SMTP server at addr (plain TCP, no auth) over conns connections, each a
// plain go-mail Client dialled once and used with Client.Send, with the
// same go-mail options as SMTPSender so both speak the same SMTP
// conversation. Each message is built just before it is sent (go-mail's
// own work; no templates, no database, no queue). The clock runs from the
// first dial to the last reply; the result is messages per second.
func RawCeiling(ctx context.Context, addr string, conns, n int) (float64, error) {
	return RawCeilingWith(ctx, addr, conns, n, BenchMessage)
}

// RawCeilingWith is RawCeiling sending message(i) for i in [0, n): the
// benchmark of the send pipeline passes the very messages the pipeline
// renders, so the two figures compare like with like.
func RawCeilingWith(ctx context.Context, addr string, conns, n int, message func(i int) *Message) (float64, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("raw ceiling: %w", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || conns < 1 || n < 1 {
		return 0, fmt.Errorf("raw ceiling: bad port %q, conns %d or n %d", portStr, conns, n)
	}
	cfg := SMTPConfig{Host: host, Port: port, TLS: TLSNone, Pool: conns, Timeout: 30 * time.Second}
	var d net.Dialer
	opts, err := clientOptions(cfg, d.DialContext)
	if err != nil {
		return 0, err
	}

	var next atomic.Int64
	errs := make([]error, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = ceilingWorker(ctx, host, opts, &next, n, message)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return 0, fmt.Errorf("raw ceiling: %w", err)
	}
	return float64(n) / elapsed.Seconds(), nil
}

// ceilingWorker sends on one connection until all n messages are taken.
func ceilingWorker(ctx context.Context, host string, opts []gomail.Option, next *atomic.Int64, n int, message func(int) *Message) error {
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return err
	}
	if err := client.DialWithContext(ctx); err != nil {
		return err
	}
	defer client.Close()
	for {
		i := int(next.Add(1)) - 1
		if i >= n || ctx.Err() != nil {
			return ctx.Err()
		}
		msg, err := message(i).build(BenchDomain)
		if err != nil {
			return err
		}
		if err := client.Send(msg); err != nil {
			return err
		}
	}
}

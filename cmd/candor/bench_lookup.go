package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
)

func init() { benches["lookup"] = benchLookup }

// benchLookup measures the public reference lookup (/notices/check) while
// a large send runs, as `candor run` serves it:
//
//	candor bench lookup [--recipients 100000] [--clients 8] [--rate 100] [--duration 15m]
//
// It seeds the configured database as `bench load` does, starts `candor
// run` with its mail going to an SMTP sink and the public rate limits off
// (the per-address and per-reference buckets would refuse a benchmark's one
// address long before the server slows), publishes the statement (nothing
// answers before it) and starts the send. Once the send has dispatched, it
// takes 50 real references of its deliveries and makes 50 guessed ones
// (well formed, never issued), then paced clients look them up, as a person
// with a letter or an e-mail in hand would (the HTML page, in Japanese),
// with the statement page beside them, until the send completes. It prints
// p50 and p99 for real and guessed references.
func benchLookup(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench lookup", flag.ContinueOnError)
	recipients := fs.Int("recipients", 100_000, "customers to send to")
	clients := fs.Int("clients", 8, "concurrent HTTP clients")
	rate := fs.Float64("rate", 100, "requests per second, all clients together (0: as fast as they can)")
	duration := fs.Duration("duration", 15*time.Minute, "longest load phase (it ends when the send completes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *recipients < 1 || *clients < 1 || *rate < 0 || fs.NArg() != 0 {
		return errors.New("usage: candor bench lookup [--recipients N] [--clients N] [--rate R] [--duration D]")
	}
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	seed, err := seedLoad(ctx, db, *recipients)
	if err != nil {
		return err
	}
	srv, err := startBenchServer(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	base := srv.base
	c := &apiClient{base: base, token: seed.token}
	c.http.Transport = &http.Transport{MaxIdleConnsPerHost: *clients}
	var pub struct{ ID string }
	if err := c.post("/api/v1/disclosures/"+seed.statement+"/publications", `{"slug":"bench-lookup"}`, &pub); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := c.waitPage(ctx, "/statements/bench-lookup"); err != nil {
		return err
	}
	var send candor.Send
	if err := c.post("/api/v1/disclosures/"+seed.notice+"/sends", `{}`, &send); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	start := time.Now()
	// The references exist once the send has dispatched its deliveries.
	var refs []string
	for deadline := time.Now().Add(5 * time.Minute); len(refs) < 50; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			return errors.New("the send dispatched no deliveries within 5 minutes")
		}
		refs = refs[:0]
		if err := db.Gorm().WithContext(ctx).Raw(`SELECT reference FROM deliveries WHERE send_id = ? AND reference IS NOT NULL
			ORDER BY id LIMIT 50`, send.ID).Scan(&refs).Error; err != nil {
			return err
		}
	}
	targets := []loadTarget{{name: "statement page", path: "/statements/bench-lookup"}}
	for i, ref := range refs {
		targets = append(targets, loadTarget{name: "lookup, real", path: "/notices/check?lang=ja&ref=" + ref},
			loadTarget{name: "lookup, guessed", path: "/notices/check?lang=ja&ref=" + candor.NewReference(), want: http.StatusNotFound})
		if i%5 == 4 { // the statement page between every tenth lookups
			targets = append(targets, loadTarget{name: "statement page", path: "/statements/bench-lookup"})
		}
	}
	for _, t := range targets[:3] { // each answers as it will before the clock matters
		if !c.fetchStatus(t.path, false, t.want) {
			return fmt.Errorf("%s (%s) does not answer as expected", t.name, t.path)
		}
	}
	lctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	go func() { // stop the load when the send completes
		for lctx.Err() == nil {
			var s candor.Send
			if c.get("/api/v1/sends/"+send.ID, &s) == nil && s.State == candor.SendCompleted {
				cancel()
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()
	loadStart := time.Now()
	results := runLoad(lctx, c, targets, *clients, *rate)
	elapsed := time.Since(loadStart)
	var final candor.Send
	if err := c.get("/api/v1/sends/"+send.ID, &final); err != nil {
		return err
	}
	took := time.Since(start)
	if final.FinishedAt != nil {
		took = final.FinishedAt.Sub(start)
	}
	fmt.Fprintf(out, "bench lookup: db=%s recipients=%d clients=%d rate=%.0f/s load=%s send_state=%s sent=%d send_time=%s (%.0f msg/s) load_avg=%s\n",
		db.Dialect(), *recipients, *clients, *rate, elapsed.Round(time.Millisecond), final.State, final.Sent,
		took.Round(time.Millisecond), float64(final.Sent)/took.Seconds(), loadAvg())
	// Targets of one name are one row.
	var names []string
	by := map[string]*loadResult{}
	for i, t := range targets {
		r := by[t.name]
		if r == nil {
			r = &loadResult{}
			by[t.name] = r
			names = append(names, t.name)
		}
		r.lat = append(r.lat, results[i].lat...)
		r.service = append(r.service, results[i].service...)
		r.errors += results[i].errors
	}
	for _, n := range names {
		r := by[n]
		fmt.Fprintf(out, "  %-15s %6d requests  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (service time p50 %7.2f ms  p99 %7.2f ms)  errors %d\n",
			n, len(r.lat), ms(pct(r.lat, 0.50)), ms(pct(r.lat, 0.99)), ms(pct(r.lat, 1)),
			ms(pct(r.service, 0.50)), ms(pct(r.service, 0.99)), r.errors)
	}
	if final.State != candor.SendCompleted {
		return fmt.Errorf("the send did not complete within %s", *duration)
	}
	return nil
}

// fetchStatus gets path and reports whether it answered want (0: 200).
func (c *apiClient) fetchStatus(path string, auth bool, want int) bool {
	if want == 0 {
		return c.fetch(path, auth)
	}
	req, _ := http.NewRequest("GET", c.base+path, nil)
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == want
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

func init() { benches["console"] = benchConsole }

// benchConsole measures the console's pages while a large send runs, in
// the same run as the send, as `candor run` serves them:
//
//	candor bench console [--recipients 100000] [--clients 8] [--rate 10] [--duration 15m]
//
// It seeds the configured database as `bench load` does (an incident with
// its customers and an approved notice), makes a legal person with a
// console password, starts `candor run` as a child process with its mail
// going to an SMTP sink over loopback, signs in through the console's form
// and starts the send with the console's send form. Then paced clients
// (an open loop: latency counts from when each request was due) cycle over
// the incident room, the draft preview (the console's own preview panel,
// GET /console/disclosures/{id}/preview, rendering the notice for a
// Japanese sample customer), the send's progress view and the JSON its
// script polls, until the send completes. It prints p50 and p99 per page.
func benchConsole(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench console", flag.ContinueOnError)
	recipients := fs.Int("recipients", 100_000, "customers to send to")
	clients := fs.Int("clients", 8, "concurrent HTTP clients (people with the console open)")
	duration := fs.Duration("duration", 15*time.Minute, "longest load phase (it ends when the send completes)")
	// Eight people with the send open, each page polled every 2 s and the
	// other pages loaded now and then: about 10 requests a second.
	rate := fs.Float64("rate", 10, "page requests per second, all clients together (0: as fast as they can)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *recipients < 1 || *clients < 1 || *rate < 0 || fs.NArg() != 0 {
		return errors.New("usage: candor bench console [--recipients N] [--clients N] [--rate R] [--duration D]")
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
	// A legal person with a console password, as `candor person invite`
	// and the set-password page make one.
	b := make([]byte, 6)
	rand.Read(b)
	email, password := "bench-"+hex.EncodeToString(b)+"@example.com", "bench console password"
	admin := cliContext(ctx)
	if _, err := db.CreatePerson(admin, candor.Person{Email: email, Name: "Bench Legal", Role: candor.RoleLegal}); err != nil {
		return err
	}
	_, secret, err := db.CreatePasswordLink(admin, email, time.Hour)
	if err != nil {
		return err
	}
	if _, err := db.SetPassword(admin, secret, password); err != nil {
		return err
	}

	srv, err := startBenchServer(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	base := srv.base

	jar, _ := cookiejar.New(nil)
	c := &apiClient{base: base, token: seed.token}
	c.http.Jar = jar
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http.Transport = &http.Transport{MaxIdleConnsPerHost: *clients}
	if err := consoleForm(c, "/console/sign-in", "/console/sign-in", url.Values{"email": {email}, "password": {password}}); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	sendsPage := "/console/incidents/" + seed.incident + "/sends"
	start := time.Now()
	loc, err := consoleFormTo(c, sendsPage, "/console/disclosures/"+seed.notice+"/sends", url.Values{})
	if err != nil || !strings.HasPrefix(loc, "/console/sends/") {
		return fmt.Errorf("start the send: %q %v", loc, err)
	}
	sendID := strings.TrimPrefix(loc, "/console/sends/")
	targets := []loadTarget{
		{name: "incident room", path: "/console/incidents/" + seed.incident},
		{name: "draft preview", path: "/console/disclosures/" + seed.notice + "/preview?variant=ja&sample=l:ja"},
		{name: "progress view", path: loc},
		{name: "progress poll", path: loc + "/progress"},
	}
	for _, t := range targets { // each answers before the clock matters
		if !c.fetch(t.path, false) {
			return fmt.Errorf("%s (%s) does not answer 200", t.name, t.path)
		}
	}
	lctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	go func() { // stop the load when the send completes
		for lctx.Err() == nil {
			var s candor.Send
			if c.get("/api/v1/sends/"+sendID, &s) == nil && s.State == candor.SendCompleted {
				cancel()
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()
	loadStart := time.Now()
	results := runLoad(lctx, c, targets, *clients, *rate)
	elapsed := time.Since(loadStart)
	var final candor.Send
	if err := c.get("/api/v1/sends/"+sendID, &final); err != nil {
		return err
	}
	took := time.Since(start)
	if final.FinishedAt != nil {
		took = final.FinishedAt.Sub(start)
	}
	fmt.Fprintf(out, "bench console: db=%s recipients=%d clients=%d rate=%.0f/s load=%s send_state=%s sent=%d send_time=%s (%.0f msg/s) load_avg=%s\n",
		db.Dialect(), *recipients, *clients, *rate, elapsed.Round(time.Millisecond), final.State, final.Sent,
		took.Round(time.Millisecond), float64(final.Sent)/took.Seconds(), loadAvg())
	for i, t := range targets {
		r := results[i]
		fmt.Fprintf(out, "  %-14s %6d requests  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (service time p50 %7.2f ms  p99 %7.2f ms)  errors %d\n",
			t.name, len(r.lat), ms(pct(r.lat, 0.50)), ms(pct(r.lat, 0.99)), ms(pct(r.lat, 1)),
			ms(pct(r.service, 0.50)), ms(pct(r.service, 0.99)), r.errors)
	}
	if final.State != candor.SendCompleted {
		return fmt.Errorf("the send did not complete within %s", *duration)
	}
	return nil
}

var benchCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// consoleForm posts a console form with the CSRF token of page and expects
// the redirect that follows success.
func consoleForm(c *apiClient, page, action string, form url.Values) error {
	_, err := consoleFormTo(c, page, action, form)
	return err
}

// consoleFormTo is consoleForm returning where the form leads.
func consoleFormTo(c *apiClient, page, action string, form url.Values) (string, error) {
	res, err := c.http.Get(c.base + page)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := benchCSRF.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no form on %s (%d)", page, res.StatusCode)
	}
	form.Set("csrf", string(m[1]))
	res, err = c.http.PostForm(c.base+action, form)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST %s: %d", action, res.StatusCode)
	}
	return res.Header.Get("Location"), nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/synth"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

// benchLoad measures the read API and the public statement page while a
// large send runs, all on this machine as `candor run` would serve them:
//
//	candor bench load [--recipients 100000] [--clients 8] [--duration 30s]
//
// It seeds the configured database (incident, customers, an approved notice
// and statement), starts `candor run` as a child process with its mail going
// to an SMTP sink over loopback, publishes the statement and starts the
// send through the API, then runs clients against three endpoints until the
// send completes or the duration ends, and prints requests/s with p50/p99
// latency per endpoint.
func benchLoad(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	recipients := fs.Int("recipients", 100_000, "customers to send to")
	clients := fs.Int("clients", 8, "concurrent HTTP clients")
	duration := fs.Duration("duration", 30*time.Second, "longest load phase")
	rate := fs.Float64("rate", 300, "requests per second, all clients together (0: as fast as they can)")
	if err := fs.Parse(args); err != nil {
		return err
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
	var pub struct{ ID string }
	if err := c.post("/api/v1/disclosures/"+seed.statement+"/publications", `{"slug":"bench-statement"}`, &pub); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := c.waitPage(ctx, "/statements/bench-statement"); err != nil {
		return err
	}
	var send candor.Send
	if err := c.post("/api/v1/disclosures/"+seed.notice+"/sends", `{}`, &send); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	targets := []loadTarget{
		{name: "public page", path: "/statements/bench-statement"},
		{name: "customers list", path: "/api/v1/incidents/" + seed.incident + "/customers?limit=50", auth: true},
		{name: "send progress", path: "/api/v1/sends/" + send.ID, auth: true},
	}
	start := time.Now()
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
	results := runLoad(lctx, c, targets, *clients, *rate)
	elapsed := time.Since(start)
	var final candor.Send
	c.get("/api/v1/sends/"+send.ID, &final)
	fmt.Fprintf(out, "bench load: db=%s recipients=%d clients=%d rate=%.0f/s load=%s send_state=%s sent=%d (%.0f msg/s during the load)\n",
		db.Dialect(), *recipients, *clients, *rate, elapsed.Round(time.Millisecond), final.State, final.Sent, float64(final.Sent)/elapsed.Seconds())
	for i, t := range targets {
		r := results[i]
		fmt.Fprintf(out, "  %-15s %6d requests %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d\n", t.name, len(r.lat),
			float64(len(r.lat))/elapsed.Seconds(), ms(pct(r.lat, 0.50)), ms(pct(r.lat, 0.99)), r.errors)
	}
	return nil
}

type loadSeed struct{ incident, notice, statement, token string }

func seedLoad(ctx context.Context, db *store.DB, n int) (loadSeed, error) {
	ops := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-comms", Name: "bench comms", Role: candor.RoleComms})
	legal := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-legal", Name: "bench legal", Role: candor.RoleLegal})
	in, err := db.CreateIncident(ops, candor.Incident{Title: "Unauthorized access to the group network", Severity: "high",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), DataCategories: []string{"name", "email"}})
	if err != nil {
		return loadSeed{}, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.WriteCSV(pw, n, 7)) }()
	rd, err := roster.NewReader("text/csv", pr, roster.Options{})
	if err != nil {
		return loadSeed{}, err
	}
	if _, err := db.ImportCustomers(ops, in.ID, rd, nil); err != nil {
		return loadSeed{}, err
	}
	approve := func(kind candor.DisclosureKind) (string, error) {
		d, err := db.CreateDisclosure(ops, in.ID, kind, candor.DisclosureContent{Title: string(kind)}, true)
		if err == nil {
			d, err = db.SubmitDisclosure(ops, d.ID, d.Revision)
		}
		if err == nil {
			d, err = db.ApproveDisclosure(legal, d.ID, d.Revision)
		}
		return d.ID, err
	}
	s := loadSeed{incident: in.ID}
	if s.notice, err = approve(candor.KindCustomerNotice); err != nil {
		return s, err
	}
	if s.statement, err = approve(candor.KindPublicStatement); err != nil {
		return s, err
	}
	_, s.token, err = db.CreateToken(cliContext(ctx), "bench load", candor.RoleLegal)
	return s, err
}

type loadTarget struct {
	name, path string
	auth       bool
	want       int // the status that is an answer; 0: 200 (bench lookup's unknown references: 404)
}

// loadResult is one target's requests: lat from when each was due (an open
// loop, so a stall shows in every request that waited behind it), service
// from when it was sent (the page's own time, which the machine's other
// load inflates less).
type loadResult struct {
	lat, service []time.Duration
	errors       int
}

// runLoad runs clients, each cycling over the targets until ctx ends: paced
// to rate requests per second in all (an open loop, like readers arriving
// on their own), or as fast as each can when rate is 0. Latency is measured
// from when a request was due, so a stall is not hidden by the pacing.
func runLoad(ctx context.Context, c *apiClient, targets []loadTarget, clients int, rate float64) []loadResult {
	var every time.Duration
	if rate > 0 {
		every = time.Duration(float64(clients) * float64(time.Second) / rate)
	}
	var mu sync.Mutex
	results := make([]loadResult, len(targets))
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			local := make([]loadResult, len(targets))
			due := time.Now().Add(every * time.Duration(w) / time.Duration(clients))
			for i := w; ctx.Err() == nil; i++ {
				k := i % len(targets)
				if every > 0 {
					time.Sleep(time.Until(due))
				}
				sent := time.Now()
				t0 := sent
				if every > 0 {
					t0 = due
					due = due.Add(every)
				}
				if c.fetchStatus(targets[k].path, targets[k].auth, targets[k].want) {
					local[k].lat = append(local[k].lat, time.Since(t0))
					local[k].service = append(local[k].service, time.Since(sent))
				} else if ctx.Err() == nil {
					local[k].errors++
				}
			}
			mu.Lock()
			for k := range local {
				results[k].lat = append(results[k].lat, local[k].lat...)
				results[k].service = append(results[k].service, local[k].service...)
				results[k].errors += local[k].errors
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return results
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type apiClient struct {
	base, token string
	http        http.Client
}

func (c *apiClient) fetch(path string, auth bool) bool {
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
	return res.StatusCode == 200
}

func (c *apiClient) get(path string, v any) error { return c.do("GET", path, "", v) }

func (c *apiClient) post(path, body string, v any) error { return c.do("POST", path, body, v) }

func (c *apiClient) do(method, path, body string, v any) error {
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}

func (c *apiClient) waitPage(ctx context.Context, path string) error {
	deadline := time.Now().Add(30 * time.Second)
	for !c.fetch(path, false) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return errors.New("the statement was not published within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return errors.New("candor run did not become ready within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// benchServer is `candor run` as a child process for the load benchmarks,
// on the configured database: its mail goes to an SMTP sink in this
// process and its rate limits are off, so the figures are the server's,
// not its limits'.
type benchServer struct {
	base string
	sink *smtptest.Server
	run  *exec.Cmd
}

// startBenchServer starts the child and waits until it is ready.
func startBenchServer(ctx context.Context) (*benchServer, error) {
	sink, err := smtptest.New(smtptest.WithDiscard())
	if err != nil {
		return nil, err
	}
	addr, err := freeLoopback()
	if err != nil {
		sink.Close()
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		sink.Close()
		return nil, err
	}
	s := &benchServer{base: "http://" + addr, sink: sink, run: exec.CommandContext(ctx, self, "run")}
	s.run.Env = append(os.Environ(), "CANDOR_LISTEN="+addr, "CANDOR_BASE_URL="+s.base, "CANDOR_LOG_LEVEL=warn",
		"CANDOR_SMTP_URL="+sink.URL()+"&pool=8", "CANDOR_MAIL_RATE=1000000",
		"CANDOR_RATE_API=0", "CANDOR_RATE_PUBLIC=0") // measure the server, not its limits
	s.run.Stderr = os.Stderr
	if err := s.run.Start(); err != nil {
		sink.Close()
		return nil, err
	}
	if err := waitReady(ctx, s.base+"/readyz"); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the child, then the sink.
func (s *benchServer) Close() {
	s.run.Process.Signal(os.Interrupt)
	s.run.Wait()
	s.sink.Close()
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // CANDOR_ORG_TIMEZONE works without the system's zoneinfo (distroless)

	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

// siteConfig is the public pages' configuration.
func siteConfig(cfg Config) (pages.Config, error) {
	loc, err := time.LoadLocation(cfg.OrgTimezone)
	if err != nil {
		return pages.Config{}, fmt.Errorf("CANDOR_ORG_TIMEZONE %q: %v", cfg.OrgTimezone, err)
	}
	return pages.Config{BaseURL: cfg.BaseURL, Location: loc,
		Org: cfg.organisation().View("", "")}, nil
}

// webhookURLs splits CANDOR_PUBLISH_WEBHOOKS and checks each is an http(s)
// URL; an error names the position, not the URL, which may hold a secret.
func webhookURLs(raw string) ([]string, error) {
	var out []string
	for i, u := range strings.Split(raw, ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("CANDOR_PUBLISH_WEBHOOKS: entry %d is not an http(s) URL", i+1)
		}
		out = append(out, u)
	}
	return out, nil
}

// publishing is the service's side of public statements: the API's
// configuration and the worker's publisher, sharing one Asynq client.
type publishing struct {
	public    api.Public
	publisher *jobs.Publisher
	client    *asynq.Client
}

func newPublishing(cfg Config, db *store.DB, ropt asynq.RedisConnOpt, log *slog.Logger) (*publishing, error) {
	sc, err := siteConfig(cfg)
	if err != nil {
		return nil, err
	}
	hooks, err := webhookURLs(cfg.PublishWebhooks)
	if err != nil {
		return nil, err
	}
	site, err := pages.New(sc)
	if err != nil {
		return nil, err
	}
	client := asynq.NewClient(ropt)
	pub, err := jobs.NewPublisher(jobs.PublisherConfig{Webhooks: hooks, WebhookSecret: cfg.PublishWebhookSecret, AllowPrivate: cfg.PublishWebhooksAllowPrivate,
		Site: site, BaseURL: cfg.BaseURL, Logger: log}, db, client)
	if err != nil {
		client.Close()
		return nil, err
	}
	return &publishing{publisher: pub, client: client,
		public: api.Public{Location: sc.Location, Queue: pub}}, nil
}

func (p *publishing) Close() { p.client.Close() }

// cmdExportStatements writes the statements public now as static files.
func cmdExportStatements(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("export-statements", flag.ContinueOnError)
	base := fs.String("base-url", strings.TrimRight(cfg.BaseURL, "/")+"/statements", "where the files will be served (feed links)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: candor export-statements [--base-url URL] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return flag.ErrHelp
	}
	sc, err := siteConfig(cfg)
	if err != nil {
		return err
	}
	site, err := pages.New(sc)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	pubs, err := db.VisiblePublications(ctx, time.Now())
	if err != nil {
		return fmt.Errorf("read statements: %w", err)
	}
	files, err := site.Export(fs.Arg(0), *base, pubs)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d files (%d statements) to %s\n", len(files), len(pages.Group(pubs)), fs.Arg(0))
	return nil
}

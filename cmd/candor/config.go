package main

import (
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/candor-dev/candor/store"
)

// Config is every setting, read from the environment. The README's
// configuration table is this struct.
type Config struct {
	DatabaseURL       string        `env:"CANDOR_DATABASE_URL" envDefault:"sqlite:./var/candor.db"`
	DBMaxOpenConns    int           `env:"CANDOR_DB_MAX_OPEN_CONNS" envDefault:"0"`
	DBMaxIdleConns    int           `env:"CANDOR_DB_MAX_IDLE_CONNS" envDefault:"0"`
	DBConnMaxLifetime time.Duration `env:"CANDOR_DB_CONN_MAX_LIFETIME" envDefault:"30m"`
	DBQueryTimeout    time.Duration `env:"CANDOR_DB_QUERY_TIMEOUT" envDefault:"5s"`

	RedisURL          string        `env:"CANDOR_REDIS_URL" envDefault:"redis://127.0.0.1:6379/0" secret:"url"`
	RedisPoolSize     int           `env:"CANDOR_REDIS_POOL_SIZE" envDefault:"0"`
	RedisDialTimeout  time.Duration `env:"CANDOR_REDIS_DIAL_TIMEOUT" envDefault:"5s"`
	RedisReadTimeout  time.Duration `env:"CANDOR_REDIS_READ_TIMEOUT" envDefault:"3s"`
	RedisWriteTimeout time.Duration `env:"CANDOR_REDIS_WRITE_TIMEOUT" envDefault:"3s"`

	Listen         string        `env:"CANDOR_LISTEN" envDefault:"127.0.0.1:8080"`
	BaseURL        string        `env:"CANDOR_BASE_URL" envDefault:"http://127.0.0.1:8080"`
	MaxBodyBytes   int64         `env:"CANDOR_MAX_BODY_BYTES" envDefault:"1048576"`
	MaxImportBytes int64         `env:"CANDOR_MAX_IMPORT_BYTES" envDefault:"17179869184"`
	PageCacheTTL   time.Duration `env:"CANDOR_PAGE_CACHE_TTL" envDefault:"1s"`

	OrgName         string `env:"CANDOR_ORG_NAME" envDefault:"Example Corporation"`
	OrgContactEmail string `env:"CANDOR_ORG_CONTACT_EMAIL" envDefault:"privacy@example.com"`
	OrgContactPhone string `env:"CANDOR_ORG_CONTACT_PHONE" envDefault:""`
	OrgWebsiteURL   string `env:"CANDOR_ORG_WEBSITE_URL" envDefault:"https://www.example.com"`
	// The organisation's name and signatory in other languages, as
	// "ja=川崎重工業株式会社|th=…" (| between languages, since names hold commas).
	OrgNames       string `env:"CANDOR_ORG_NAMES" envDefault:""`
	OrgSignatory   string `env:"CANDOR_ORG_SIGNATORY" envDefault:""`
	OrgSignatories string `env:"CANDOR_ORG_SIGNATORIES" envDefault:""`

	OrgTimezone          string `env:"CANDOR_ORG_TIMEZONE" envDefault:"UTC"`
	PublishWebhooks      string `env:"CANDOR_PUBLISH_WEBHOOKS" envDefault:"" secret:"all"`
	PublishWebhookSecret string `env:"CANDOR_PUBLISH_WEBHOOK_SECRET" envDefault:"" secret:"all"`
	// Webhooks may reach loopback, private and link-local addresses only
	// when this is set (a receiver on the same network).
	PublishWebhooksAllowPrivate bool `env:"CANDOR_PUBLISH_WEBHOOKS_ALLOW_PRIVATE" envDefault:"false"`

	SMTPURL   string  `env:"CANDOR_SMTP_URL" envDefault:"" secret:"url"`
	OutboxDir string  `env:"CANDOR_OUTBOX_DIR" envDefault:"./var/outbox"`
	MailFrom  string  `env:"CANDOR_MAIL_FROM" envDefault:"notices@example.com"`
	MailRate  float64 `env:"CANDOR_MAIL_RATE" envDefault:"100"`

	DKIMKeyPath  string `env:"CANDOR_DKIM_KEY_PATH" envDefault:""`
	DKIMSelector string `env:"CANDOR_DKIM_SELECTOR" envDefault:""`
	DKIMDomain   string `env:"CANDOR_DKIM_DOMAIN" envDefault:""`

	SendChunk    int `env:"CANDOR_SEND_CHUNK" envDefault:"200"`
	SendParallel int `env:"CANDOR_SEND_PARALLEL" envDefault:"8"`
	// Bytes of composed messages a worker holds before sending them, all
	// tasks together (jobs.DefaultSendMemory).
	SendMemory      int64         `env:"CANDOR_SEND_MEMORY" envDefault:"67108864"`
	SendRetryWindow time.Duration `env:"CANDOR_SEND_RETRY_WINDOW" envDefault:"24h"`
	BounceSecret    string        `env:"CANDOR_BOUNCE_SECRET" envDefault:"" secret:"all"`

	DataKey     string `env:"CANDOR_DATA_KEY" envDefault:"" secret:"all"`
	DataKeyFile string `env:"CANDOR_DATA_KEY_FILE" envDefault:"./var/data.key"`
	DataKeyOld  string `env:"CANDOR_DATA_KEY_OLD" envDefault:"" secret:"all"`
	RulesDir    string `env:"CANDOR_RULES_DIR" envDefault:""`

	MetricsListen       string        `env:"CANDOR_METRICS_LISTEN" envDefault:""`
	MetricsToken        string        `env:"CANDOR_METRICS_TOKEN" envDefault:"" secret:"all"`
	AdminSessionKey     string        `env:"CANDOR_ADMIN_SESSION_KEY" envDefault:"" secret:"all"`
	AdminSessionTTL     time.Duration `env:"CANDOR_ADMIN_SESSION_TTL" envDefault:"30m"`
	AuditVerifySchedule string        `env:"CANDOR_AUDIT_VERIFY_SCHEDULE" envDefault:"@every 15m"`

	// Request limits per minute, shared through Redis; 0 turns one off.
	RateAPI        int      `env:"CANDOR_RATE_API" envDefault:"600"`
	RateAuthFail   int      `env:"CANDOR_RATE_AUTH_FAIL" envDefault:"30"`
	RatePublic     int      `env:"CANDOR_RATE_PUBLIC" envDefault:"600"`
	RateLogin      int      `env:"CANDOR_RATE_LOGIN" envDefault:"10"`
	RateWebhook    int      `env:"CANDOR_RATE_WEBHOOK" envDefault:"600"`
	TrustedProxies []string `env:"CANDOR_TRUSTED_PROXIES" envDefault:""`

	WorkerConcurrency int           `env:"CANDOR_WORKER_CONCURRENCY" envDefault:"20"`
	ShutdownTimeout   time.Duration `env:"CANDOR_SHUTDOWN_TIMEOUT" envDefault:"25s"`
	LogLevel          string        `env:"CANDOR_LOG_LEVEL" envDefault:"info"`

	// ContactDomains are the mail domains (and their subdomains) an
	// incident's owner and legal contacts may be in, comma-separated;
	// empty allows any (candor.ContactDomains).
	ContactDomains string `env:"CANDOR_CONTACT_DOMAINS" envDefault:""`
}

func loadConfig() (Config, error) {
	var c Config
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("configuration: %w", err)
	}
	return c, nil
}

// Masked returns every setting as NAME=value lines with secrets hidden:
// passwords in URLs are replaced, whole secrets are never shown.
func (c Config) Masked() []string {
	var out []string
	v, t := reflect.ValueOf(c), reflect.TypeOf(c)
	for i := range t.NumField() {
		f := t.Field(i)
		val := fmt.Sprint(v.Field(i).Interface())
		switch f.Tag.Get("secret") {
		case "url":
			val = store.Redact(val)
		case "all":
			if val != "" {
				val = "(set, hidden)"
			}
		}
		out = append(out, f.Tag.Get("env")+"="+val)
	}
	return out
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToLower(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

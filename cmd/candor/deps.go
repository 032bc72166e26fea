package main

import (
	"context"
	"fmt"
	"os/user"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// openDB connects to the database, with an error that names it (password
// masked) in one line.
func openDB(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{
		MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns, ConnMaxLifetime: cfg.DBConnMaxLifetime,
		QueryTimeout: cfg.DBQueryTimeout})
	if err != nil {
		return nil, fmt.Errorf("database %s: %v", store.Redact(cfg.DatabaseURL), err)
	}
	return db, nil
}

// openMigratedDB opens the database and applies pending migrations.
func openMigratedDB(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %v", store.Redact(cfg.DatabaseURL), err)
	}
	return db, nil
}

// openRedis parses CANDOR_REDIS_URL and checks Redis answers.
func openRedis(ctx context.Context, cfg Config) (asynq.RedisConnOpt, redis.UniversalClient, error) {
	opt, err := jobs.ParseRedisURL(cfg.RedisURL, jobs.RedisOptions{PoolSize: cfg.RedisPoolSize,
		DialTimeout: cfg.RedisDialTimeout, ReadTimeout: cfg.RedisReadTimeout, WriteTimeout: cfg.RedisWriteTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("redis %s: %v", store.Redact(cfg.RedisURL), err)
	}
	rc := jobs.NewRedisClient(opt)
	if err := jobs.Ping(ctx, rc); err != nil {
		rc.Close()
		return nil, nil, fmt.Errorf("redis %s: %v", store.Redact(cfg.RedisURL), err)
	}
	return opt, rc, nil
}

// cliContext marks changes made from the command line in the audit log as
// made by the operating-system user who ran the command.
func cliContext(ctx context.Context) context.Context {
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	return candor.NewContextWithActor(ctx, candor.CLIActor(name))
}

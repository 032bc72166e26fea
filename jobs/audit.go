package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
)

// TypeAuditVerify walks the audit log's hash chain, as `candor audit
// verify` does, on a schedule: a broken link is found within one period,
// not at the next audit. It changes nothing, so running it twice is
// harmless; the scheduler still runs it once per period.
const TypeAuditVerify = "audit:verify"

// AuditVerifier checks the chain; *store.DB provides it.
type AuditVerifier interface {
	VerifyAudit(ctx context.Context) (int64, error)
}

// AuditRecorder receives each result; *metrics.Metrics provides it.
type AuditRecorder interface {
	AuditVerified(entries int64, err error)
}

// AuditVerifyPeriodic schedules the check (cron spec, e.g. "@every 15m").
func AuditVerifyPeriodic(spec string) Periodic {
	return Periodic{Cron: spec, Task: asynq.NewTask(TypeAuditVerify, nil),
		// One attempt: the next period is the retry.
		Opts: []asynq.Option{asynq.Queue("low"), asynq.MaxRetry(0), asynq.Timeout(10 * time.Minute)}}
}

// AuditVerifyHandler runs the check. A failure (a broken link, or a database
// that did not answer: the error says which) is logged at error level, sets
// candor_audit_chain_ok to 0 and fails the task, which then shows in the
// dashboard's archived tasks.
func AuditVerifyHandler(v AuditVerifier, rec AuditRecorder, log *slog.Logger) Handler {
	if log == nil {
		log = slog.Default()
	}
	return Handler{Type: TypeAuditVerify, Func: func(ctx context.Context, t *asynq.Task) error {
		id, _ := asynq.GetTaskID(ctx)
		start := time.Now()
		n, err := v.VerifyAudit(ctx)
		if rec != nil {
			rec.AuditVerified(n, err)
		}
		if err != nil {
			log.Error("audit verification FAILED", "task_id", id, "good_entries", n, "error", err.Error())
			return fmt.Errorf("audit verify: %v: %w", err, asynq.SkipRetry)
		}
		log.Info("audit chain verified", "task_id", id, "entries", n, "duration_ms", time.Since(start).Milliseconds())
		return nil
	}}
}

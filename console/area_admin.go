package console

import (
	"context"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// adminStore is what the people pages (admin_people.go), "my account"
// (account.go), the sign-in code step (signin_code.go) and the audit page
// (audit_page.go) need from the store.
type adminStore interface {
	ListAccounts(ctx context.Context) ([]store.Account, error)
	GetAccount(ctx context.Context, id string) (store.Account, error)
	CreatePerson(ctx context.Context, p candor.Person) (candor.Person, error)
	CreatePasswordLink(ctx context.Context, ref string, ttl time.Duration) (candor.Person, string, error)
	SetPersonRole(ctx context.Context, id string, role candor.Role) (candor.Person, error)
	SetPersonDisabled(ctx context.Context, id string, disabled bool) (candor.Person, error)
	EndSessions(ctx context.Context, ref string) error
	ListTokens(ctx context.Context) ([]candor.Token, error)
	CreateTokenFor(ctx context.Context, person, name string, role candor.Role) (candor.Token, string, error)
	RevokeToken(ctx context.Context, id string) (candor.Token, error)
	RecordSignIn(ctx context.Context, id string) error

	BeginTOTP(ctx context.Context, id, issuer string) (string, error)
	PendingTOTP(ctx context.Context, id string) (string, error)
	ConfirmTOTP(ctx context.Context, id, code string) error
	CheckTOTP(ctx context.Context, id, code string) error
	ResetTOTP(ctx context.Context, id string) error
	NewCalendarSecret(ctx context.Context, id string) (string, error)
	RevokeCalendar(ctx context.Context, id string) error

	ListAudit(ctx context.Context, f candor.AuditFilter) (store.Page[candor.AuditEntry], error)
	VerifyAudit(ctx context.Context) (int64, error)
}

// adminRoutes mounts the people pages (admins), "my account", the sign-in
// code step (open: the person is between password and code), the audit
// page (legal and admin, as GET /api/v1/audit) and the API document.
func (cs *Console) adminRoutes(open, in *gin.RouterGroup) {
	open.GET("/sign-in/code", cs.codeForm)
	open.POST("/sign-in/code", limitForm, cs.checkCSRF, cs.checkCode)

	adm := in.Group("/admin", cs.needRole(candor.RoleAdmin))
	adm.GET("/people", cs.people)
	adm.POST("/people", limitForm, cs.checkCSRF, cs.createPerson)
	adm.POST("/people/:pid/invite", limitForm, cs.checkCSRF, cs.invitePerson)
	adm.POST("/people/:pid/role", limitForm, cs.checkCSRF, cs.setRole)
	adm.POST("/people/:pid/disable", limitForm, cs.checkCSRF, cs.setDisabled(true))
	adm.POST("/people/:pid/enable", limitForm, cs.checkCSRF, cs.setDisabled(false))
	adm.POST("/people/:pid/end-sessions", limitForm, cs.checkCSRF, cs.endSessions)
	adm.POST("/people/:pid/reset-totp", limitForm, cs.checkCSRF, cs.resetTOTP)
	adm.POST("/people/:pid/tokens", limitForm, cs.checkCSRF, cs.createToken)
	adm.POST("/tokens/:tid/revoke", limitForm, cs.checkCSRF, cs.revokeToken)

	in.GET("/account", cs.account)
	in.POST("/account/totp", limitForm, cs.checkCSRF, cs.beginTOTP)
	in.GET("/account/totp.png", cs.totpImage)
	in.POST("/account/totp/confirm", limitForm, cs.checkCSRF, cs.confirmTOTP)
	in.POST("/account/calendar", limitForm, cs.checkCSRF, cs.newCalendar)
	in.POST("/account/calendar/revoke", limitForm, cs.checkCSRF, cs.revokeCalendar)

	in.GET("/incidents/:id/audit", cs.needRole(candor.RoleLegal), cs.auditPage)
	in.GET("/api", cs.apiDoc)
}

// needRole refuses (403) a signed-in person below min, as the API's
// require does for a token.
func (cs *Console) needRole(min candor.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, _ := cs.session(c)
		if !p.Role.Allows(min) {
			cs.renderError(c, 403, "adm_forbidden")
			return
		}
		c.Next()
	}
}

func init() {
	words(map[string]string{
		"adm_forbidden": "Your role may not open this page.", "adm_people": "People and tokens", "adm_account": "My account",
		"adm_queues": "Queue dashboard", "adm_metrics": "Metrics", "adm_api": "API reference", "adm_audit": "Audit trail",
		"adm_name": "Name", "adm_role": "Role", "adm_state": "State", "adm_active": "active", "adm_disabled": "disabled",
		"adm_totp": "TOTP", "adm_on": "on", "adm_off": "off", "adm_pending": "enrolling", "adm_last_sign_in": "Last sign-in",
		"adm_never": "never", "adm_tokens": "API tokens", "adm_no_tokens": "No tokens.", "adm_revoked": "revoked",
		"adm_last_used": "last used", "adm_create_person": "Add a person", "adm_create": "Add and make a password link",
		"adm_link":     "One-time password link for %s (works once, for 24 hours; send it to them yourself):",
		"adm_secret":   "New token for %s. Copy it now: it is shown once and never stored.",
		"adm_new_link": "New password link", "adm_change_role": "Change role", "adm_disable": "Disable", "adm_enable": "Enable",
		"adm_end_sessions": "End sessions", "adm_reset_totp": "Reset TOTP", "adm_new_token": "New token",
		"adm_token_name": "Token name", "adm_revoke": "Revoke", "adm_actions": "Actions", "adm_you": "you",
		"adm_done_role": "The role was changed.", "adm_done_disable": "The person is disabled; their sessions and tokens stopped working.",
		"adm_done_enable": "The person is enabled.", "adm_done_sessions": "Their sessions ended.",
		"adm_done_totp":   "Their TOTP was removed; they sign in with their password until they enrol again.",
		"adm_done_revoke": "The token was revoked.", "adm_last_admin": "This is the last active admin: make another person admin first.",
		"adm_self_disable": "You cannot disable yourself; ask another admin.", "adm_conflict": "Nothing changed: %s",
		"adm_fix": "Correct the fields marked below.", "adm_no_email": "(no e-mail)",
		"adm_field_name": "Name", "adm_field_email": "E-mail", "adm_field_role": "Role",
	}, map[string]string{
		"adm_forbidden": "このページを開く権限がありません。", "adm_people": "利用者とトークン", "adm_account": "アカウント",
		"adm_queues": "キューダッシュボード", "adm_metrics": "メトリクス", "adm_api": "API リファレンス", "adm_audit": "監査記録",
		"adm_name": "氏名", "adm_role": "権限", "adm_state": "状態", "adm_active": "有効", "adm_disabled": "無効",
		"adm_totp": "TOTP", "adm_on": "オン", "adm_off": "オフ", "adm_pending": "登録中", "adm_last_sign_in": "最終ログイン",
		"adm_never": "なし", "adm_tokens": "API トークン", "adm_no_tokens": "トークンはありません。", "adm_revoked": "失効",
		"adm_last_used": "最終使用", "adm_create_person": "利用者の追加", "adm_create": "追加してパスワード設定リンクを作成",
		"adm_link":     "%s さんのパスワード設定リンク（1回限り、24時間有効。ご本人に直接お送りください）：",
		"adm_secret":   "%s さんの新しいトークンです。今すぐコピーしてください。表示は一度だけで、保存されません。",
		"adm_new_link": "パスワード設定リンクを再発行", "adm_change_role": "権限を変更", "adm_disable": "無効にする", "adm_enable": "有効にする",
		"adm_end_sessions": "セッションを終了", "adm_reset_totp": "TOTP をリセット", "adm_new_token": "トークンを作成",
		"adm_token_name": "トークン名", "adm_revoke": "失効させる", "adm_actions": "操作", "adm_you": "本人",
		"adm_done_role": "権限を変更しました。", "adm_done_disable": "無効にしました。セッションとトークンは直ちに使えなくなりました。",
		"adm_done_enable": "有効にしました。", "adm_done_sessions": "セッションを終了しました。",
		"adm_done_totp":   "TOTP を削除しました。再登録するまではパスワードのみでログインします。",
		"adm_done_revoke": "トークンを失効させました。", "adm_last_admin": "最後の有効な管理者です。先に他の人を管理者にしてください。",
		"adm_self_disable": "自分自身を無効にすることはできません。他の管理者に依頼してください。", "adm_conflict": "変更はありません：%s",
		"adm_fix": "下記の項目を修正してください。", "adm_no_email": "（メールアドレスなし）",
		"adm_field_name": "氏名", "adm_field_email": "メールアドレス", "adm_field_role": "権限",
	})
}

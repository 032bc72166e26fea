package console

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
	"github.com/pquerna/otp"
)

// "My account": the person's TOTP enrolment and calendar subscription URL.

// admTOTPIssuer names Candor in the person's authenticator app.
const admTOTPIssuer = "Candor"

type admAccountData struct {
	Name, Email, Role string
	TOTP, Pending     bool
	Secret, URI       string // of the pending key
	CodeError, Notice string
	Calendar          bool
	CalendarURL       string // shown once, when made
}

var admAccountDone = map[string]string{"totp": "acct_done_totp", "calendar_revoked": "acct_done_cal_revoked"}

func (cs *Console) account(c *gin.Context) {
	d := admAccountData{}
	if k, ok := admAccountDone[c.Query("done")]; ok {
		d.Notice = tr(lang(c), k)
	}
	cs.renderAccount(c, http.StatusOK, d)
}

func (cs *Console) renderAccount(c *gin.Context, status int, d admAccountData) {
	ctx := c.Request.Context()
	me, _ := cs.session(c)
	a, err := cs.store.GetAccount(ctx, me.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	d.Name, d.Email, d.Role, d.TOTP, d.Pending, d.Calendar = a.Name, a.Email, string(a.Role), a.TOTP, a.TOTPPending, a.Calendar
	if a.TOTPPending {
		u, err := cs.store.PendingTOTP(ctx, me.ID)
		if err != nil {
			cs.fail(c, err)
			return
		}
		key, err := otp.NewKeyFromURL(u)
		if err != nil {
			cs.fail(c, err)
			return
		}
		d.URI, d.Secret = u, key.Secret()
	}
	cs.render(c, status, "account", tr(lang(c), "adm_account"), d)
}

func (cs *Console) beginTOTP(c *gin.Context) {
	me, _ := cs.session(c)
	if _, err := cs.store.BeginTOTP(c.Request.Context(), me.ID, admTOTPIssuer); err != nil {
		cs.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/account#totp")
}

// totpImage serves the pending key's QR code as a PNG from the console's
// own origin (the CSP allows img-src 'self' and no data: URLs).
func (cs *Console) totpImage(c *gin.Context) {
	me, _ := cs.session(c)
	u, err := cs.store.PendingTOTP(c.Request.Context(), me.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	key, err := otp.NewKeyFromURL(u)
	if err != nil {
		cs.fail(c, err)
		return
	}
	img, err := key.Image(240, 240)
	if err != nil {
		cs.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		cs.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "image/png", buf.Bytes())
}

func (cs *Console) confirmTOTP(c *gin.Context) {
	me, _ := cs.session(c)
	code := strings.ReplaceAll(strings.TrimSpace(c.PostForm("code")), " ", "")
	if err := cs.store.ConfirmTOTP(c.Request.Context(), me.ID, code); err != nil {
		if candor.ErrorCode(err) == candor.EINVALID {
			cs.renderAccount(c, http.StatusUnprocessableEntity, admAccountData{CodeError: tr(lang(c), "acct_code_wrong")})
			return
		}
		cs.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/account?done=totp")
}

// newCalendar makes (or remakes) the person's calendar URL and shows it
// once: only its hash is kept.
func (cs *Console) newCalendar(c *gin.Context) {
	me, _ := cs.session(c)
	secret, err := cs.store.NewCalendarSecret(c.Request.Context(), me.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	cs.renderAccount(c, http.StatusOK, admAccountData{CalendarURL: cs.linkBase(c) + "/calendar/" + secret + ".ics"})
}

func (cs *Console) revokeCalendar(c *gin.Context) {
	me, _ := cs.session(c)
	if err := cs.store.RevokeCalendar(c.Request.Context(), me.ID); err != nil && candor.ErrorCode(err) != candor.ECONFLICT {
		cs.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/account?done=calendar_revoked")
}

func init() {
	words(map[string]string{
		"acct_code_title": "Sign-in code", "acct_code": "Code from your authenticator app (6 digits)",
		"acct_code_wrong": "The code is wrong or was used already; wait for the next one.", "acct_verify": "Verify",
		"acct_totp": "Two-step sign-in (TOTP)", "acct_totp_on": "On: signing in asks for a code from your authenticator app.",
		"acct_totp_off": "Off: signing in asks for your password only.", "acct_totp_begin": "Set up an authenticator app",
		"acct_totp_restart": "Start again with a new key",
		"acct_totp_scan":    "Scan this code with your authenticator app, or enter the key by hand; then type the code it shows to turn two-step sign-in on.",
		"acct_totp_key":     "Key", "acct_totp_uri": "otpauth URI", "acct_qr_alt": "QR code of the key for your authenticator app",
		"acct_totp_lost": "Lost your phone? An admin can reset your TOTP.",
		"acct_done_totp": "Two-step sign-in is on.", "acct_calendar": "Calendar subscription",
		"acct_cal_about":  "A private address your calendar app (Apple, Google, Outlook) subscribes to: the deadlines of every incident. Anyone who has the address sees them: keep it to yourself.",
		"acct_cal_active": "You have a calendar address. It was shown once; make a new one if you lost it (the old one stops working).",
		"acct_cal_none":   "You have no calendar address.", "acct_cal_new": "Make a calendar address",
		"acct_cal_renew": "Make a new address (the old one stops working)", "acct_cal_revoke": "Revoke the address",
		"acct_cal_shown":        "Your calendar address. Copy it now: it is shown once.",
		"acct_done_cal_revoked": "The calendar address is revoked; it no longer works.",
	}, map[string]string{
		"acct_code_title": "確認コード", "acct_code": "認証アプリのコード（6桁）",
		"acct_code_wrong": "コードが正しくないか、使用済みです。次のコードをお待ちください。", "acct_verify": "確認",
		"acct_totp": "2段階ログイン（TOTP）", "acct_totp_on": "オン：ログイン時に認証アプリのコードを求めます。",
		"acct_totp_off": "オフ：ログインはパスワードのみです。", "acct_totp_begin": "認証アプリを設定する",
		"acct_totp_restart": "新しいキーでやり直す",
		"acct_totp_scan":    "認証アプリでこのコードを読み取るか、キーを手入力してください。表示されたコードを入力すると2段階ログインがオンになります。",
		"acct_totp_key":     "キー", "acct_totp_uri": "otpauth URI", "acct_qr_alt": "認証アプリ用キーの QR コード",
		"acct_totp_lost": "スマートフォンを紛失した場合は、管理者が TOTP をリセットできます。",
		"acct_done_totp": "2段階ログインをオンにしました。", "acct_calendar": "カレンダー購読",
		"acct_cal_about":  "カレンダーアプリ（Apple、Google、Outlook）で購読する非公開のアドレスです。全インシデントの期限が表示されます。アドレスを知る人は誰でも閲覧できるため、他人に教えないでください。",
		"acct_cal_active": "カレンダーアドレスは発行済みです（表示は一度のみ）。紛失した場合は新しく発行してください（古いアドレスは使えなくなります）。",
		"acct_cal_none":   "カレンダーアドレスはありません。", "acct_cal_new": "カレンダーアドレスを発行",
		"acct_cal_renew": "新しいアドレスを発行（古いアドレスは無効）", "acct_cal_revoke": "アドレスを無効にする",
		"acct_cal_shown":        "カレンダーアドレスです。今すぐコピーしてください。表示は一度だけです。",
		"acct_done_cal_revoked": "カレンダーアドレスを無効にしました。",
	})
}

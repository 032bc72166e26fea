package console

import (
	"crypto/hmac"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// The sign-in's second step for a person with TOTP on. The password step
// sets a short-lived signed cookie naming the person and their session
// version instead of the session; the code step turns it into the session.
// Wrong codes are charged to the address's failed sign-in bucket, as wrong
// passwords are, so the step cannot be guessed through any faster.
const (
	codeCookie = "candor_code"
	codeTTL    = 5 * time.Minute
)

// codeStep is called when the password was right. For a person with TOTP
// it sends the browser to the code form and returns true; otherwise it
// notes the sign-in and returns false (the caller sets the session).
func (cs *Console) codeStep(c *gin.Context, p candor.Person, version int) bool {
	ctx := c.Request.Context()
	a, err := cs.store.GetAccount(ctx, p.ID)
	if err != nil {
		cs.fail(c, err)
		return true
	}
	if !a.TOTP {
		if err := cs.store.RecordSignIn(ctx, p.ID); err != nil {
			cs.cfg.Logger.WarnContext(ctx, "console: record sign-in", "error", err.Error())
		}
		return false
	}
	exp := time.Now().Add(codeTTL)
	payload := "v1." + p.ID + "." + strconv.Itoa(version) + "." + strconv.FormatInt(exp.Unix(), 10)
	cs.setCookie(c, codeCookie, payload+"."+cs.mac("code", payload), int(codeTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, "/console/sign-in/code?next="+url.QueryEscape(localPath(c.PostForm("next"))))
	return true
}

// codePending returns the person id and session version of a live
// password step.
func (cs *Console) codePending(c *gin.Context) (string, int, bool) {
	v, err := c.Cookie(codeCookie)
	if err != nil {
		return "", 0, false
	}
	i := strings.LastIndexByte(v, '.')
	if i < 0 || !admHMACEqual(v[i+1:], cs.mac("code", v[:i])) {
		return "", 0, false
	}
	p := strings.Split(v[:i], ".")
	if len(p) != 4 || p[0] != "v1" {
		return "", 0, false
	}
	ver, err1 := strconv.Atoi(p[2])
	exp, err2 := strconv.ParseInt(p[3], 10, 64)
	if err1 != nil || err2 != nil || time.Now().Unix() >= exp {
		return "", 0, false
	}
	return p[1], ver, true
}

type admCodeData struct {
	Next, Message string
}

func (cs *Console) codeForm(c *gin.Context) {
	if _, _, ok := cs.codePending(c); !ok {
		c.Redirect(http.StatusSeeOther, "/console/sign-in?next="+url.QueryEscape(localPath(c.Query("next"))))
		return
	}
	cs.render(c, http.StatusOK, "sign_in_code", tr(lang(c), "acct_code_title"), admCodeData{Next: localPath(c.Query("next"))})
}

func (cs *Console) checkCode(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	next := localPath(c.PostForm("next"))
	id, ver, ok := cs.codePending(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/console/sign-in?next="+url.QueryEscape(next))
		return
	}
	if wait := cs.limit.Wait(c); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		cs.render(c, http.StatusTooManyRequests, "sign_in_code", tr(l, "acct_code_title"),
			admCodeData{Next: next, Message: tr(l, "rate_limited", secs)})
		return
	}
	code := strings.ReplaceAll(strings.TrimSpace(c.PostForm("code")), " ", "")
	if err := cs.store.CheckTOTP(ctx, id, code); err != nil {
		if candor.ErrorCode(err) != candor.EUNAUTHORIZED {
			cs.fail(c, err)
			return
		}
		cs.limit.Failed(c)
		cs.render(c, http.StatusUnauthorized, "sign_in_code", tr(l, "acct_code_title"), admCodeData{Next: next, Message: tr(l, "acct_code_wrong")})
		return
	}
	if err := cs.store.RecordSignIn(ctx, id); err != nil {
		cs.cfg.Logger.WarnContext(ctx, "console: record sign-in", "error", err.Error())
	}
	cs.setCookie(c, codeCookie, "", -1)
	exp := time.Now().Add(cs.cfg.SessionTTL)
	cs.setCookie(c, sessionCookie, cs.sessionValue(id, ver, exp), int(cs.cfg.SessionTTL.Seconds()))
	cs.cfg.Logger.InfoContext(ctx, "console sign-in", "person_id", id, "totp", true)
	c.Redirect(http.StatusSeeOther, next)
}

func admHMACEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

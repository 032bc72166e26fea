package console

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

type signInData struct {
	Message, Notice, Email, Next string
}

func (cs *Console) renderSignIn(c *gin.Context, status int, msg, email string) {
	d := signInData{Message: msg, Email: email, Next: localPath(c.Query("next"))}
	if c.Request.Method == http.MethodPost {
		d.Next = localPath(c.PostForm("next"))
	}
	if c.Query("done") == "1" {
		d.Notice = tr(lang(c), "password_set")
	}
	cs.render(c, status, "sign_in", tr(lang(c), "sign_in"), d)
}

func (cs *Console) signInForm(c *gin.Context) {
	if _, ok := cs.session(c); ok {
		c.Redirect(http.StatusSeeOther, localPath(c.Query("next")))
		return
	}
	cs.renderSignIn(c, http.StatusOK, "", "")
}

// signIn checks the e-mail and password. An address whose failures have
// used up the API's limit is refused before the password is looked at;
// every failure is charged to it.
func (cs *Console) signIn(c *gin.Context) {
	l := lang(c)
	email := strings.TrimSpace(c.PostForm("email"))
	if wait := cs.limit.Wait(c); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		cs.renderSignIn(c, http.StatusTooManyRequests, tr(l, "rate_limited", secs), email)
		return
	}
	p, ver, err := cs.store.SignIn(c.Request.Context(), email, c.PostForm("password"))
	if err != nil {
		if candor.ErrorCode(err) != candor.EUNAUTHORIZED {
			cs.fail(c, err)
			return
		}
		cs.limit.Failed(c)
		cs.renderSignIn(c, http.StatusUnauthorized, tr(l, "bad_credentials"), email)
		return
	}
	if cs.codeStep(c, p, ver) { // TOTP on: the code first (signin_code.go)
		return
	}
	exp := time.Now().Add(cs.cfg.SessionTTL)
	cs.setCookie(c, sessionCookie, cs.sessionValue(p.ID, ver, exp), int(cs.cfg.SessionTTL.Seconds()))
	cs.cfg.Logger.InfoContext(c.Request.Context(), "console sign-in", "person_id", p.ID, "role", string(p.Role))
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("next")))
}

func (cs *Console) signOut(c *gin.Context) {
	cs.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

type setPasswordData struct {
	Token, Name, Message string
}

func (cs *Console) setPasswordForm(c *gin.Context) {
	tok := c.Query("token")
	p, err := cs.store.CheckPasswordLink(c.Request.Context(), tok)
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAUTHORIZED {
			cs.renderError(c, http.StatusNotFound, "bad_link")
			return
		}
		cs.fail(c, err)
		return
	}
	cs.render(c, http.StatusOK, "set_password", tr(lang(c), "set_password"), setPasswordData{Token: tok, Name: p.Name})
}

func (cs *Console) setPassword(c *gin.Context) {
	l, tok := lang(c), c.PostForm("token")
	p, err := cs.store.CheckPasswordLink(c.Request.Context(), tok)
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAUTHORIZED {
			cs.renderError(c, http.StatusNotFound, "bad_link")
			return
		}
		cs.fail(c, err)
		return
	}
	again := func(msg string) {
		cs.render(c, http.StatusUnprocessableEntity, "set_password", tr(l, "set_password"),
			setPasswordData{Token: tok, Name: p.Name, Message: msg})
	}
	pw := c.PostForm("password")
	if pw != c.PostForm("confirm") {
		again(tr(l, "mismatch"))
		return
	}
	// The audit log names the person who spent their own link.
	ctx := candor.NewContextWithActor(c.Request.Context(), candor.Actor{PersonID: p.ID, Name: p.Name, Role: p.Role})
	if _, err := cs.store.SetPassword(ctx, tok, pw); err != nil {
		switch candor.ErrorCode(err) {
		case candor.EINVALID:
			again(tr(l, "new_password"))
		case candor.EUNAUTHORIZED:
			cs.renderError(c, http.StatusNotFound, "bad_link")
		default:
			cs.fail(c, err)
		}
		return
	}
	cs.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/console/sign-in?done=1")
}

package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// Cookies. The session names a person, their session version and an expiry,
// signed as the dashboard's is (api/admin.go); it holds no secret the server
// keeps, so a copy works only until the person is disabled, their version
// bumped, or it expires. The CSRF cookie is a random nonce; each form
// carries HMAC(nonce) (a signed double submit): a site that cannot read
// the cookie cannot make the field.
const (
	sessionCookie = "candor_console"
	csrfCookie    = "candor_csrf"
	langCookie    = "candor_lang"
	personKey     = "console.person"
)

func (cs *Console) mac(parts ...string) string {
	m := hmac.New(sha256.New, cs.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sessionValue is "v1.<person id>.<session version>.<expiry unix>.<mac>".
func (cs *Console) sessionValue(personID string, version int, exp time.Time) string {
	payload := "v1." + personID + "." + strconv.Itoa(version) + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + cs.mac("session", payload)
}

// readSession returns the person id and version of a well-signed,
// unexpired cookie value.
func (cs *Console) readSession(v string, now time.Time) (string, int, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return "", 0, false
	}
	payload, sig := v[:i], v[i+1:]
	if !hmac.Equal([]byte(sig), []byte(cs.mac("session", payload))) {
		return "", 0, false
	}
	p := strings.Split(payload, ".")
	if len(p) != 4 || p[0] != "v1" {
		return "", 0, false
	}
	ver, err1 := strconv.Atoi(p[2])
	exp, err2 := strconv.ParseInt(p[3], 10, 64)
	if err1 != nil || err2 != nil || now.Unix() >= exp {
		return "", 0, false
	}
	return p[1], ver, true
}

func (cs *Console) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: cs.cfg.Secure || c.Request.TLS != nil})
}

// session returns the signed-in person, re-read from the store.
func (cs *Console) session(c *gin.Context) (candor.Person, bool) {
	if p, ok := c.Get(personKey); ok {
		return p.(candor.Person), true
	}
	v, err := c.Cookie(sessionCookie)
	if err != nil || v == "" {
		return candor.Person{}, false
	}
	id, ver, ok := cs.readSession(v, time.Now())
	if !ok {
		cs.setCookie(c, sessionCookie, "", -1)
		return candor.Person{}, false
	}
	p, err := cs.store.SessionPerson(c.Request.Context(), id, ver)
	if err != nil {
		if candor.ErrorCode(err) != candor.EUNAUTHORIZED {
			cs.cfg.Logger.ErrorContext(c.Request.Context(), "console session", "error", err.Error())
		}
		cs.setCookie(c, sessionCookie, "", -1)
		return candor.Person{}, false
	}
	c.Set(personKey, p)
	return p, true
}

// auth sends a visitor without a live session to the sign-in page, with
// the page they asked for to return to.
func (cs *Console) auth(c *gin.Context) {
	p, ok := cs.session(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/console/sign-in?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	c.Request = c.Request.WithContext(candor.NewContextWithActor(c.Request.Context(), candor.SessionActor(p)))
	c.Next()
}

// csrfToken returns the token this browser's forms carry, setting the
// nonce cookie when it has none.
func (cs *Console) csrfToken(c *gin.Context) string {
	nonce, err := c.Cookie(csrfCookie)
	if err != nil || len(nonce) < 20 {
		b := make([]byte, 24)
		rand.Read(b)
		nonce = base64.RawURLEncoding.EncodeToString(b)
		cs.setCookie(c, csrfCookie, nonce, 0)
		c.Request.AddCookie(&http.Cookie{Name: csrfCookie, Value: nonce}) // a second call in this request agrees
	}
	return cs.mac("csrf", nonce)
}

// checkCSRF refuses a form whose token does not match the nonce cookie.
func (cs *Console) checkCSRF(c *gin.Context) {
	nonce, err := c.Cookie(csrfCookie)
	tok := c.PostForm("csrf")
	if err != nil || nonce == "" || tok == "" || !hmac.Equal([]byte(tok), []byte(cs.mac("csrf", nonce))) {
		cs.renderError(c, http.StatusForbidden, "csrf")
		return
	}
	c.Next()
}

// localPath returns next if it is a path on this site under /console, else
// the incident list: a sign-in never sends anyone elsewhere.
func localPath(next string) string {
	if strings.HasPrefix(next, "/console/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/console/incidents"
}

package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// The queue dashboard (Asynq's asynqmon) is a browser application, so it
// cannot send a bearer token: the token is exchanged once, at POST
// /admin/login, for a short-lived cookie that names the token and is signed
// with the server's session key. The cookie is HttpOnly, SameSite=Strict,
// scoped to /admin and Secure on HTTPS. Each request re-reads the token, so
// revoking it ends its sessions at once. Admin tokens get the full
// dashboard; every other role gets the read-only one and any request but
// GET or HEAD is refused before it reaches asynqmon.

const (
	sessionCookie = "candor_admin"
	queuesRoot    = "/admin/queues"
	// loginBodyLimit is far more than a token form needs.
	loginBodyLimit = 8 << 10
)

// sessionValue is "v1.<token id>.<expiry unix>.<HMAC-SHA256 of the rest>".
func (s *Server) sessionValue(tokenID string, exp time.Time) string {
	payload := "v1." + tokenID + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.sessionMAC(payload))
}

func (s *Server) sessionMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.cfg.Ops.SessionKey)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// readSession returns the token id of a well-signed, unexpired cookie.
func (s *Server) readSession(v string, now time.Time) (string, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return "", false
	}
	payload, sig := v[:i], v[i+1:]
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, s.sessionMAC(payload)) {
		return "", false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || now.Unix() >= exp {
		return "", false
	}
	return parts[1], true
}

func (s *Server) setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/admin", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.cfg.Ops.SecureCookies || c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https",
	})
}

// adminHeaders keeps the dashboard out of frames (its buttons delete tasks)
// and out of caches.
func adminHeaders(c *gin.Context) {
	c.Header("X-Frame-Options", "DENY")
	c.Header("Content-Security-Policy", "frame-ancestors 'none'")
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// sameOrigin refuses a state-changing request whose Origin names another
// site (SameSite=Strict already keeps the cookie off such requests; this
// covers old browsers and the login form itself). An opaque origin
// ("null": a sandboxed frame, a data: URL) is another site. The host the
// browser used is the request's own, or X-Forwarded-Host when the peer is
// a trusted proxy (Config.TrustedProxies): anyone else could send that
// header to match an Origin of their choosing.
func (s *Server) sameOrigin(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		writeError(c, candor.Errorf(candor.EFORBIDDEN, "cross-origin request refused"))
		return
	}
	if o := c.GetHeader("Origin"); o != "" {
		host := c.Request.Host
		if fh := c.GetHeader("X-Forwarded-Host"); fh != "" && s.fromTrustedProxy(c) {
			host, _, _ = strings.Cut(fh, ",")
			host = strings.TrimSpace(host)
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Host != host {
			writeError(c, candor.Errorf(candor.EFORBIDDEN, "cross-origin request refused"))
			return
		}
	}
	c.Next()
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Candor · queue dashboard</title></head>
<body><h1>Candor queue dashboard</h1>
{{with .Message}}<p role="alert"><strong>{{.}}</strong></p>{{end}}
<form method="post" action="/admin/login">
<label>API token <input type="password" name="token" autocomplete="off" required autofocus></label>
<button type="submit">Sign in</button>
</form>
<p>Admin tokens may change queues; other roles see them read-only. A session lasts {{.TTL}}.</p>
</body></html>
`))

type loginData struct{ Message, TTL string }

func (s *Server) renderLogin(c *gin.Context, status int, msg string) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(status)
	loginPage.Execute(c.Writer, loginData{Message: msg, TTL: s.cfg.Ops.SessionTTL.String()})
	c.Abort()
}

// unauthorized answers 401: the login form for a browser, a problem
// document for anything else.
func (s *Server) unauthorized(c *gin.Context, msg string) {
	if strings.Contains(c.GetHeader("Accept"), "text/html") {
		s.renderLogin(c, http.StatusUnauthorized, msg)
		return
	}
	c.Header("WWW-Authenticate", `Bearer realm="candor"`)
	writeError(c, candor.Errorf(candor.EUNAUTHORIZED, "%s", msg))
}

func (s *Server) adminLoginForm(c *gin.Context) { s.renderLogin(c, http.StatusOK, "") }

// adminLogin exchanges a token (form field "token", or a bearer header) for
// the session cookie, and sends the browser on to the dashboard.
func (s *Server) adminLogin(c *gin.Context) {
	secret, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		// Read the form here to answer a body past loginBodyLimit (413) or
		// cut short (400), which PostForm would hide as an empty token.
		if err := c.Request.ParseForm(); err != nil {
			writeError(c, err)
			return
		}
		secret = c.PostForm("token")
	}
	if strings.TrimSpace(secret) == "" {
		s.unauthorized(c, "enter an API token")
		return
	}
	tok, err := s.store.Authenticate(c.Request.Context(), secret)
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAUTHORIZED {
			s.unauthorized(c, "the token is unknown or revoked")
			return
		}
		writeError(c, err)
		return
	}
	c.Set(actorKey, candor.Actor{TokenID: tok.ID, Name: tok.Name, Role: tok.Role})
	exp := time.Now().Add(s.cfg.Ops.SessionTTL)
	s.setSessionCookie(c, s.sessionValue(tok.ID, exp), int(s.cfg.Ops.SessionTTL.Seconds()))
	s.cfg.Logger.InfoContext(c.Request.Context(), "dashboard login", "token_id", tok.ID, "role", string(tok.Role),
		"request_id", c.GetString(requestIDKey))
	c.Redirect(http.StatusSeeOther, queuesRoot+"/")
}

func (s *Server) adminLogout(c *gin.Context) {
	s.setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/admin/login")
}

// adminAuth resolves a bearer token or the session cookie to an actor, and
// holds every role but admin to reading.
func (s *Server) adminAuth(c *gin.Context) {
	var tok candor.Token
	var err error
	if secret, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok {
		tok, err = s.store.Authenticate(c.Request.Context(), secret)
	} else if ck, cerr := c.Cookie(sessionCookie); cerr == nil && ck != "" {
		id, ok := s.readSession(ck, time.Now())
		if !ok {
			s.setSessionCookie(c, "", -1)
			s.unauthorized(c, "the session has expired or is not valid; sign in again")
			return
		}
		tok, err = s.store.ActiveToken(c.Request.Context(), id)
	} else {
		s.unauthorized(c, "sign in with an API token")
		return
	}
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAUTHORIZED {
			s.setSessionCookie(c, "", -1)
			s.unauthorized(c, "the token is unknown or revoked")
			return
		}
		writeError(c, err)
		return
	}
	a := candor.Actor{TokenID: tok.ID, Name: tok.Name, Role: tok.Role}
	c.Set(actorKey, a)
	c.Request = c.Request.WithContext(candor.NewContextWithActor(c.Request.Context(), a))
	if a.Role != candor.RoleAdmin && c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		writeError(c, candor.Errorf(candor.EFORBIDDEN, "the queue dashboard is read-only for the %s role", a.Role))
		return
	}
	c.Next()
}

// queues hands the request to asynqmon: the full dashboard for admins, the
// read-only one (which also hides its buttons) for everyone else.
func (s *Server) queues(c *gin.Context) {
	h := s.cfg.Ops.QueuesReadOnly
	if actor(c).Role == candor.RoleAdmin {
		h = s.cfg.Ops.Queues
	} else if serverDetails(c.Request.URL.Path) {
		writeError(c, candor.Errorf(candor.EFORBIDDEN, "the Redis server and worker details are for admins"))
		return
	}
	if h == nil {
		writeProblem(c, http.StatusNotFound, candor.ENOTFOUND, "the queue dashboard is not enabled", nil)
		return
	}
	// asynqmon never needs Candor's credentials.
	c.Request.Header.Del("Authorization")
	h.ServeHTTP(c.Writer, c.Request)
}

// serverDetails reports whether a dashboard path shows the servers behind
// Candor: Redis's INFO (version, memory, clients, configuration) and the
// workers (hosts, process ids). The read-only dashboard shows queues and
// tasks, not how the machines are built.
func serverDetails(path string) bool {
	p := strings.TrimSuffix(strings.TrimPrefix(path, queuesRoot), "/")
	return p == "/api/redis_info" || p == "/api/servers" || p == "/redis" || p == "/servers"
}

package console_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
	"github.com/pquerna/otp/totp"
)

// pplPerson makes a person with a password (set through a link, as the
// person would) and returns their id.
func pplPerson(t *testing.T, e *env, email, name string, role candor.Role) string {
	t.Helper()
	p, err := e.db.CreatePerson(testenv.Actor(candor.RoleAdmin), candor.Person{Email: email, Name: name, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.db.CreatePasswordLink(testenv.Actor(candor.RoleAdmin), p.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(testenv.Actor(candor.RoleAdmin), secret, password); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// pplSignedIn signs email in and returns the browser.
func pplSignedIn(t *testing.T, e *env, email, acceptLang string) *browser {
	t.Helper()
	b := e.browser(t, acceptLang)
	if res := b.signIn(email, password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, res.StatusCode)
	}
	return b
}

func pplPersonID(t *testing.T, e *env, email string) string {
	t.Helper()
	accts, err := e.db.ListAccounts(testenv.Actor(candor.RoleAdmin))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if strings.EqualFold(a.Email, email) {
			return a.ID
		}
	}
	t.Fatalf("no person %s", email)
	return ""
}

func pplAudited(t *testing.T, e *env, action, resourceID string) {
	t.Helper()
	page, err := e.db.ListAudit(testenv.Actor(candor.RoleAdmin), candor.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Items {
		if a.ResourceID == resourceID {
			return
		}
	}
	t.Errorf("no %s audit entry for %s", action, resourceID)
}

var linkRe = regexp.MustCompile(`id="link">([^<]+)<`)
var secretRe = regexp.MustCompile(`id="secret">([^<]+)<`)

func TestPeoplePage(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			pplPerson(t, e, "ada@example.com", "Ada Admin", candor.RoleAdmin)
			pplPerson(t, e, "cole@example.com", "Cole Comms", candor.RoleComms)
			t.Run("roles", func(t *testing.T) { peopleRoles(t, e) })
			t.Run("create a person", func(t *testing.T) { peopleCreate(t, e) })
			t.Run("role, disable, sessions", func(t *testing.T) { peopleChange(t, e) })
			t.Run("tokens", func(t *testing.T) { peopleTokens(t, e) })
			t.Run("Japanese", func(t *testing.T) {
				b := pplSignedIn(t, e, "ada@example.com", "ja")
				page(t, b, "/console/admin/people", `<html lang="ja">`, "利用者とトークン", "最終ログイン", "利用者の追加", "Rita Legal")
				page(t, b, "/console/account", "2段階ログイン（TOTP）", "カレンダー購読")
			})
		})
	}
}

func peopleRoles(t *testing.T, e *env) {
	for _, email := range []string{"cole@example.com", e.email} {
		b := pplSignedIn(t, e, email, "")
		if res, body := b.get("/console/admin/people"); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Your role may not open this page.") {
			t.Errorf("%s on the admin page: %d", email, res.StatusCode)
		}
		if res, _ := b.post("/console/admin/people", url.Values{"csrf": {b.csrf("/console/account")}, "name": {"X"},
			"email": {"x@example.com"}, "role": {"admin"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s creates a person: %d", email, res.StatusCode)
		}
		body := page(t, b, "/console/incidents", "My account", "API reference")
		if strings.Contains(body, "/admin/queues") || strings.Contains(body, "/console/admin/people") {
			t.Errorf("%s sees the admin links", email)
		}
	}
	b := pplSignedIn(t, e, "ada@example.com", "en")
	page(t, b, "/console/incidents", `href="/admin/queues/"`, `href="/metrics"`, `href="/console/admin/people"`)
	page(t, b, "/console/admin/people", "People and tokens", "Rita Legal", "Rita@example.com", "legal", "Cole Comms",
		"Ada Admin (you)", "Last sign-in")
	if res, _ := b.get("/console/admin/people"); res.Header.Get("Content-Security-Policy") == "" {
		t.Error("no CSP")
	}
}

func peopleCreate(t *testing.T, e *env) {
	b := pplSignedIn(t, e, "ada@example.com", "en")
	const p = "/console/admin/people"
	// Bad input: the messages beside the fields, what was typed kept.
	res, body := b.form(p, p, url.Values{"name": {""}, "email": {"not an address"}, "role": {"legal"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="name-err"`) ||
		!strings.Contains(body, `id="email-err"`) || !strings.Contains(body, `value="not an address"`) {
		t.Fatalf("bad person: %d\n%s", res.StatusCode, body)
	}
	res, body = b.form(p, p, url.Values{"name": {"Rita Two"}, "email": {"RITA@example.com"}, "role": {"legal"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is another person&#39;s e-mail") {
		t.Fatalf("taken e-mail: %d\n%s", res.StatusCode, body)
	}
	res, body = b.form(p, p, url.Values{"name": {"Lee Legal"}, "email": {"lee@example.com"}, "role": {"wizard"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="role-err"`) {
		t.Fatalf("bad role: %d", res.StatusCode)
	}
	if accts, _ := e.db.ListAccounts(testenv.Actor(candor.RoleAdmin)); len(accts) != 3 {
		t.Fatalf("a refused person was stored: %d people", len(accts))
	}
	res, body = b.form(p, p, url.Values{"name": {"Lee Legal"}, "email": {"lee@example.com"}, "role": {"legal"}})
	m := linkRe.FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("create: %d\n%s", res.StatusCode, body)
	}
	link, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if link.Path != "/console/set-password" {
		t.Fatalf("link %s", m[1])
	}
	lee := e.browser(t, "")
	tok := link.Query().Get("token")
	if res, _ := lee.form(link.RequestURI(), "/console/set-password", url.Values{"token": {tok}, "password": {password},
		"confirm": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Lee sets a password: %d", res.StatusCode)
	}
	pplSignedIn(t, e, "lee@example.com", "")
	id := pplPersonID(t, e, "lee@example.com")
	pplAudited(t, e, "person.create", id)
	pplAudited(t, e, "person.invite", id)
	page(t, b, p, "Lee Legal", "lee@example.com")
}

func peopleChange(t *testing.T, e *env) {
	b := pplSignedIn(t, e, "ada@example.com", "en")
	const p = "/console/admin/people"
	ada, rita := pplPersonID(t, e, "ada@example.com"), pplPersonID(t, e, e.email)
	// The last admin: neither demoted nor disabled, and nobody disables themself.
	res, body := b.form(p, p+"/"+ada+"/role", url.Values{"role": {"legal"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "This is the last active admin") {
		t.Fatalf("demote the last admin: %d\n%s", res.StatusCode, body)
	}
	res, body = b.form(p, p+"/"+ada+"/disable", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "You cannot disable yourself") {
		t.Fatalf("disable self: %d", res.StatusCode)
	}
	if res, _ := b.form(p, p+"/"+rita+"/role", url.Values{"role": {"wizard"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad role: %d", res.StatusCode)
	}
	// Rita becomes comms; her legal token becomes a comms one.
	if _, _, err := e.db.CreateTokenFor(testenv.Actor(candor.RoleAdmin), rita, "rita-ci", candor.RoleLegal); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.form(p, p+"/"+rita+"/role", url.Values{"role": {"comms"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: %d", res.StatusCode)
	}
	page(t, b, p+"?done=role", "The role was changed.")
	pplAudited(t, e, "person.role", rita)
	toks, _ := e.db.ListTokens(testenv.Actor(candor.RoleAdmin))
	for _, tk := range toks {
		if tk.PersonID == rita && tk.Role != candor.RoleComms {
			t.Errorf("Rita's token %s kept role %s", tk.Name, tk.Role)
		}
	}
	// Disabling ends her session at once; enabling does not bring it back.
	rb := pplSignedIn(t, e, e.email, "")
	if res, _ := b.form(p, p+"/"+rita+"/disable", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res, _ := rb.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled Rita's session: %d", res.StatusCode)
	}
	page(t, b, p, "disabled")
	pplAudited(t, e, "person.disable", rita)
	if res, _ := b.form(p, p+"/"+rita+"/enable", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", res.StatusCode)
	}
	if res, _ := rb.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an old session came back on enable: %d", res.StatusCode)
	}
	rb = pplSignedIn(t, e, e.email, "")
	if res, _ := b.form(p, p+"/"+rita+"/end-sessions", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", res.StatusCode)
	}
	if res, _ := rb.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("ended session: %d", res.StatusCode)
	}
	// A second admin: now the first may be demoted, then restored.
	if res, _ := b.form(p, p+"/"+rita+"/role", url.Values{"role": {"admin"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("promote: %d", res.StatusCode)
	}
	if _, err := e.db.SetPersonRole(testenv.Actor(candor.RoleAdmin), rita, candor.RoleLegal); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.post(p+"/"+rita+"/disable", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no csrf: %d", res.StatusCode)
	}
}

func peopleTokens(t *testing.T, e *env) {
	b := pplSignedIn(t, e, "ada@example.com", "en")
	const p = "/console/admin/people"
	cole := pplPersonID(t, e, "cole@example.com")
	res, body := b.form(p, p+"/"+cole+"/tokens", url.Values{"name": {"cole laptop"}, "role": {"legal"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "above the person&#39;s role") || !strings.Contains(body, `value="cole laptop"`) {
		t.Fatalf("token above the person's role: %d\n%s", res.StatusCode, body)
	}
	res, body = b.form(p, p+"/"+cole+"/tokens", url.Values{"name": {"cole laptop"}, "role": {"comms"}})
	m := secretRe.FindStringSubmatch(body)
	if res.StatusCode != http.StatusCreated || m == nil {
		t.Fatalf("token: %d\n%s", res.StatusCode, body)
	}
	apiGet := func() int {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/incidents", nil)
		req.Header.Set("Authorization", "Bearer "+m[1])
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if s := apiGet(); s != 200 {
		t.Fatalf("the new token: %d", s)
	}
	if strings.Contains(page(t, b, p), m[1]) {
		t.Error("the secret is shown twice")
	}
	var id string
	toks, _ := e.db.ListTokens(testenv.Actor(candor.RoleAdmin))
	for _, tk := range toks {
		if tk.Name == "cole laptop" {
			id = tk.ID
		}
	}
	pplAudited(t, e, "token.create", id)
	if res, _ := b.form(p, "/console/admin/tokens/"+id+"/revoke", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if s := apiGet(); s != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", s)
	}
	if res, body := b.form(p, "/console/admin/tokens/"+id+"/revoke", url.Values{}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "already revoked") {
		t.Errorf("revoke twice: %d", res.StatusCode)
	}
	pplAudited(t, e, "token.revoke", id)
}

// TestTOTP: enrolment with a QR code and a confirming code, the second
// sign-in step, a code used twice, and an admin's reset.
func TestTOTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			pplPerson(t, e, "ada@example.com", "Ada Admin", candor.RoleAdmin)
			secret := totpEnrol(t, e, pplSignedIn(t, e, e.email, "en"))
			totpSignIn(t, e, secret)
			// The admin resets it: the password alone signs in again.
			ab := pplSignedIn(t, e, "ada@example.com", "en")
			rita := pplPersonID(t, e, e.email)
			page(t, ab, "/console/admin/people", "Reset TOTP")
			if res, _ := ab.form("/console/admin/people", "/console/admin/people/"+rita+"/reset-totp", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reset: %d", res.StatusCode)
			}
			pplAudited(t, e, "person.totp_reset", rita)
			if res := e.browser(t, "").signIn(e.email, password); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/incidents/") {
				t.Fatalf("after reset: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
}

var totpSecretRe = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)

func totpEnrol(t *testing.T, e *env, b *browser) string {
	t.Helper()
	page(t, b, "/console/account", "Two-step sign-in (TOTP)", "Off: signing in asks for your password only.")
	if res, _ := b.get("/console/account/totp.png"); res.StatusCode != http.StatusNotFound {
		t.Errorf("QR without an enrolment: %d", res.StatusCode)
	}
	if res, _ := b.form("/console/account", "/console/account/totp", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("begin: %d", res.StatusCode)
	}
	body := page(t, b, "/console/account", `src="/console/account/totp.png"`, "otpauth://totp/Candor:Rita@example.com")
	m := totpSecretRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no secret:\n%s", body)
	}
	res, img := b.get("/console/account/totp.png")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if _, err := png.Decode(bytes.NewReader([]byte(img))); err != nil {
		t.Fatalf("QR is no PNG: %v", err)
	}
	// Still off until confirmed: the password alone signs in.
	if res := e.browser(t, "").signIn(e.email, password); !strings.HasPrefix(res.Header.Get("Location"), "/console/incidents/") {
		t.Fatalf("pending enrolment asked for a code: %s", res.Header.Get("Location"))
	}
	res, body = b.form("/console/account", "/console/account/totp/confirm", url.Values{"code": {"000000"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="code-err"`) {
		t.Fatalf("wrong code: %d", res.StatusCode)
	}
	code, _ := totp.GenerateCode(m[1], time.Now())
	if res, _ := b.form("/console/account", "/console/account/totp/confirm", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	page(t, b, "/console/account?done=totp", "Two-step sign-in is on.", "On: signing in asks for a code")
	pplAudited(t, e, "person.totp_enable", pplPersonID(t, e, e.email))
	var enc *string
	e.db.Gorm().Raw("SELECT totp_enc FROM people WHERE id = ?", pplPersonID(t, e, e.email)).Scan(&enc)
	if enc == nil || strings.Contains(*enc, m[1]) {
		t.Errorf("stored TOTP secret %v is not sealed", enc)
	}
	return m[1]
}

func totpSignIn(t *testing.T, e *env, secret string) {
	b := e.browser(t, "")
	res := b.signIn(e.email, password)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/sign-in/code?next=") {
		t.Fatalf("password step: %d %q", res.StatusCode, loc)
	}
	next := res.Header.Get("Location")
	if res, _ := b.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Fatal("signed in before the code")
	}
	page(t, b, next, "Sign-in code", `autocomplete="one-time-code"`)
	form := func(code string) *http.Response {
		r, _ := b.form(next, "/console/sign-in/code", url.Values{"code": {code}, "next": {"/console/incidents/" + e.incident.ID}})
		return r
	}
	if r := form("123456"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", r.StatusCode)
	}
	// The confirming code's step is spent: the next step's code signs in.
	code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if r := form(code); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/console/incidents/"+e.incident.ID {
		t.Fatalf("good code: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	page(t, b, "/console/incidents")
	// The same code again, in another browser: refused.
	b2 := e.browser(t, "")
	b2.signIn(e.email, password)
	if r, _ := b2.form(next, "/console/sign-in/code", url.Values{"code": {code}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a code used twice: %d", r.StatusCode)
	}
	// Without the password step, the code form goes back to sign-in.
	if r, _ := e.browser(t, "").get("/console/sign-in/code"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("code form without a password: %d", r.StatusCode)
	}
	acct, _ := e.db.GetAccount(testenv.Actor(candor.RoleAdmin), pplPersonID(t, e, e.email))
	if acct.LastSignInAt == nil {
		t.Error("no last sign-in")
	}
}

// TestCodeRateLimited: wrong codes spend the same bucket as wrong passwords.
func TestCodeRateLimited(t *testing.T) {
	e := setup(t, testenv.Open(t, testenv.SQLite(t)), api.RateLimits{AuthFail: 3}, true)
	rita := pplPersonID(t, e, e.email)
	if _, err := e.db.BeginTOTP(testenv.Actor(candor.RoleAdmin), rita, "Candor"); err != nil {
		t.Fatal(err)
	}
	u, _ := e.db.PendingTOTP(testenv.Actor(candor.RoleAdmin), rita)
	secret, _ := url.Parse(u)
	code, _ := totp.GenerateCode(secret.Query().Get("secret"), time.Now())
	if err := e.db.ConfirmTOTP(testenv.Actor(candor.RoleAdmin), rita, code); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t, "")
	next := b.signIn(e.email, password).Header.Get("Location")
	for i := range 3 {
		if r, _ := b.form(next, "/console/sign-in/code", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, r.StatusCode)
		}
	}
	good, _ := totp.GenerateCode(secret.Query().Get("secret"), time.Now().Add(30*time.Second))
	r, body := b.form(next, "/console/sign-in/code", url.Values{"code": {good}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed sign-ins") {
		t.Fatalf("after 3 wrong codes: %d", r.StatusCode)
	}
	_ = store.ErrLastAdmin
}

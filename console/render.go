package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

func (cs *Console) parse() {
	cs.css, _ = files.ReadFile("static/console.css")
	sum := sha256.Sum256(cs.css)
	cs.cssHash = hex.EncodeToString(sum[:8])
	cs.pages = map[string]*template.Template{}
	funcs := template.FuncMap{"t": func(l, key string, args ...any) string { return tr(l, key, args...) },
		"dict": dict}
	// Every templates/*.html but the layout (and partials, _*.html) is a
	// page built on layout.html, named for its file; the partials are
	// available to every page.
	names, _ := fs.Glob(files, "templates/*.html")
	for _, f := range names {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", f))
		if partials, _ := fs.Glob(files, "templates/_*.html"); len(partials) > 0 {
			template.Must(t.ParseFS(files, "templates/_*.html"))
		}
		cs.pages[name] = t
	}
}

// view is what every page sees: its own data in Data.
type view struct {
	Lang      string
	Title     string
	CSRF      string
	Person    *candor.Person
	Languages []langLink
	CSSHash   string
	Data      any
}

func (cs *Console) render(c *gin.Context, status int, page, title string, data any) {
	l := lang(c)
	v := view{Lang: l, Title: title, CSRF: cs.csrfToken(c), Languages: langLinks(c, l), CSSHash: cs.cssHash, Data: data}
	if p, ok := c.Get(personKey); ok {
		pp := p.(candor.Person)
		v.Person = &pp
	}
	var buf bytes.Buffer
	if err := cs.pages[page].Execute(&buf, v); err != nil {
		cs.cfg.Logger.ErrorContext(c.Request.Context(), "console render", "page", page, "error", err.Error())
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// renderError shows a message page; key names the message.
func (cs *Console) renderError(c *gin.Context, status int, key string) {
	l := lang(c)
	cs.render(c, status, "message", tr(l, key), tr(l, key))
}

// fail answers an error from the store: 404 for ENOTFOUND, else 500
// (logged once, here).
func (cs *Console) fail(c *gin.Context, err error) {
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		cs.renderError(c, http.StatusNotFound, "not_found")
		return
	}
	cs.cfg.Logger.ErrorContext(c.Request.Context(), "console", "path", c.FullPath(), "error", err.Error())
	cs.renderError(c, http.StatusInternalServerError, "error")
}

// dict makes a map of its key, value arguments, for a partial that takes
// several values: {{template "_field" (dict "Name" "title" "Value" .Title)}}.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

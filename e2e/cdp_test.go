package e2e

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// page is one tab of headless Chromium driven through the DevTools
// protocol, over a WebSocket: just the few calls the console test needs
// (navigate, type, click, read, screenshot).
type page struct {
	t  *testing.T
	ws *websocket.Conn
	id int
}

// openPage starts Chromium with a debugging port and attaches to its tab.
func openPage(t *testing.T, bin string) *page {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-proxy-server", "--hide-scrollbars",
		"--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir="+dir, "about:blank")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	var port string
	for deadline := time.Now().Add(30 * time.Second); port == ""; {
		if f, err := os.Open(filepath.Join(dir, "DevToolsActivePort")); err == nil {
			sc := bufio.NewScanner(f)
			if sc.Scan() {
				port = strings.TrimSpace(sc.Text())
			}
			f.Close()
		}
		if time.Now().After(deadline) {
			t.Fatal("chromium did not open its debugging port")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var targets []struct{ Type, WebSocketDebuggerURL string }
	for deadline := time.Now().Add(10 * time.Second); ; {
		if res, err := http.Get("http://127.0.0.1:" + port + "/json/list"); err == nil {
			json.NewDecoder(res.Body).Decode(&targets)
			res.Body.Close()
		}
		if len(targets) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, tg := range targets {
		if tg.Type == "page" {
			ws, err := websocket.Dial(tg.WebSocketDebuggerURL, "", "http://127.0.0.1/")
			if err != nil {
				t.Fatalf("devtools: %v", err)
			}
			ws.MaxPayloadBytes = 64 << 20
			t.Cleanup(func() { ws.Close() })
			return &page{t: t, ws: ws}
		}
	}
	t.Fatalf("chromium has no page: %+v", targets)
	return nil
}

// call sends one command and returns its result, skipping events.
func (p *page) call(method string, params map[string]any) json.RawMessage {
	p.t.Helper()
	p.id++
	if err := websocket.JSON.Send(p.ws, map[string]any{"id": p.id, "method": method, "params": params}); err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
	p.ws.SetReadDeadline(time.Now().Add(60 * time.Second))
	for {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := websocket.JSON.Receive(p.ws, &msg); err != nil {
			p.t.Fatalf("%s: %v", method, err)
		}
		if msg.ID != p.id {
			continue
		}
		if msg.Error != nil {
			p.t.Fatalf("%s: %s", method, msg.Error.Message)
		}
		return msg.Result
	}
}

// eval returns the value of a JavaScript expression in the page (the test
// drives the page; the console itself has no scripts).
func (p *page) eval(expr string) any {
	p.t.Helper()
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
	}
	json.Unmarshal(p.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}), &r)
	return r.Result.Value
}

// waitFor waits until the page has loaded a URL containing part.
func (p *page) waitFor(part string) {
	p.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		href, _ := p.eval(`document.readyState === "complete" ? location.href : ""`).(string)
		if strings.Contains(href, part) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("page never reached %q (at %q)", part, href)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// navigate opens url and waits for the page it ends at (after redirects),
// whose URL contains next.
func (p *page) navigate(url, next string) {
	p.t.Helper()
	p.call("Page.navigate", map[string]any{"url": url})
	time.Sleep(100 * time.Millisecond)
	p.waitFor(next)
}

// typeInto focuses the field and types text into it as a keyboard would.
func (p *page) typeInto(selector, text string) {
	p.t.Helper()
	if ok, _ := p.eval(fmt.Sprintf(`(e => e ? (e.focus(), true) : false)(document.querySelector(%q))`, selector)).(bool); !ok {
		p.t.Fatalf("no %s on the page", selector)
	}
	p.call("Input.insertText", map[string]any{"text": text})
}

// click clicks the element and waits for the page it leads to.
func (p *page) click(selector, next string) {
	p.t.Helper()
	if ok, _ := p.eval(fmt.Sprintf(`(e => e ? (e.click(), true) : false)(document.querySelector(%q))`, selector)).(bool); !ok {
		p.t.Fatalf("no %s on the page", selector)
	}
	time.Sleep(100 * time.Millisecond)
	p.waitFor(next)
}

func (p *page) text() string {
	s, _ := p.eval(`document.documentElement.outerHTML`).(string)
	return s
}

// screenshot saves the whole page laid out at width to path.
func (p *page) screenshot(width int, path string) {
	p.t.Helper()
	p.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600})
	h, _ := p.eval(`document.documentElement.scrollHeight`).(float64)
	p.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": int(h), "deviceScaleFactor": 1, "mobile": width < 600})
	var r struct{ Data string }
	json.Unmarshal(p.call("Page.captureScreenshot", map[string]any{"format": "png"}), &r)
	b, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || len(b) == 0 {
		p.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

package e2e

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// axe-core, vendored for the tests only (testdata/axe-core: version and
// licence beside it); the console never serves it.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// accessible runs axe-core on the page as it stands (WCAG 2.x A and AA
// rules and axe's best practices) and fails the test on every serious or
// critical violation, naming the rule and the elements. It returns the
// number of rules that passed, so a caller can see axe really ran.
//
// The script goes in through the DevTools protocol, which the page's CSP
// (no scripts at all on most console pages) does not govern.
func (p *page) accessible(name string) int {
	p.t.Helper()
	if ok, _ := p.eval(`typeof axe === "object"`).(bool); !ok {
		p.eval(axeSource)
	}
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	raw := p.call("Runtime.evaluate", map[string]any{
		"expression": `axe.run(document, {resultTypes: ["violations"], runOnly: {type: "tag",
			values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
			.then(r => JSON.stringify({violations: r.violations, passes: r.passes.length}))`,
		"awaitPromise": true, "returnByValue": true, "timeout": 60000,
	})
	if err := json.Unmarshal(raw, &r); err != nil || r.ExceptionDetails != nil || r.Result.Value == "" {
		p.t.Fatalf("axe on %s did not run: %v %s", name, err, raw)
	}
	var res struct {
		Violations []axeViolation `json:"violations"`
		Passes     int            `json:"passes"`
	}
	if err := json.Unmarshal([]byte(r.Result.Value), &res); err != nil {
		p.t.Fatalf("axe on %s: %v", name, err)
	}
	for _, v := range res.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			p.t.Logf("axe on %s: %s (%s): %s", name, v.ID, v.Impact, v.Help)
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		p.t.Errorf("axe on %s: %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
	if res.Passes == 0 {
		p.t.Fatalf("axe on %s passed no rule at all: it did not see the page", name)
	}
	return res.Passes
}

// key presses one key as a keyboard would ("Tab", "Enter", " "), with
// shift when shift is set.
func (p *page) key(k string, shift bool) {
	p.t.Helper()
	codes := map[string]struct {
		code string
		vk   int
		text string
	}{"Tab": {"Tab", 9, ""}, "Enter": {"Enter", 13, "\r"}, " ": {"Space", 32, " "}}
	c, ok := codes[k]
	if !ok {
		p.t.Fatalf("key %q is not one the tests know", k)
	}
	mod := 0
	if shift {
		mod = 8
	}
	down := map[string]any{"type": "keyDown", "key": k, "code": c.code, "windowsVirtualKeyCode": c.vk, "modifiers": mod}
	if c.text != "" {
		down["text"] = c.text
	}
	p.call("Input.dispatchKeyEvent", down)
	p.call("Input.dispatchKeyEvent", map[string]any{"type": "keyUp", "key": k, "code": c.code, "windowsVirtualKeyCode": c.vk, "modifiers": mod})
	time.Sleep(20 * time.Millisecond)
}

// tabTo presses Tab until the focused element matches selector (at most
// limit presses), as a keyboard user reaches a control; it fails the test
// when the control cannot be reached, and returns the number of presses.
func (p *page) tabTo(selector string, limit int) int {
	p.t.Helper()
	for i := 1; i <= limit; i++ {
		p.key("Tab", false)
		if ok, _ := p.eval(fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, selector)).(bool); ok {
			return i
		}
	}
	active, _ := p.eval(`document.activeElement ? document.activeElement.outerHTML : "none"`).(string)
	p.t.Fatalf("%s cannot be reached with Tab in %d presses (focus on %s)", selector, limit, active)
	return 0
}

// typeKeys types text into the focused element.
func (p *page) typeKeys(text string) {
	p.t.Helper()
	p.call("Input.insertText", map[string]any{"text": text})
}

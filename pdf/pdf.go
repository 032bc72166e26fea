// Package pdf prints HTML to PDF with Debian's headless Chromium, driven
// through its DevTools protocol. Chromium shapes Thai and lays out Japanese
// with the system's fonts (fonts-noto-cjk, fonts-thai-tlwg), which the pure-Go
// PDF libraries cannot; see the README's "Dependencies".
//
// One Printer owns one browser process; each Print uses a tab of its own
// (kept open for later prints), so a Printer is safe for concurrent use. The page never reaches the network: the
// browser is started behind a proxy that does not exist, so an <img src> or
// stylesheet pointing anywhere fails instead of leaking the document's
// existence to a third party.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoChromium is returned by New when no Chromium binary can be found.
var ErrNoChromium = errors.New("pdf: chromium not found (install Debian's chromium or set CANDOR_CHROMIUM)")

// Options configure a Printer.
type Options struct {
	// Chromium is the browser binary. Empty: $CANDOR_CHROMIUM, else
	// "chromium" (then "chromium-browser") on PATH.
	Chromium string
	// Tabs bounds the prints running at once (each tab holds a rendered
	// document in memory). Zero means 4.
	Tabs int
}

// Page is a sheet of paper and its margin, in millimetres, and how the
// document is printed on it.
type Page struct {
	WidthMM, HeightMM, MarginMM float64
	// Untagged leaves out the tagged PDF's structure tree, which screen
	// readers use: for documents only ever printed on paper (letters),
	// where it costs print time and nearly doubles the file.
	Untagged bool
}

// The two paper sizes the reports and filing packs use.
var (
	A4     = Page{WidthMM: 210, HeightMM: 297, MarginMM: 15}
	Letter = Page{WidthMM: 215.9, HeightMM: 279.4, MarginMM: 19.05}
)

// Printer prints HTML documents to PDF. Close it to stop the browser.
type Printer struct {
	browser   context.Context // a chromedp context that has started the browser
	stop      context.CancelFunc
	stopAlloc context.CancelFunc
	tabs      chan struct{}
	idle      chan *tab // tabs kept open between prints, up to Tabs
	closeOnce sync.Once
}

// tab is a browser tab a Print uses. It is kept for the next Print: a new
// tab is a new renderer process that loads and parses the system's fonts
// again (the CJK ones are tens of megabytes), which a long run of prints
// (candor bench letters) pays on every part otherwise.
type tab struct {
	ctx   context.Context
	close context.CancelFunc
}

// take returns an idle tab or opens one.
func (p *Printer) take() *tab {
	select {
	case t := <-p.idle:
		return t
	default:
		ctx, cancel := chromedp.NewContext(p.browser)
		return &tab{ctx: ctx, close: cancel}
	}
}

// give keeps a tab that printed well for the next Print.
func (p *Printer) give(t *tab) {
	select {
	case p.idle <- t:
	default:
		t.close()
	}
}

// Find returns the Chromium binary that New would use for path.
func Find(path string) (string, error) {
	if path == "" {
		path = os.Getenv("CANDOR_CHROMIUM")
	}
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrNoChromium, path, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// New starts a headless Chromium. ctx bounds only the start; the browser
// lives until Close.
func New(ctx context.Context, opts Options) (*Printer, error) {
	bin, err := Find(opts.Chromium)
	if err != nil {
		return nil, err
	}
	tabs := opts.Tabs
	if tabs <= 0 {
		tabs = 4
	}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // candor may run as root in a container, where the sandbox cannot start
		chromedp.DisableGPU,
		// Software compositing in the browser process: no GPU process to
		// start and talk to (a few percent of a long run of prints).
		chromedp.Flag("in-process-gpu", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		// chromedp's own, and the omnibox's WebUI popup, a renderer process
		// the headless browser keeps that used about a tenth of the CPU of a
		// long run of prints (candor bench letters) for nothing.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		// Every request, loopback included, goes to a closed port: no fetches.
		chromedp.ProxyServer("socks5://127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	)
	actx, stopAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	bctx, stop := chromedp.NewContext(actx, quiet())
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }() // the first Run starts the browser
	select {
	case err = <-started:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		stop()
		stopAlloc()
		return nil, fmt.Errorf("pdf: start chromium %s: %w", bin, err)
	}
	return &Printer{browser: bctx, stop: stop, stopAlloc: stopAlloc, tabs: make(chan struct{}, tabs), idle: make(chan *tab, tabs)}, nil
}

// Print lays out the HTML document on pages of the given size and returns
// the PDF. The document should carry its own styles (no external resources
// load) and its lang attribute, which picks the fonts for CJK text.
func (p *Printer) Print(ctx context.Context, html []byte, pg Page) ([]byte, error) {
	if pg.WidthMM <= 0 || pg.HeightMM <= 0 || pg.MarginMM < 0 || 2*pg.MarginMM >= min(pg.WidthMM, pg.HeightMM) {
		return nil, fmt.Errorf("pdf: bad page %+v", pg)
	}
	select {
	case p.tabs <- struct{}{}:
		defer func() { <-p.tabs }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tb := p.take()
	// The tab's context descends from the browser's, not from ctx: stop the
	// tab when the caller gives up (and never use it again).
	printed := make(chan struct{})
	gaveUp := make(chan bool, 1)
	go func() {
		select {
		case <-ctx.Done():
			tb.close()
			gaveUp <- true
		case <-printed:
			gaveUp <- false
		case <-tb.ctx.Done():
			gaveUp <- true
		}
	}()
	tabCtx := tb.ctx
	const mmPerInch = 25.4
	margin := pg.MarginMM / mmPerInch
	out, err := chromedp.Run(tabCtx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{
			FrameID: tree.FrameTree.Frame.ID, HTML: string(html),
		}); err != nil {
			return nil, err
		}
		// Web fonts never load (no network), but system fonts are resolved
		// lazily: wait until layout has them.
		if _, err := chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)(ctx, t); err != nil {
			return nil, err
		}
		yes, tagged := true, !pg.Untagged
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
			PrintBackground: &yes,
			PaperWidth:      pg.WidthMM / mmPerInch,
			PaperHeight:     pg.HeightMM / mmPerInch,
			MarginTop:       &margin, MarginBottom: &margin, MarginLeft: &margin, MarginRight: &margin,
			GenerateTaggedPDF: &tagged,
		})
		if err != nil {
			return nil, err
		}
		// An idle tab holds nothing of the document it printed.
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: "<!DOCTYPE html>"})
		return res.Data, err
	})
	close(printed)
	if broken := <-gaveUp; err != nil || broken {
		tb.close() // a tab that failed may be in any state
	} else {
		p.give(tb)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("pdf: print: %w", err)
	}
	return out, nil
}

// quiet sends chromedp's own log lines (such as "received
// DOM.documentUpdated when there's no top-level frame", which replacing a
// document's content provokes) to slog at debug level.
func quiet() chromedp.ContextOption {
	return chromedp.WithErrorf(func(format string, args ...any) { slog.Debug(fmt.Sprintf(format, args...), "component", "pdf") })
}

// Close stops the browser. Prints still running fail.
func (p *Printer) Close() error {
	p.closeOnce.Do(func() {
		p.stop()
		p.stopAlloc()
	})
	return nil
}

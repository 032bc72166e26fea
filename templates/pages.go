package templates

import "embed"

// Pages holds the layouts of the public statement pages (html/template):
// layout.html (the frame every page shares), statement.html, index.html,
// notfound.html, and style.css, which the pages inline (there are no
// external stylesheets, fonts or scripts; the Content-Security-Policy
// allows this one style by its hash).
//
//go:embed pages
var Pages embed.FS

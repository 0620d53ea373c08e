// Package render parses OpenIOP's HTML templates once at start-up and
// renders pages and htmx fragments into a buffer, so a template error gives a
// clean 500 and never half a page.
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

// Engine holds one template set per page: the layout, every partial and the
// page itself.
type Engine struct {
	pages map[string]*template.Template
	pool  sync.Pool
}

// New parses layout/*.html and partials/*.html with each pages/*.html from
// fsys. funcs are available to every template.
func New(fsys fs.FS, funcs template.FuncMap) (*Engine, error) {
	shared, err := fs.Glob(fsys, "layout/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	shared = append(shared, partials...)
	pages, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	e := &Engine{pages: map[string]*template.Template{}}
	e.pool.New = func() any { return new(bytes.Buffer) }
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(append([]string{}, shared...), p)...)
		if err != nil {
			return nil, fmt.Errorf("parsing page %s: %w", name, err)
		}
		e.pages[name] = t
	}
	return e, nil
}

// Has reports whether a page exists.
func (e *Engine) Has(page string) bool { _, ok := e.pages[page]; return ok }

// Page renders the whole page (the "layout" template of its set).
func (e *Engine) Page(w http.ResponseWriter, status int, page string, data any) error {
	return e.execute(w, status, page, "layout", data)
}

// Fragment renders one named block of a page, for htmx requests that swap
// part of the page.
func (e *Engine) Fragment(w http.ResponseWriter, status int, page, block string, data any) error {
	return e.execute(w, status, page, block, data)
}

func (e *Engine) execute(w http.ResponseWriter, status int, page, name string, data any) error {
	t, ok := e.pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	buf := e.pool.Get().(*bytes.Buffer)
	buf.Reset()
	defer e.pool.Put(buf)
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

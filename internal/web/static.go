package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"sort"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS, scripts and vendored libraries under
// a URL that contains a hash of their content, so browsers may cache them
// for a year and still get a new version the moment one ships.
type staticFiles struct {
	version string
	files   http.Handler
}

func newStatic() (*staticFiles, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	var names []string
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			return nil, err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return &staticFiles{version: hex.EncodeToString(h.Sum(nil))[:12], files: http.FileServerFS(sub)}, nil
}

func (sf *staticFiles) url(name string) string { return "/static/" + sf.version + "/" + name }

// serveStatic serves GET /static/{version}/{path...}. An old version still
// gets the current file, but without the long cache lifetime.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	if strings.HasSuffix(name, "/") || name == "" || strings.HasSuffix(name, ".md") {
		return s.notFound(w, r)
	}
	if r.PathValue("version") == s.static.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + name
	s.static.files.ServeHTTP(w, r2)
	return nil
}

// Package idp is an OpenID Connect identity provider for tests, served in
// process with httptest: discovery and keys from go-oidc's oidctest, and an
// authorization endpoint that signs in whoever the test says, a token
// endpoint that checks the code, client and PKCE verifier as a real
// provider would, and ID tokens signed with a fresh RSA key.
package idp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// Provider is a running test identity provider.
type Provider struct {
	URL                    string
	ClientID, ClientSecret string

	mu sync.Mutex
	// User is who the next sign-in at the provider is: the ID token's claims
	// besides iss, aud, exp, iat and nonce.
	User map[string]any
	// Tamper, when set, changes the claims of the next ID token just before
	// it is signed (a wrong nonce or audience, an expired token).
	Tamper func(claims map[string]any)
	codes  map[string]grant
	key    *rsa.PrivateKey
}

type grant struct {
	redirect, challenge, nonce string
	claims                     map[string]any
}

// Start serves a provider for the test's lifetime.
func Start(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "openiop", ClientSecret: "test-secret", codes: map[string]grant{}, key: key}
	discovery := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	mux := http.NewServeMux()
	mux.Handle("/.well-known/openid-configuration", discovery)
	mux.Handle("/keys", discovery)
	mux.HandleFunc("/auth", p.authorize)
	mux.HandleFunc("/token", p.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	discovery.SetIssuer(srv.URL)
	p.URL = srv.URL
	return p
}

// SignInAs sets who the next sign-in at the provider is.
func (p *Provider) SignInAs(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.User, p.Tamper = claims, nil
}

// SetTamper changes the next ID tokens' claims.
func (p *Provider) SetTamper(f func(map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Tamper = f
}

// authorize signs the configured person in at once and sends the browser
// back with a one-time code, as a provider does after its own login page.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := base64.RawURLEncoding.EncodeToString([]byte(time.Now().String() + q.Get("state")))
	claims := map[string]any{}
	for k, v := range p.User {
		claims[k] = v
	}
	p.codes[code] = grant{redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), claims: claims}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code once, for the client that asked for it, with the
// PKCE verifier that matches its challenge.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	fail := func(code, why string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		fail("invalid_client", "unknown client or wrong secret")
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	tamper := p.Tamper
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found:
		fail("invalid_grant", "unknown or used code")
		return
	case r.PostForm.Get("redirect_uri") != g.redirect:
		fail("invalid_grant", "redirect_uri differs from the authorization request")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		fail("invalid_grant", "PKCE verifier does not match the challenge")
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "aud": p.ClientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	for k, v := range g.claims {
		claims[k] = v
	}
	if tamper != nil {
		tamper(claims)
	}
	raw, _ := json.Marshal(claims)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + r.PostForm.Get("code"), "token_type": "Bearer", "expires_in": 300,
		"id_token": oidctest.SignIDToken(p.key, "k1", oidc.RS256, string(raw))})
}

// Package sso signs staff in through the center's identity provider with
// OpenID Connect: the authorization code flow with PKCE, a nonce bound to
// the browser's attempt, and the ID token verified against the provider's
// published keys (github.com/coreos/go-oidc). It knows nothing of users or
// sessions: it turns a callback into the identity the provider vouches for,
// and the web layer decides who that is.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is how OpenIOP is registered with the provider.
type Config struct {
	Issuer       string // e.g. https://login.example.org/realms/center
	ClientID     string
	ClientSecret string // empty for a public client (PKCE alone)
	Name         string // what the sign-in button calls the provider
	HTTPClient   *http.Client
}

// Identity is what the provider vouches for in a verified ID token.
type Identity struct {
	Issuer, Subject string
	Email           string
	EmailVerified   bool
	Name            string
	// AMR lists how the person authenticated (RFC 8176), when the provider says.
	AMR []string
}

// Attempt is one browser's sign-in in progress: the state that comes back
// on the callback, the nonce the ID token must carry, and the PKCE verifier.
type Attempt struct{ State, Nonce, Verifier string }

// NewAttempt makes fresh random values for one sign-in.
func NewAttempt() Attempt {
	return Attempt{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// Provider is the configured identity provider. Discovery is lazy and
// retried, so a provider that is down does not stop the server starting;
// password sign-in keeps working meanwhile.
type Provider struct {
	cfg Config

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// New returns a provider for cfg.
func New(cfg Config) *Provider { return &Provider{cfg: cfg} }

// Name is what the sign-in button calls the provider.
func (p *Provider) Name() string { return p.cfg.Name }

func (p *Provider) ctx(ctx context.Context) context.Context {
	if p.cfg.HTTPClient != nil {
		return oidc.ClientContext(ctx, p.cfg.HTTPClient)
	}
	return ctx
}

// discover reads the provider's configuration once it can.
func (p *Provider) discover(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oauth != nil {
		return p.oauth, p.verifier, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	op, err := oidc.NewProvider(p.ctx(ctx), p.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the identity provider's configuration from %s: %w", p.cfg.Issuer, err)
	}
	// The verifier fetches keys later with its own context: give it the client.
	p.verifier = op.VerifierContext(p.ctx(context.Background()), &oidc.Config{ClientID: p.cfg.ClientID})
	p.oauth = &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret,
		Endpoint: op.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	return p.oauth, p.verifier, nil
}

// AuthURL is where to send the browser for attempt a; the provider sends
// it back to redirect (BaseURL + /login/sso/callback, registered there).
func (p *Provider) AuthURL(ctx context.Context, a Attempt, redirect string) (string, error) {
	oc, _, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return oc.AuthCodeURL(a.State, oidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier),
		oauth2.SetAuthURLParam("redirect_uri", redirect)), nil
}

// Refusal is a callback that does not prove who the person is; Reason is
// fit for the audit log and the person.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return r.Reason }

// Finish exchanges the callback's code for tokens and verifies the ID
// token: signature, issuer, audience, expiry and the attempt's nonce.
func (p *Provider) Finish(ctx context.Context, a Attempt, code, redirect string) (Identity, error) {
	oc, verifier, err := p.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	if code == "" {
		return Identity{}, &Refusal{"the identity provider sent no authorization code"}
	}
	tok, err := oc.Exchange(p.ctx(ctx), code, oauth2.VerifierOption(a.Verifier), oauth2.SetAuthURLParam("redirect_uri", redirect))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Identity{}, &Refusal{"the identity provider refused the code: " + strings.TrimSpace(re.ErrorCode+" "+re.ErrorDescription)}
		}
		return Identity{}, fmt.Errorf("exchanging the code with the identity provider: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, &Refusal{"the identity provider sent no ID token"}
	}
	idt, err := verifier.Verify(p.ctx(ctx), raw)
	if err != nil {
		return Identity{}, &Refusal{"the ID token did not verify: " + err.Error()}
	}
	if idt.Nonce != a.Nonce {
		return Identity{}, &Refusal{"the ID token belongs to another sign-in attempt (nonce mismatch)"}
	}
	var claims struct {
		Email         string   `json:"email"`
		EmailVerified any      `json:"email_verified"` // some providers send "true" as a string
		Name          string   `json:"name"`
		AMR           []string `json:"amr"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, &Refusal{"the ID token's claims could not be read: " + err.Error()}
	}
	verified := claims.EmailVerified == true || claims.EmailVerified == "true"
	return Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: strings.TrimSpace(claims.Email), EmailVerified: verified,
		Name: claims.Name, AMR: slices.Clone(claims.AMR)}, nil
}

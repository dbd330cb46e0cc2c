// A real OpenID Connect provider for the sign-in tests: panva's certified oidc-provider on loopback.
//
// Started by tests/test_oidc_browser.py:  node provider.mjs  with, in the environment,
//   OIDC_PORT            port to listen on (127.0.0.1 only)
//   OIDC_REDIRECT_URI    the app's redirect URI (…/oauth2callback), also its post-logout URI
//   OIDC_CLIENT_SECRET   the secret of client "atlas"
//   OIDC_USERS           JSON {login: {password, email, name, groups: [...]}}
// It prints "oidc-provider listening on <issuer>" once it accepts connections.
//
// Its own login and consent pages (below) replace the library's development pages, which load a
// web font from the internet; the tests run offline. Passwords are checked; a wrong one is refused.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = process.env.OIDC_REDIRECT_URI;
const users = JSON.parse(process.env.OIDC_USERS || '{}');

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}label,input,button{display:block;margin:.4em 0}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'atlas',
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  cookies: { keys: ['atlas-test-oidc-cookie-key'] },
  // the group claim is asked for with the "groups" scope; it goes into the ID token (Streamlit reads that)
  claims: {
    openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], groups: ['groups'],
  },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the office directory', `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
    },
  },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id, email: user.email, email_verified: true, name: user.name || id, preferred_username: id,
          groups: user.groups || [],
        };
      },
    };
  },
});

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

function loginPage(uid, error) {
  return page('Office directory sign-in', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
<label>Username <input name="login" required></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button></form>`);
}

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') return send(res, 200, loginPage(uid));
    return send(res, 200, page('Allow the atlas to know who you are', `<p>Client: ${escape(details.params.client_id)};
scopes: ${escape(details.params.scope)}</p><form method="post" action="/interaction/${uid}/confirm">
<button type="submit">Allow</button></form>`));
  }
  const form = await readForm(req);
  if (action === 'login') {
    const user = users[form.get('login')];
    if (!user || user.password !== form.get('password')) {
      return send(res, 200, loginPage(uid, 'Wrong username or password.'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: form.get('login') } },
      { mergeWithLastSubmission: false });
  }
  // consent: grant what was asked for (as the library's own development consent page does)
  const { prompt: { details: missing }, grantId, session, params } = details;
  const grant = grantId ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true });
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => send(res, 400, page('Error', escape(err.message))));
  } else {
    callback(req, res);
  }
}).listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));

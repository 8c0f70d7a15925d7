/*
 * The playground page: a token box above GraphiQL. Plain browser JavaScript on the UMD
 * builds of React 18 and GraphiQL 3 (globals React, ReactDOM, GraphiQL), served as it is:
 * no build step. gateway/playground/index.ts serves it and the page around it.
 *
 * The token lives in sessionStorage (this tab only, gone when it closes; never localStorage,
 * never the URL) and is sent as `Authorization: Bearer …` with every request GraphiQL makes,
 * unless the headers editor sets its own Authorization. A client secret is never stored.
 */
/* global React, ReactDOM, GraphiQL, document, sessionStorage, fetch, Headers, URLSearchParams, atob, setTimeout, clearTimeout */
'use strict';

(function () {
  const h = React.createElement;
  const { useEffect, useMemo, useState } = React;
  const config = JSON.parse(document.getElementById('playground-config').textContent);

  const STORAGE_KEY = 'identity-gateway:playground:token';

  // --- the token, shared by the box and the fetcher ----------------------------------------

  /** { accessToken, expiresAt (ms, or null when unknown), label (where it came from) } or null */
  let current = readStored();

  function readStored() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
      return stored && typeof stored.accessToken === 'string' ? stored : null;
    } catch {
      return null;
    }
  }

  function store(token) {
    current = token;
    if (token) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(token));
    else sessionStorage.removeItem(STORAGE_KEY);
  }

  function isExpired(token) {
    return token.expiresAt !== null && token.expiresAt <= Date.now();
  }

  /** A JWT's `exp` in ms, read (not verified: the gateway does that) so a pasted token can show when it ends. */
  function jwtExpiry(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const exp = JSON.parse(atob(payload)).exp;
      return typeof exp === 'number' ? exp * 1000 : null;
    } catch {
      return null;
    }
  }

  /** window.fetch for GraphiQL: adds the token, unless the headers editor names an Authorization of its own. */
  function authorizedFetch(input, init) {
    const headers = new Headers((init && init.headers) || {});
    if (current && !isExpired(current) && !headers.has('authorization')) headers.set('authorization', `Bearer ${current.accessToken}`);
    return fetch(input, Object.assign({}, init, { headers }));
  }

  // --- getting a token ---------------------------------------------------------------------

  /** The token endpoint's refusal as the person should read it: RFC 6749 §5.2 error and description. */
  async function tokenError(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    let message = body && typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    if (body && typeof body.error_description === 'string') message += `: ${body.error_description}`;
    const retryAfter = response.headers.get('retry-after');
    if (response.status === 429 && retryAfter) message += ` (try again in ${retryAfter} s)`;
    return message;
  }

  async function clientCredentialsToken(clientId, clientSecret) {
    const response = await fetch(config.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    });
    if (!response.ok) throw new Error(await tokenError(response));
    const body = await response.json();
    if (typeof body.access_token !== 'string') throw new Error('The token endpoint answered without an access_token');
    const expiresAt = typeof body.expires_in === 'number' ? Date.now() + body.expires_in * 1000 : jwtExpiry(body.access_token);
    return { accessToken: body.access_token, expiresAt, label: `client ${clientId}` };
  }

  /** A GraphQL operation of the token box itself (signing in); resolves to data, or rejects with the first error's message. */
  async function graphql(query, variables) {
    const response = await fetch(config.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    const error = body && Array.isArray(body.errors) && body.errors[0];
    if (error) throw new Error(typeof error.message === 'string' ? error.message : `HTTP ${response.status}`);
    if (!response.ok || !body || !body.data) throw new Error(`HTTP ${response.status}`);
    return body.data;
  }

  function requestLoginCode(email) {
    return graphql('mutation RequestLoginCode($email: String!) { requestLoginCode(email: $email) }', { email });
  }

  /** A person's token from the code mailed to them; the refresh token is not kept (this is a playground). */
  async function loginCodeToken(email, code) {
    const data = await graphql('mutation VerifyLoginCode($email: String!, $code: String!) { verifyLoginCode(email: $email, code: $code) { accessToken expiresIn } }', { email, code });
    const { accessToken, expiresIn } = data.verifyLoginCode;
    return { accessToken, expiresAt: Date.now() + expiresIn * 1000, label: email };
  }

  // --- the token box -----------------------------------------------------------------------

  function field(label, props) {
    return h('label', { className: 'token-field' }, h('span', null, label), h('input', Object.assign({ spellCheck: false, autoComplete: 'off' }, props)));
  }

  function describe(token, now) {
    if (!token) return { kind: 'none', text: 'No token: requests go out anonymous. Get one with client credentials, sign in with an email, or paste one.' };
    if (isExpired(token)) return { kind: 'error', text: `The token of ${token.label} has expired. Get a new one.` };
    const until = token.expiresAt === null ? '' : `, valid for ${Math.max(1, Math.round((token.expiresAt - now) / 60000))} more min`;
    return { kind: 'ok', text: `Token of ${token.label}${until}: sent as Authorization: Bearer … with every request.` };
  }

  function TokenBox(props) {
    const { token, onToken } = props;
    const [clientId, setClientId] = useState('');
    const [clientSecret, setClientSecret] = useState('');
    const [pasted, setPasted] = useState('');
    const [email, setEmail] = useState('');
    const [code, setCode] = useState('');
    const [codeSent, setCodeSent] = useState(false);
    const [notice, setNotice] = useState(null);
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState(null);
    const [now, setNow] = useState(Date.now());

    // Re-render once a minute, and right when the token expires, so the status stays true.
    useEffect(() => {
      const wait = token && token.expiresAt !== null ? Math.min(60000, Math.max(0, token.expiresAt - Date.now()) + 50) : 60000;
      const timer = setTimeout(() => setNow(Date.now()), wait);
      return () => clearTimeout(timer);
    }, [token, now]);

    async function getToken(event) {
      event.preventDefault();
      setBusy(true);
      setError(null);
      try {
        onToken(await clientCredentialsToken(clientId.trim(), clientSecret));
        setClientSecret('');
      } catch (failure) {
        setError(failure instanceof Error ? failure.message : String(failure));
      } finally {
        setBusy(false);
      }
    }

    async function sendCode(event) {
      event.preventDefault();
      setBusy(true);
      setError(null);
      try {
        await requestLoginCode(email.trim());
        setCodeSent(true);
        setNotice(`If ${email.trim()} has an account, a code is on its way there.`);
      } catch (failure) {
        setError(failure instanceof Error ? failure.message : String(failure));
      } finally {
        setBusy(false);
      }
    }

    async function signIn(event) {
      event.preventDefault();
      setBusy(true);
      setError(null);
      try {
        onToken(await loginCodeToken(email.trim(), code));
        setCode('');
        setCodeSent(false);
        setNotice(null);
      } catch (failure) {
        setError(failure instanceof Error ? failure.message : String(failure));
      } finally {
        setBusy(false);
      }
    }

    function applyPasted(event) {
      event.preventDefault();
      const accessToken = pasted.trim().replace(/^Bearer\s+/i, '');
      if (!accessToken) return;
      setError(null);
      onToken({ accessToken, expiresAt: jwtExpiry(accessToken), label: 'the pasted token' });
      setPasted('');
    }

    const status = error ? { kind: 'error', text: error } : notice ? { kind: 'none', text: notice } : describe(token, now);
    return h(
      'section',
      { className: 'token-box', 'aria-label': 'Token' },
      h(
        'form',
        { className: 'token-form', id: 'client-credentials', onSubmit: getToken },
        h('strong', null, 'Client credentials'),
        field('Client ID', { name: 'client_id', value: clientId, required: true, placeholder: 'cid_…', onChange: (e) => setClientId(e.target.value) }),
        field('Client secret', { name: 'client_secret', type: 'password', value: clientSecret, required: true, placeholder: 'cs_…', onChange: (e) => setClientSecret(e.target.value) }),
        h('button', { type: 'submit', disabled: busy }, busy ? 'Getting…' : 'Get token'),
      ),
      // People: an email, "Send code" (requestLoginCode), then the mailed code and "Sign in"
      // (verifyLoginCode, whose accessToken and expiresIn become the token).
      h(
        'form',
        { className: 'token-form', id: 'login-code', onSubmit: codeSent ? signIn : sendCode },
        h('strong', null, 'Or sign in'),
        field('Email', { name: 'email', type: 'email', value: email, required: true, placeholder: 'ann@example.com', onChange: (e) => { setEmail(e.target.value); setCodeSent(false); } }),
        codeSent ? field('Code', { name: 'code', value: code, required: true, inputMode: 'numeric', autoComplete: 'one-time-code', placeholder: '8 digits', onChange: (e) => setCode(e.target.value) }) : null,
        h('button', { type: 'submit', disabled: busy }, codeSent ? 'Sign in' : 'Send code'),
      ),
      h(
        'form',
        { className: 'token-form', id: 'paste-token', onSubmit: applyPasted },
        h('strong', null, 'Or a token'),
        field('Access token', { name: 'access_token', value: pasted, placeholder: 'eyJ…', onChange: (e) => setPasted(e.target.value) }),
        h('button', { type: 'submit' }, 'Use token'),
        h('button', { type: 'button', disabled: !token, onClick: () => { setError(null); onToken(null); } }, 'Forget token'),
      ),
      h('p', { className: `token-status ${status.kind}`, id: 'token-status', role: 'status', 'aria-live': 'polite' }, status.text),
    );
  }

  // --- the page ----------------------------------------------------------------------------

  function Playground() {
    const [token, setToken] = useState(current);
    // One fetcher for the page's life: it reads the token when each request goes out.
    const fetcher = useMemo(() => GraphiQL.createFetcher({ url: config.graphqlUrl, fetch: authorizedFetch, enableIncrementalDelivery: false }), []);
    const onToken = (next) => {
      store(next);
      setToken(next);
    };
    return h(
      'div',
      { className: 'playground' },
      h(TokenBox, { token, onToken }),
      h('div', { className: 'playground-graphiql' }, h(GraphiQL, { fetcher, defaultTabs: config.examples, defaultEditorToolsVisibility: 'variables' })),
    );
  }

  ReactDOM.createRoot(document.getElementById('playground')).render(h(Playground));
})();

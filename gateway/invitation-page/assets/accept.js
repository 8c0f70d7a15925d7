/*
 * The invitation page: reads the token from the URL's fragment (never sent to any server),
 * shows what the invitation is (invitationPreview), and on the person's confirmation accepts
 * it (acceptInvitation), which signs them in. The access token is kept where the playground
 * looks for one (sessionStorage, this tab only); the refresh token is not kept at all.
 * Plain browser JavaScript, served as it is; gateway/invitation-page/index.ts serves it.
 */
/* global document, window, sessionStorage, fetch, URLSearchParams */
'use strict';

(function () {
  const GRAPHQL_URL = '../graphql';
  // The playground's key (gateway/playground/assets/playground.js): the playground opened from here is signed in.
  const PLAYGROUND_TOKEN_KEY = 'identity-gateway:playground:token';

  const status = document.getElementById('status');
  const button = document.getElementById('accept');
  const next = document.getElementById('next');

  function show(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  async function graphql(query, variables, accessToken) {
    const headers = { 'content-type': 'application/json' };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const response = await fetch(GRAPHQL_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await response.json();
    if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
    return body.data;
  }

  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (!token) {
    show('This page opens from the link in an invitation mail; that link is needed to accept.', 'error');
    return;
  }

  let preview = null;

  async function start() {
    try {
      const data = await graphql(
        'query Preview($token: String!) { invitationPreview(token: $token) { email organizationName tenantName roleKey expiresAt } }',
        { token },
      );
      preview = data.invitationPreview;
      const where = preview.tenantName ? `${preview.tenantName} in ${preview.organizationName}` : preview.organizationName;
      show(`${preview.email} is invited to join ${where} as ${preview.roleKey}. The invitation is good until ${new Date(preview.expiresAt).toLocaleString()}.`);
      button.hidden = false;
    } catch (error) {
      show(error.message, 'error');
    }
  }

  async function accept() {
    button.disabled = true;
    show('Accepting…');
    try {
      const data = await graphql(
        'mutation Accept($token: String!) { acceptInvitation(token: $token) { user { email } signIn { accessToken expiresIn } } }',
        { token },
      );
      const { user, signIn } = data.acceptInvitation;
      sessionStorage.setItem(PLAYGROUND_TOKEN_KEY, JSON.stringify({ accessToken: signIn.accessToken, expiresAt: Date.now() + signIn.expiresIn * 1000, label: `${user.email} (invitation)` }));
      // The link is spent: take it out of the address bar and the tab's history.
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      // Who the new token says we are, asked with it: proof the sign-in works.
      const me = await graphql('query Me { me { principal { ... on User { email } } } }', {}, signIn.accessToken);
      button.hidden = true;
      document.getElementById('invitation').dataset.signedIn = 'true';
      show(`Signed in as ${me.me.principal.email}, a member of ${preview ? preview.organizationName : 'the organization'}.`, 'ok');
      next.hidden = false;
    } catch (error) {
      button.disabled = false;
      show(error.message, 'error');
    }
  }

  button.addEventListener('click', accept);
  start();
})();

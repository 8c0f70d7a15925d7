/*
 * The sign-in page (gateway/sign-in/index.ts serves it): email, a code from the mail, and the
 * person is signed in. Plain browser JavaScript, no build step. The access token goes to this
 * tab's sessionStorage under the playground's key (the playground sends it with every request);
 * the refresh token is not kept.
 */
/* global document, window, sessionStorage, fetch, URLSearchParams */
'use strict';

(function () {
  // The playground's key and token shape (gateway/playground/assets/playground.js).
  const STORAGE_KEY = 'identity-gateway:playground:token';
  const GRAPHQL_URL = 'graphql';

  const byId = (id) => document.getElementById(id);
  const emailForm = byId('email-form');
  const codeForm = byId('code-form');
  const signedIn = byId('signed-in');
  const status = byId('status');
  let email = '';

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  function show(step) {
    emailForm.hidden = step !== 'email';
    codeForm.hidden = step !== 'code';
    signedIn.hidden = step !== 'signed-in';
  }

  function stored() {
    try {
      const token = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
      return token && typeof token.accessToken === 'string' && (token.expiresAt === null || token.expiresAt > Date.now()) ? token : null;
    } catch {
      return null;
    }
  }

  /** A GraphQL operation through the gateway; resolves to data, or rejects with the first error's message. */
  async function graphql(query, variables, accessToken) {
    const headers = { 'content-type': 'application/json' };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const response = await fetch(GRAPHQL_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    const error = body && Array.isArray(body.errors) && body.errors[0];
    if (error) throw new Error(error.message);
    if (!response.ok || !body || !body.data) throw new Error(`The gateway answered HTTP ${response.status}`);
    return body.data;
  }

  async function showSignedIn(token) {
    const data = await graphql('{ me { principal { ... on User { email } } } }', {}, token.accessToken);
    const who = data.me && data.me.principal && data.me.principal.email;
    byId('signed-in-email').textContent = who || token.label;
    show('signed-in');
  }

  function busy(form, on) {
    for (const button of form.querySelectorAll('button')) button.disabled = on;
  }

  emailForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    email = byId('email').value.trim();
    busy(emailForm, true);
    say('Sending…');
    try {
      await graphql('mutation($email: String!) { requestLoginCode(email: $email) }', { email });
      byId('code-sent').textContent = `If ${email} has an account, a code is on its way there. Enter it here:`;
      byId('code').value = '';
      show('code');
      say('');
      byId('code').focus();
    } catch (failure) {
      say(failure.message, 'error');
    } finally {
      busy(emailForm, false);
    }
  });

  codeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    busy(codeForm, true);
    say('Signing in…');
    try {
      const data = await graphql(
        'mutation($email: String!, $code: String!) { verifyLoginCode(email: $email, code: $code) { accessToken expiresIn } }',
        { email, code: byId('code').value },
      );
      const token = { accessToken: data.verifyLoginCode.accessToken, expiresAt: Date.now() + data.verifyLoginCode.expiresIn * 1000, label: email };
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(token));
      await showSignedIn(token);
      say('');
    } catch (failure) {
      say(failure.message, 'error');
    } finally {
      busy(codeForm, false);
    }
  });

  byId('other-email').addEventListener('click', () => {
    show('email');
    say('');
  });

  byId('sign-out').addEventListener('click', async () => {
    const token = stored();
    sessionStorage.removeItem(STORAGE_KEY);
    try {
      if (token) await graphql('mutation { signOut }', {}, token.accessToken);
      say('Signed out.');
    } catch (failure) {
      say(failure.message, 'error');
    }
    show('email');
  });

  byId('email').value = new URLSearchParams(window.location.search).get('email') || '';
  const token = stored();
  if (token) {
    showSignedIn(token).catch(() => {
      // The stored token no longer works (signed out elsewhere, expired): start over.
      sessionStorage.removeItem(STORAGE_KEY);
      show('email');
    });
  } else {
    show('email');
  }
})();

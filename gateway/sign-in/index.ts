/**
 * The sign-in page at `/sign-in`, what the welcome mail links to (`?email=` prefills the
 * address): a person enters an email, gets a code by mail, enters it, and is signed in. Like
 * the playground it is served from files installed with the project (assets/sign-in.js and
 * assets/sign-in.css, plain browser code, no build step, no framework) and its
 * Content-Security-Policy lets it load and call nothing but the gateway. The page calls
 * `requestLoginCode` and `verifyLoginCode` through `/graphql`, keeps the access token in this
 * tab's sessionStorage under the playground's key, so "Open the playground" arrives signed in,
 * and offers `signOut`. The refresh token is not kept: this page is for trying the gateway;
 * applications keep their own.
 */
import { staticPage, type Page } from '../pages.js';

export const SIGN_IN_PATH = '/sign-in';

export function createSignInPage(): Page {
  return staticPage({
    path: SIGN_IN_PATH,
    assetPrefix: '/sign-in/assets/',
    assets: { script: ['sign-in.js', new URL('./assets/sign-in.js', import.meta.url)], stylesheet: ['sign-in.css', new URL('./assets/sign-in.css', import.meta.url)] },
    title: 'Sign in',
    body: `<main class="sign-in">
<h1>Sign in</h1>
<noscript><p>This page needs JavaScript. Without it, call the requestLoginCode and verifyLoginCode mutations at /graphql.</p></noscript>
<form id="email-form" hidden>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required>
  <button type="submit">Send code</button>
</form>
<form id="code-form" hidden>
  <p id="code-sent"></p>
  <label for="code">Code</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
  <button type="submit">Sign in</button>
  <button type="button" id="other-email">Use another email</button>
</form>
<section id="signed-in" hidden>
  <p>Signed in as <strong id="signed-in-email"></strong>.</p>
  <p><a id="open-playground" href="playground">Open the playground</a> with this sign-in, or <button type="button" id="sign-out">Sign out</button></p>
</section>
<p id="status" role="status" aria-live="polite"></p>
</main>
`,
  });
}

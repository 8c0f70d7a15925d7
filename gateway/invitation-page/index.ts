/**
 * The page an invitation mail links to by default (INVITATION_URL): `/invitations/accept`,
 * where the invitee sees what the invitation is, confirms, and is signed in. Like the
 * playground, it is served by the gateway from files installed with the project and loads
 * nothing from anywhere else (its Content-Security-Policy allows only the gateway).
 *
 * The token travels in the URL's fragment (#token=…), which browsers never send to a server:
 * the page's script reads it and calls `invitationPreview` and `acceptInvitation` on
 * /graphql. On success it keeps the access token where the playground looks for one
 * (sessionStorage, this tab only), so the playground opened from the page is signed in.
 */
import { staticPage, type Page } from '../pages.js';

export const INVITATION_PAGE_PATH = '/invitations/accept';

export function createInvitationPage(): Page {
  return staticPage({
    path: INVITATION_PAGE_PATH,
    assetPrefix: '/invitations/assets/',
    assets: { script: ['accept.js', new URL('./assets/accept.js', import.meta.url)], stylesheet: ['accept.css', new URL('./assets/accept.css', import.meta.url)] },
    title: 'Invitation',
    body: `<main id="invitation" aria-live="polite">
<h1>Invitation</h1>
<p id="status">Reading your invitation…</p>
<noscript><p>This page needs JavaScript to accept the invitation.</p></noscript>
<button id="accept" type="button" hidden>Accept invitation</button>
<p id="next" hidden><a href="../playground">Open the playground</a> (you are signed in there too, in this tab).</p>
</main>
`,
  });
}

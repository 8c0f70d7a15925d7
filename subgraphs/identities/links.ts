import { ConfigurationError } from '../../lib/config.js';
import type { SubgraphContext } from '../common/context.js';

/** Where mails send people: pages of the gateway by default, or the application's own. */
export interface Links {
  /** Sign-in with an email and a code (the welcome mail links here, with ?email=). */
  signIn: string;
  /** Accepting an invitation (the invitation mail links here, with the token after #token=). */
  invitation: string;
}

export function defaultLinks(issuer: string): Links {
  return { signIn: `${issuer}/sign-in`, invitation: `${issuer}/invitations/accept` };
}

export function links(ctx: SubgraphContext): Links {
  const value = ctx.services.links as Links | undefined;
  if (!value) throw new Error('identities started without its links');
  return value;
}

/** A link with query parameters added to whatever the configured URL already carries. */
export function linkTo(base: string, params: Record<string, string>, fragment?: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (fragment) url.hash = new URLSearchParams(fragment).toString();
  return url.toString();
}

/** SIGN_IN_URL and INVITATION_URL, when set: absolute http(s) URLs, or the start stops. */
export function linksFromEnv(): Partial<Links> {
  const result: Partial<Links> = {};
  for (const [key, name] of [['signIn', 'SIGN_IN_URL'], ['invitation', 'INVITATION_URL']] as const) {
    const value = process.env[name];
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigurationError(`${name} must be an absolute URL, got "${value}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigurationError(`${name} must be an http or https URL, got "${value}"`);
    result[key] = url.toString();
  }
  return result;
}

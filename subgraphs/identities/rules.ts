import { allow, or, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { Place } from '../common/authz/decision.js';
import { can, isAuthenticated } from '../common/authz/rules.js';
import type { SubgraphContext } from '../common/context.js';
import { parseId } from '../common/ids.js';
import { notFound } from '../../lib/errors.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { apiKeyById, organizationOfApiKey } from './modules/api-key/api-key.loaders.js';
import { organizationOfCredential } from './modules/credential/credential.loaders.js';
import { invitationById } from './modules/invitation/invitation.loaders.js';
import { acceptedInThisRequest } from './modules/invitation/invitation.service.js';
import { organizationOfServiceAccount } from './modules/service-account/service-account.loaders.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const organizationArg = (name: string) => (_parent: unknown, args: any) => Place.organization(parseId(args[name], name));
/** Where an object of an organization lives, or null (NOT_FOUND) when there is no such object. */
const inOrganization = (organizationId: string | null) => (organizationId ? Place.organization(organizationId) : null);
const accountArg = (name: string) => async (_parent: unknown, args: any, ctx: SubgraphContext) =>
  inOrganization(await organizationOfServiceAccount(ctx, parseId(args[name], name)));
/** A principal always sees itself (me.principal), whatever its roles. */
const isSelf = rule({ cache: 'no_cache' })((account: { id: string }, _args: unknown, ctx: SubgraphContext) => account.id === ctx.principal?.id);
/** A user the caller may see: itself, with user:read on the platform, or in an organization it can read. */
const visibleUser = rule({ cache: 'no_cache' })(async (user: { id: string }, _args: unknown, ctx: SubgraphContext) =>
  (await ctx.authz.visiblePrincipal(user.id)) ? true : notFound('User'),
);
const ownMembership = rule({ cache: 'no_cache' })((membership: { userId: string }, _args: unknown, ctx: SubgraphContext) => membership.userId === ctx.principal?.id);
const platform = () => Place.platform;
/**
 * createApiKey without serviceAccountId (or naming the caller): a key for the caller itself,
 * which needs no permission, but only from a token of the principal's own sign-in or client
 * credentials. A key minted with a key would outlive the revocation or expiry of the key that
 * made it, and one minted with a token scoped to an organization would reach beyond it.
 */
const createsOwnKey = rule({ cache: 'no_cache' })((_parent: unknown, args: any, ctx: SubgraphContext) => {
  if (!ctx.principal) return unauthenticated();
  const target = args.input?.serviceAccountId;
  if (target != null && target !== ctx.principal.id) return false;
  if (ctx.principal.apiKeyId) return forbidden('A token obtained with an API key cannot create API keys for its own principal');
  if (ctx.principal.organizationId) return forbidden('A token scoped to one organization cannot create API keys for its principal');
  return true;
});
const keyHolderArg = async (_parent: unknown, args: any, ctx: SubgraphContext) =>
  inOrganization(await organizationOfServiceAccount(ctx, parseId(args.input?.serviceAccountId, 'serviceAccountId')));
/** A principal always sees and revokes its own keys. */
const holdsKey = rule({ cache: 'no_cache' })((key: { principalId: string }, _args: unknown, ctx: SubgraphContext) => key.principalId === ctx.principal?.id);
const holdsKeyArg = rule({ cache: 'no_cache' })(async (_parent: unknown, args: any, ctx: SubgraphContext) => {
  const key = await apiKeyById(ctx).load(parseId(args.id, 'id'));
  return key !== null && key.principalId === ctx.principal?.id;
});
const keyArg = async (_parent: unknown, args: any, ctx: SubgraphContext) => {
  const key = await apiKeyById(ctx).load(parseId(args.id, 'id'));
  return inOrganization(key && (await organizationOfApiKey(ctx, key)));
};
/** Users' keys are the platform's to see and revoke (user:read, user:manage), besides their holders'. */
const userKey = (permission: 'user:read' | 'user:manage') =>
  can(permission, (key: { principalType: string } | null) => (key?.principalType === 'user' ? Place.platform : null), 'ApiKey');
const userKeyArg = rule({ cache: 'no_cache' })(async (_parent: unknown, args: any, ctx: SubgraphContext) => {
  const key = await apiKeyById(ctx).load(parseId(args.id, 'id'));
  return key?.principalType === 'user' && (await ctx.authz.can('user:manage', Place.platform));
});
/**
 * resendInvitation and revokeInvitation: member:invite where the invitation lives (its tenant,
 * or its organization). Whoever may not read it (member:read) gets NOT_FOUND, as for an id that
 * does not exist; whoever may read it but not invite gets FORBIDDEN.
 */
const managesInvitation = rule({ cache: 'no_cache' })(async (_parent: unknown, args: any, ctx: SubgraphContext) => {
  if (!ctx.principal) return unauthenticated();
  const invitation = await invitationById(ctx).load(parseId(args.id, 'id'));
  const place = invitation && Place.of(invitation);
  if (!place || !(await ctx.authz.can('member:read', place))) return notFound('Invitation');
  return (await ctx.authz.can('member:invite', place)) ? true : forbidden('Missing permission member:invite');
});
/** Where an invitation is made: the tenant when one is named, else the organization. */
const invitationPlaceArg = (_parent: unknown, args: any) =>
  args.input?.tenantId != null ? Place.tenant(parseId(args.input.tenantId, 'tenantId')) : Place.organization(parseId(args.organizationId, 'organizationId'));
/** The invitee sees what its acceptance handed out (the invitation, its user), signed in or not. */
const acceptedHere = rule({ cache: 'no_cache' })((object: { id: string }, _args: unknown, ctx: SubgraphContext) => acceptedInThisRequest(ctx).has(object.id));
const credentialArg = async (_parent: unknown, args: any, ctx: SubgraphContext) => inOrganization(await organizationOfCredential(ctx, parseId(args.id, 'id')));

export const identityRules: IRules = {
  Query: {
    user: isAuthenticated,
    users: can('user:read', platform),
    serviceAccount: can('service_account:read', accountArg('id'), 'ServiceAccount'),
    invitation: isAuthenticated,
    // Whoever holds the link, signed in or not; the token is the credential.
    invitationPreview: allow,
  },
  Mutation: {
    createUser: can('user:manage', platform),
    deleteUser: can('user:manage', platform),
    addMember: can('member:manage', organizationArg('organizationId')),
    updateMember: can('member:manage', organizationArg('organizationId')),
    removeMember: can('member:manage', organizationArg('organizationId')),
    inviteUser: can('member:invite', invitationPlaceArg),
    resendInvitation: managesInvitation,
    revokeInvitation: managesInvitation,
    acceptInvitation: allow,
    createServiceAccount: can('service_account:manage', organizationArg('organizationId')),
    updateServiceAccount: can('service_account:manage', accountArg('id'), 'ServiceAccount'),
    deleteServiceAccount: can('service_account:manage', accountArg('id'), 'ServiceAccount'),
    createServiceAccountCredential: can('service_account:manage', accountArg('serviceAccountId'), 'ServiceAccount'),
    rotateServiceAccountCredential: can('service_account:manage', credentialArg, 'ServiceAccountCredential'),
    deleteServiceAccountCredential: can('service_account:manage', credentialArg, 'ServiceAccountCredential'),
    createApiKey: or(createsOwnKey, can('service_account:manage', keyHolderArg, 'ServiceAccount')),
    revokeApiKey: or(holdsKeyArg, userKeyArg, can('service_account:manage', keyArg, 'ApiKey')),
    // Signing in is for people without a token yet; the addresses' own limits guard them.
    requestLoginCode: allow,
    verifyLoginCode: allow,
    signOut: isAuthenticated,
  },
  Organization: {
    id: can('organization:read', (organization: { id: string }) => Place.organization(organization.id)),
    serviceAccounts: can('service_account:read', (organization: { id: string }) => Place.organization(organization.id)),
    members: can('member:read', (organization: { id: string }) => Place.organization(organization.id)),
    invitations: can('member:read', (organization: { id: string }) => Place.organization(organization.id)),
  },
  User: { '*': or(visibleUser, acceptedHere), apiKeys: or(isSelf, can('user:read', platform)) },
  Membership: or(ownMembership, can('member:read', (membership: { organizationId: string }) => Place.organization(membership.organizationId), 'Membership')),
  Invitation: or(acceptedHere, can('member:read', (invitation: { organizationId: string; tenantId: string | null }) => Place.of(invitation), 'Invitation')),
  InvitationConnection: allow,
  InvitationEdge: allow,
  InvitationPreview: allow,
  AcceptInvitationPayload: allow,
  SignIn: allow,
  Tenant: allow,
  CreateUserPayload: allow,
  UserConnection: allow,
  UserEdge: allow,
  MembershipConnection: allow,
  MembershipEdge: allow,
  ServiceAccount: or(isSelf, can('service_account:read', (account: { organizationId: string }) => Place.organization(account.organizationId), 'ServiceAccount')),
  ServiceAccountCredential: can(
    'service_account:read',
    async (credential: { serviceAccountId: string }, _args: unknown, ctx: SubgraphContext) =>
      inOrganization(await organizationOfServiceAccount(ctx, credential.serviceAccountId)),
    'ServiceAccountCredential',
  ),
  ServiceAccountCredentialWithSecret: allow,
  ApiKey: or(
    holdsKey,
    userKey('user:read'),
    can('service_account:read', async (key: { serviceAccountId: string | null }, _args: unknown, ctx: SubgraphContext) => inOrganization(await organizationOfApiKey(ctx, key)), 'ApiKey'),
  ),
  CreateApiKeyPayload: allow,
  ApiKeyConnection: allow,
  ApiKeyEdge: allow,
  ServiceAccountConnection: allow,
  ServiceAccountEdge: allow,
  PageInfo: allow,
  Permission: allow,
};

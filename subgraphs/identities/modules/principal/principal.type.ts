import { createUnionType } from 'type-graphql';
import { ServiceAccount } from '../service-account/service-account.entity.js';
import { User } from '../user/user.entity.js';

/**
 * Who acts: a person or a service account. Both are identities' own types; access defines the
 * same union over its references to them, and composition merges the two.
 */
export const Principal = createUnionType({
  name: 'Principal',
  types: () => [User, ServiceAccount] as const,
  resolveType: (value) => (value instanceof User ? 'User' : 'ServiceAccount'),
});

import { openDatabase, type Database } from '../common/db/orm.js';
import { Migration20261123000000_initial } from './migrations/Migration20261123000000_initial.js';
import { Migration20261124110000_mail_outbox } from './migrations/Migration20261124110000_mail_outbox.js';
import { Migration20261124100000_people } from './migrations/Migration20261124100000_people.js';
import { Migration20261124130000_sessions } from './migrations/Migration20261124130000_sessions.js';
import { Migration20261124120000_api_keys } from './migrations/Migration20261124120000_api_keys.js';
import { Migration20261124140000_invitations } from './migrations/Migration20261124140000_invitations.js';
import { Invitation } from './modules/invitation/invitation.entity.js';
import { Migration20261124150000_login_codes } from './migrations/Migration20261124150000_login_codes.js';
import { Migration20261125000000_credential_notify } from './migrations/Migration20261125000000_credential_notify.js';
import { ApiKey } from './modules/api-key/api-key.entity.js';
import { Membership } from './modules/membership/membership.entity.js';
import { User } from './modules/user/user.entity.js';
import { ServiceAccountCredential } from './modules/credential/credential.entity.js';
import { SigningKey } from './modules/oauth/signing-key.entity.js';
import { ServiceAccount } from './modules/service-account/service-account.entity.js';

export const SCHEMA = 'identities';

export function openIdentitiesDatabase(databaseUrl: string, poolMax: number, shareConnectionOf?: Database): Promise<Database> {
  return openDatabase({
    databaseUrl,
    poolMax,
    shareConnectionOf,
    schema: SCHEMA,
    entities: [ServiceAccount, ServiceAccountCredential, SigningKey, User, Membership, ApiKey, Invitation],
    migrations: [
      { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
      { name: 'Migration20261124100000_people', class: Migration20261124100000_people },
      { name: 'Migration20261124110000_mail_outbox', class: Migration20261124110000_mail_outbox },
      { name: 'Migration20261124120000_api_keys', class: Migration20261124120000_api_keys },
      { name: 'Migration20261124130000_sessions', class: Migration20261124130000_sessions },
      { name: 'Migration20261124140000_invitations', class: Migration20261124140000_invitations },
      { name: 'Migration20261124150000_login_codes', class: Migration20261124150000_login_codes },
      { name: 'Migration20261125000000_credential_notify', class: Migration20261125000000_credential_notify },
    ],
  });
}
